package io.chunkstore.spi;

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
 *   <li>{@link #queryPagesAsync} runs every query and streams its matching entries to the consumer
 *       page by page, range values in ascending unsigned byte order within a row, in bounded memory
 *       however large the row. Queries run in parallel under a bound; see {@link AsyncPageConsumer}
 *       for the threading, back-pressure and early-stop contract. A query on a missing table fails
 *       with {@link TableNotFoundException}. If several queries fail, the call still runs the
 *       others and then fails with the first error. {@link #queryPages} is the same call for a
 *       blocking {@link PageConsumer}.
 * </ul>
 *
 * Every backend implements {@link #queryPagesAsync} on its driver's asynchronous API (or, for an
 * embedded store, a loop that delivers pages inline and resumes on its own executor when the
 * consumer defers); the blocking {@link #queryPages} is a thin wrapper over it. The other calls
 * block. Thread-safe.
 */
public interface IndexClient extends AutoCloseable {

    /** An empty batch for {@link #batchWrite}. */
    default WriteBatch newWriteBatch() {
        return new WriteBatch();
    }

    void batchWrite(WriteBatch batch);

    /**
     * Runs every query and calls the blocking {@code consumer} with their pages, on the calling
     * thread only: the consumer may block, and it never runs on a driver's I/O thread. Returns when
     * every query has ended; then throws the first error, as it was thrown (a consumer's own
     * exception included).
     *
     * <p>The default is a thin wrapper over {@link #queryPagesAsync}: a page delivered on the
     * calling thread is passed to the consumer directly, a page delivered on another thread is
     * handed to the calling thread and that page's stage completed with the consumer's answer.
     * Clients do not override it.
     *
     * @throws TableNotFoundException when a query names a missing table
     */
    default void queryPages(List<IndexQuery> queries, PageConsumer consumer) {
        CallerThreadPages.run(this, queries, consumer);
    }

    /**
     * Starts every query and returns at once (an embedded store may deliver pages on the calling
     * thread before returning). Bounded parallelism, ascending range values within a row, early
     * stop per query, every query run even when another fails; the stage completes when every query
     * has ended, exceptionally with the first error (a consumer's thrown exception or exceptionally
     * completed stage included). See {@link AsyncPageConsumer} for threading and back-pressure.
     *
     * <p>What every client implements (every backend, decorator and the gRPC client of this
     * repository do, on their drivers' asynchronous APIs or {@code spi.support.SyncPageLoop}). The
     * default keeps a client written against the blocking call alone working (a third-party
     * backend, a test double): it runs {@link #queryPages} on a shared pool of daemon threads, each
     * page waiting there for the consumer's answer.
     */
    default CompletionStage<Void> queryPagesAsync(
            List<IndexQuery> queries, AsyncPageConsumer consumer) {
        return BlockingClients.runAsync(this, queries, consumer);
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
