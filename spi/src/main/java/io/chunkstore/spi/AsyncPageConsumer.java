package io.chunkstore.spi;

import java.util.concurrent.CompletionStage;

/**
 * Receives the pages of {@link IndexClient#queryPagesAsync}: Cortex's page callback made
 * non-blocking, with back-pressure as a returned stage instead of a blocked thread.
 *
 * <ul>
 *   <li>called zero or more times per query with a non-empty page and the query object the caller
 *       passed;
 *   <li>never blocks: it may run on a driver's I/O thread, a transport thread or the caller's
 *       thread;
 *   <li>returns when it wants the next page of this query: {@link #MORE} or {@link #STOP} when the
 *       answer is immediate, otherwise a stage that completes with {@code true} (deliver the next
 *       page) or {@code false} (stop this query; the backend stops the work behind it) once the
 *       consumer has room again. The backend asks for no further page of that query until it
 *       completes. A stage completed exceptionally, or an exception thrown by the call, fails that
 *       query with that error;
 *   <li>called concurrently for different queries, never concurrently for the same one; the pages
 *       of one query arrive in order, each after the previous page's stage completed.
 * </ul>
 */
@FunctionalInterface
public interface AsyncPageConsumer {

    /** Deliver the next page of this query. */
    CompletionStage<Boolean> MORE = java.util.concurrent.CompletableFuture.completedStage(true);

    /** Stop this query. */
    CompletionStage<Boolean> STOP = java.util.concurrent.CompletableFuture.completedStage(false);

    CompletionStage<Boolean> onPage(IndexQuery query, ReadBatch page);
}
