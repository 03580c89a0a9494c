package io.chunkstore.spi.support;

import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.StorageException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code queryPagesAsync} for a store read synchronously (the in-memory maps, an embedded RocksDB):
 * up to {@code parallelism} workers each take the next query, pull a page from its source, deliver
 * it, and go on inline while the consumer answers at once. A worker whose consumer defers returns,
 * holding no thread, and resumes on the store's executor when the stage completes. The calling
 * thread is the first worker (a one-row query costs no thread hop); the others start on the
 * executor. No recursion grows with pages or queries. Every query runs even when others fail; the
 * returned stage completes when all have ended, exceptionally with the first error.
 */
public final class SyncPageLoop {

    /** The pages of one query, read synchronously. */
    public interface PageSource extends AutoCloseable {
        /** The next non-empty page, or null at the end. */
        ReadBatch next();

        /** Releases what the source holds (an iterator, a table reference). */
        @Override
        void close();
    }

    /** Opens the page source of one query (checking its table). */
    @FunctionalInterface
    public interface Opener {
        PageSource open(IndexQuery query);
    }

    private SyncPageLoop() {}

    /** Runs every query; see the class comment. */
    public static CompletionStage<Void> run(
            List<IndexQuery> queries,
            int parallelism,
            Executor executor,
            Opener opener,
            AsyncPageConsumer consumer) {
        if (parallelism < 1) {
            throw new IllegalArgumentException(
                    "parallelism must be at least 1, got " + parallelism);
        }
        if (queries.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Run run = new Run(List.copyOf(queries), executor, opener, consumer);
        int workers = Math.min(parallelism, queries.size());
        run.workers.set(workers);
        for (int w = 1; w < workers; w++) {
            Worker worker = new Worker(run);
            try {
                executor.execute(worker::work);
            } catch (RejectedExecutionException e) {
                run.fail(new StorageException("the store is closed: " + e.getMessage(), e));
                run.workerEnded();
            }
        }
        new Worker(run).work();
        return run.done;
    }

    private static final class Run {
        final List<IndexQuery> queries;
        final Executor executor;
        final Opener opener;
        final AsyncPageConsumer consumer;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger workers = new AtomicInteger();
        final AtomicReference<Throwable> firstError = new AtomicReference<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Run(List<IndexQuery> queries, Executor executor, Opener opener, AsyncPageConsumer c) {
            this.queries = queries;
            this.executor = executor;
            this.opener = opener;
            this.consumer = c;
        }

        void fail(Throwable t) {
            firstError.compareAndSet(null, AsyncQueries.unwrap(t));
        }

        void workerEnded() {
            if (workers.decrementAndGet() == 0) {
                Throwable e = firstError.get();
                if (e == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(e);
                }
            }
        }
    }

    /** One of the bounded workers: one query at a time, across threads when it defers. */
    private static final class Worker {
        private static final int REGISTERING = 0;
        private static final int ANSWERED_INLINE = 1;
        private static final int DEFERRED = 2;

        final Run run;
        IndexQuery query;
        PageSource source;

        /** The deferred answer, published by {@link #phase}. */
        Boolean answer;

        Throwable answerError;
        final AtomicInteger phase = new AtomicInteger();

        Worker(Run run) {
            this.run = run;
        }

        /** Runs queries until none is left or the consumer defers. */
        void work() {
            for (; ; ) {
                if (source == null) {
                    int i = run.next.getAndIncrement();
                    if (i >= run.queries.size()) {
                        run.workerEnded();
                        return;
                    }
                    query = run.queries.get(i);
                    try {
                        source = run.opener.open(query);
                    } catch (RuntimeException | Error e) {
                        run.fail(e);
                        continue;
                    }
                }
                ReadBatch page;
                try {
                    page = source.next();
                } catch (RuntimeException | Error e) {
                    run.fail(e);
                    endQuery();
                    continue;
                }
                if (page == null) {
                    endQuery();
                    continue;
                }
                CompletionStage<Boolean> demand = AsyncQueries.deliver(run.consumer, query, page);
                if (demand == AsyncPageConsumer.MORE) {
                    continue;
                }
                if (demand == AsyncPageConsumer.STOP) {
                    endQuery();
                    continue;
                }
                phase.set(REGISTERING);
                demand.whenComplete(
                        (more, error) -> {
                            answer = more;
                            answerError = error;
                            if (!phase.compareAndSet(REGISTERING, ANSWERED_INLINE)) {
                                resume();
                            }
                        });
                if (phase.compareAndSet(REGISTERING, DEFERRED)) {
                    return;
                }
                takeAnswer();
            }
        }

        private void takeAnswer() {
            Throwable error = answerError;
            Boolean more = answer;
            answer = null;
            answerError = null;
            if (error != null) {
                run.fail(error);
                endQuery();
            } else if (!Boolean.TRUE.equals(more)) {
                endQuery();
            }
        }

        private void resume() {
            try {
                run.executor.execute(
                        () -> {
                            takeAnswer();
                            work();
                        });
            } catch (RejectedExecutionException e) {
                // The store closed while the consumer held a page: end this worker's query and
                // the queries not started yet.
                run.fail(
                        new StorageException(
                                "the store was closed during the query of " + query, e));
                endQuery();
                run.next.set(run.queries.size());
                run.workerEnded();
            }
        }

        private void endQuery() {
            PageSource s = source;
            source = null;
            query = null;
            try {
                s.close();
            } catch (RuntimeException | Error e) {
                run.fail(e);
            }
        }
    }
}
