package io.chunkstore.spi.support;

import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.StorageException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs the queries of one {@code queryPagesAsync} call with bounded parallelism, without a thread
 * per query (Cortex's {@code DoParallelQueries}, pkg/chunk/util/parallel_chunk_fetch.go's shape,
 * made asynchronous): up to {@code parallelism} queries are started, and each one that ends starts
 * the next. Every query runs even when others fail; the returned stage completes when all have
 * ended, exceptionally with the first error. A query that ends at once (on the starting thread)
 * lets the loop start the next without growing the stack.
 */
public final class AsyncQueries {

    private AsyncQueries() {}

    /**
     * Starts {@code single} for every query (or unit of queries, e.g. a request that reads several
     * rows), at most {@code parallelism} unfinished at a time.
     *
     * @param single starts one query; its stage completes when the query has ended. A thrown
     *     exception counts as that query's failure.
     */
    public static <T> CompletionStage<Void> run(
            List<T> queries,
            int parallelism,
            Function<? super T, ? extends CompletionStage<?>> single) {
        if (parallelism < 1) {
            throw new IllegalArgumentException(
                    "parallelism must be at least 1, got " + parallelism);
        }
        if (queries.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Run<T> run = new Run<>(queries, parallelism, single);
        run.drain();
        return run.done;
    }

    /**
     * Calls the consumer with one page: its answer, or a failed stage when it throws or answers
     * null.
     */
    public static CompletionStage<Boolean> deliver(
            AsyncPageConsumer consumer, IndexQuery query, ReadBatch page) {
        try {
            CompletionStage<Boolean> demand = consumer.onPage(query, page);
            if (demand == null) {
                return CompletableFuture.failedFuture(
                        new NullPointerException(
                                consumer.getClass().getName()
                                        + " answered a page of "
                                        + query
                                        + " with null instead of a stage"));
            }
            return demand;
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The error behind completion wrappers ({@link CompletionException}, {@link
     * ExecutionException}), as thrown by the consumer or the backend.
     */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** {@link #unwrap}ped, as an unchecked exception (an {@link Error} is thrown). */
    public static RuntimeException unchecked(Throwable t) {
        Throwable u = unwrap(t);
        if (u instanceof RuntimeException r) {
            return r;
        }
        if (u instanceof Error e) {
            throw e;
        }
        return new StorageException("index query failed: " + u, u);
    }

    private static final class Run<T> {
        final List<T> queries;
        final Function<? super T, ? extends CompletionStage<?>> single;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final AtomicReference<Throwable> firstError = new AtomicReference<>();

        /** Queries that may still be started (only the draining thread takes them). */
        final AtomicInteger slots;

        final AtomicInteger unfinished;

        /** Requests to drain; only the thread that raised it from 0 starts queries. */
        final AtomicInteger drainRequests = new AtomicInteger();

        /** The next query to start; read and written only by the draining thread. */
        int next;

        Run(
                List<T> queries,
                int parallelism,
                Function<? super T, ? extends CompletionStage<?>> single) {
            this.queries = List.copyOf(queries);
            this.single = single;
            this.slots = new AtomicInteger(Math.min(parallelism, queries.size()));
            this.unfinished = new AtomicInteger(queries.size());
        }

        void drain() {
            if (drainRequests.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                while (next < queries.size() && slots.get() > 0) {
                    slots.decrementAndGet();
                    start(queries.get(next++));
                }
                missed = drainRequests.addAndGet(-missed);
            } while (missed != 0);
        }

        private void start(T q) {
            CompletionStage<?> stage;
            try {
                stage = single.apply(q);
                if (stage == null) {
                    throw new NullPointerException("no stage for " + q);
                }
            } catch (RuntimeException | Error e) {
                stage = CompletableFuture.failedFuture(e);
            }
            stage.whenComplete((ignored, error) -> ended(error));
        }

        private void ended(Throwable error) {
            if (error != null) {
                firstError.compareAndSet(null, unwrap(error));
            }
            if (unfinished.decrementAndGet() == 0) {
                Throwable e = firstError.get();
                if (e == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(e);
                }
                return;
            }
            slots.incrementAndGet();
            drain();
        }
    }
}
