package io.chunkstore.cassandra;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * Starts many asynchronous statements with at most {@code limit} in flight, from the calling thread
 * (which blocks while the limit is reached), and waits until every started one has finished.
 * Completion callbacks only record the outcome and release a permit, so nothing blocks a driver I/O
 * thread.
 */
final class BoundedAsync {
    private BoundedAsync() {}

    /** What happened to each task: started or not, and its value or error. */
    static final class Outcomes<T> {
        private final Object[] values;
        private final Throwable[] errors;
        private final boolean[] done;
        private volatile boolean interrupted;

        Outcomes(int n) {
            values = new Object[n];
            errors = new Throwable[n];
            done = new boolean[n];
        }

        int size() {
            return done.length;
        }

        /** Whether task {@code i} finished successfully. */
        boolean succeeded(int i) {
            return done[i] && errors[i] == null;
        }

        @SuppressWarnings("unchecked")
        T value(int i) {
            return (T) values[i];
        }

        /** The error of task {@code i}, or null when it succeeded or never started. */
        Throwable error(int i) {
            return errors[i];
        }

        /** The first error in task order, or null. */
        Throwable firstError() {
            for (Throwable e : errors) {
                if (e != null) {
                    return e;
                }
            }
            return null;
        }

        boolean interrupted() {
            return interrupted;
        }
    }

    /**
     * Runs tasks {@code 0..n-1}.
     *
     * @param stopOnFailure start no further task once one has failed (those left are reported as
     *     not succeeded)
     */
    static <T> Outcomes<T> run(
            int n, int limit, boolean stopOnFailure, IntFunction<CompletionStage<T>> start) {
        Outcomes<T> out = new Outcomes<>(n);
        Semaphore permits = new Semaphore(limit);
        AtomicBoolean failed = new AtomicBoolean();
        try {
            for (int i = 0; i < n; i++) {
                if (stopOnFailure && failed.get()) {
                    break;
                }
                permits.acquire();
                if (stopOnFailure && failed.get()) {
                    permits.release();
                    break;
                }
                CompletionStage<T> stage;
                try {
                    stage = start.apply(i);
                } catch (RuntimeException e) {
                    stage = CompletableFuture.failedFuture(e);
                }
                int idx = i;
                stage.whenComplete(
                        (v, e) -> {
                            if (e == null) {
                                out.values[idx] = v;
                            } else {
                                out.errors[idx] = e;
                                failed.set(true);
                            }
                            out.done[idx] = true;
                            permits.release();
                        });
            }
        } catch (InterruptedException e) {
            out.interrupted = true;
        }
        // Acquiring every permit waits for the started tasks, and makes their writes to the arrays
        // visible here.
        permits.acquireUninterruptibly(limit);
        permits.release(limit);
        if (out.interrupted) {
            Thread.currentThread().interrupt();
        }
        return out;
    }
}
