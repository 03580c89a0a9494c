package io.chunkstore.spi;

/**
 * Receives the pages of the blocking {@link IndexClient#queryPages}. Cortex's callback, with its
 * exact contract:
 *
 * <ul>
 *   <li>called zero or more times per query, with the query object the caller passed (so pages can
 *       be attributed);
 *   <li>returning {@code false} stops delivery for that query (other queries go on), and the
 *       backend stops the work behind it (driver paging, server streams);
 *   <li>called only on the thread that called {@code queryPages}, one page at a time: pages of
 *       queries running in parallel are handed to that thread;
 *   <li>may block: the query whose page it holds waits for its answer (back-pressure), and no
 *       driver I/O thread is held. A thrown exception fails that query; {@code queryPages} throws
 *       it once every query has ended.
 * </ul>
 *
 * A consumer that must not block, or that wants pages on the threads that produce them, uses {@link
 * AsyncPageConsumer} with {@link IndexClient#queryPagesAsync}.
 */
@FunctionalInterface
public interface PageConsumer {
    boolean onPage(IndexQuery query, ReadBatch page);
}
