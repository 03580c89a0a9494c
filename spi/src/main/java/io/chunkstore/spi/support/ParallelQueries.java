package io.chunkstore.spi.support;

import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.PageConsumer;
import io.chunkstore.spi.StorageException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the queries of one {@code queryPages} call with bounded parallelism (Cortex's {@code DoParallelQueries}): one
 * query runs inline on the caller's thread; more run on up to {@code parallelism} workers, the caller being one of
 * them. Every query runs even when another fails; the first error is thrown at the end. Each query is handled by one
 * worker from start to end, so the consumer is never called concurrently for the same query.
 */
public final class ParallelQueries {

    /** Runs one query, delivering its pages to the consumer and stopping when it returns false. */
    @FunctionalInterface
    public interface SingleQuery {
        void run(IndexQuery query, PageConsumer consumer);
    }

    private ParallelQueries() {
    }

    public static void run(List<IndexQuery> queries, int parallelism, Executor executor, SingleQuery single,
            PageConsumer consumer) {
        if (queries.isEmpty()) {
            return;
        }
        if (queries.size() == 1) {
            single.run(queries.get(0), consumer);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<RuntimeException> firstError = new AtomicReference<>();
        Runnable worker = () -> {
            for (int i; (i = next.getAndIncrement()) < queries.size(); ) {
                if (Thread.currentThread().isInterrupted()) {
                    firstError.compareAndSet(null, new StorageException("index query interrupted"));
                    return;
                }
                try {
                    single.run(queries.get(i), consumer);
                } catch (RuntimeException e) {
                    firstError.compareAndSet(null, e);
                }
            }
        };
        int workers = Math.max(1, Math.min(parallelism, queries.size()));
        CompletableFuture<?>[] others = new CompletableFuture<?>[workers - 1];
        for (int w = 0; w < others.length; w++) {
            others[w] = CompletableFuture.runAsync(worker, executor);
        }
        worker.run();
        try {
            CompletableFuture.allOf(others).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            next.set(queries.size());
            throw new StorageException("interrupted while waiting for index queries", e);
        } catch (ExecutionException e) {
            firstError.compareAndSet(null, new StorageException("index query worker failed", e.getCause()));
        }
        RuntimeException err = firstError.get();
        if (err != null) {
            throw err;
        }
    }
}
