package io.chunkstore.spi;

/**
 * Receives the pages of {@link IndexClient#queryPages}. Cortex's callback, with its exact contract:
 *
 * <ul>
 *   <li>called zero or more times per query, with the query object the caller passed (so pages can
 *       be attributed);
 *   <li>returning {@code false} stops delivery for that query (other queries go on), and the
 *       backend stops the work behind it (driver paging, server streams);
 *   <li>called concurrently from several threads for <em>different</em> queries, never concurrently
 *       for the same query; implementations synchronise their own state;
 *   <li>may block (a gRPC server applies back-pressure this way): backends never call it on a
 *       driver I/O thread.
 * </ul>
 */
@FunctionalInterface
public interface PageConsumer {
    boolean onPage(IndexQuery query, ReadBatch page);
}
