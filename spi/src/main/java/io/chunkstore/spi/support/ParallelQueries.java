package io.chunkstore.spi.support;

import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.PageConsumer;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Runs the queries of one {@code queryPages} call with bounded parallelism (Cortex's {@code
 * DoParallelQueries}): one query runs inline on the caller's thread; more run on up to {@code
 * parallelism} workers, the caller being one of them. Every query runs even when another fails; the
 * first error is thrown at the end. Each query is handled by one worker from start to end, so the
 * consumer is never called concurrently for the same query.
 *
 * <p>Superseded by {@link AsyncQueries} (every backend of this repository runs its queries
 * asynchronously); kept for the gRPC client's blocking {@code queryPages} until it has its own
 * asynchronous path, then to be removed.
 */
public final class ParallelQueries {

    /** Runs one query, delivering its pages to the consumer and stopping when it returns false. */
    @FunctionalInterface
    public interface SingleQuery {
        void run(IndexQuery query, PageConsumer consumer);
    }

    private ParallelQueries() {}

    public static void run(
            List<IndexQuery> queries,
            int parallelism,
            Executor executor,
            SingleQuery single,
            PageConsumer consumer) {
        Parallel.forEach(queries, parallelism, executor, q -> single.run(q, consumer));
    }
}
