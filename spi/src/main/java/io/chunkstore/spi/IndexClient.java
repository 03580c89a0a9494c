package io.chunkstore.spi;

import io.chunkstore.spi.support.BlockingQueryPages;
import java.util.List;
import java.util.concurrent.CompletionStage;

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

    /**
     * The non-blocking form of {@link #queryPages}: starts every query and returns at once (a
     * backend without an asynchronous driver may deliver pages on the calling thread before
     * returning). Same semantics (order within a row, bounded parallelism, early stop per query,
     * every query run even when another fails); the stage completes when every query has ended,
     * exceptionally with the first error. See {@link AsyncPageConsumer} for threading and
     * back-pressure.
     *
     * <p>The default runs the blocking {@link #queryPages} on a shared pool of daemon threads; the
     * backends replace it with their drivers' asynchronous paths.
     */
    default CompletionStage<Void> queryPagesAsync(
            List<IndexQuery> queries, AsyncPageConsumer consumer) {
        return BlockingQueryPages.runAsync(this, queries, consumer);
    }

    /**
     * Streams every entry of {@code tableName} whose hash value starts with {@code hashPrefix}
     * ({@code ""}: the whole table) to {@code consumer}, in bounded memory; {@link #scanMode()}
     * says whether the backend reads only those rows or the whole table. Optional: a backend that
     * declares {@link Capabilities.Feature#INDEX_SCAN} implements it and {@link #scanMode()}; the
     * default throws {@link UnsupportedOperationException} naming the client. For whole-tenant
     * deletes ({@code chunkstore delete tenant}) and tools; the query path never scans.
     *
     * @throws TableNotFoundException when the table does not exist
     */
    default void scan(String tableName, String hashPrefix, IndexScan consumer) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName()
                        + " cannot list the rows of a table (the backend has no index scan)");
    }

    /**
     * How {@link #scan} reads a prefix; {@link IndexScan.Mode#NONE} (no scan) unless the backend
     * implements it.
     */
    default IndexScan.Mode scanMode() {
        return IndexScan.Mode.NONE;
    }

    /** Releases connections and threads. */
    @Override
    void close();
}
