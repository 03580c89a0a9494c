package io.chunkstore.spi;

import java.util.List;

/**
 * The index half of a chunk store (Cortex's {@code IndexClient}): a wide-column store of {@code
 * (table, hash value, range value) -> value} cells, read one hash value at a time.
 *
 * <p>Semantics are Cortex's exactly (pkg/chunk/storage_client.go and the cases of
 * pkg/chunk/storage/index_client_test.go):
 *
 * <ul>
 *   <li>{@link #batchWrite} applies every put of the batch, then every delete. There is no
 *       atomicity; on failure an {@link IndexWriteException} lists what was not written. Re-writing
 *       a cell overwrites its value; deleting a missing cell is a no-op.
 *   <li>{@link #queryPages} runs every query and streams its matching entries to the consumer page
 *       by page, range values in ascending unsigned byte order within a row, in bounded memory
 *       however large the row. Queries run in parallel under a bound; see {@link PageConsumer} for
 *       the threading and early-stop contract. A query on a missing table fails with {@link
 *       TableNotFoundException}. If several queries fail, the call still runs the others and then
 *       throws the first error.
 * </ul>
 *
 * Blocking calls; backends use their drivers' async APIs inside. Thread-safe.
 */
public interface IndexClient extends AutoCloseable {

    /** An empty batch for {@link #batchWrite}. */
    default WriteBatch newWriteBatch() {
        return new WriteBatch();
    }

    void batchWrite(WriteBatch batch);

    void queryPages(List<IndexQuery> queries, PageConsumer consumer);

    /** Releases connections and threads. */
    @Override
    void close();
}
