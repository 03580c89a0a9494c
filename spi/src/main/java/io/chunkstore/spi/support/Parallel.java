package io.chunkstore.spi.support;

import io.chunkstore.spi.StorageException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one task per item with bounded parallelism (Cortex's {@code DoParallelQueries} shape): one
 * item runs inline on the caller's thread; more run on up to {@code parallelism} workers, the
 * caller being one of them. Every item runs even when others fail. Each item is handled by one
 * thread from start to end.
 */
public final class Parallel {

    /** A task's result or its failure. */
    public record Outcome<R>(R value, RuntimeException error) {
        public boolean failed() {
            return error != null;
        }
    }

    private Parallel() {}

    /** Runs {@code task} on every item, then throws the first failure, if any. */
    public static <T> void forEach(
            List<T> items, int parallelism, Executor executor, Consumer<T> task) {
        AtomicReference<RuntimeException> first = new AtomicReference<>();
        runAll(
                items.size(),
                parallelism,
                executor,
                i -> {
                    try {
                        task.accept(items.get(i));
                    } catch (RuntimeException e) {
                        first.compareAndSet(null, e);
                    }
                },
                first);
        RuntimeException e = first.get();
        if (e != null) {
            throw e;
        }
    }

    /**
     * Runs {@code task} on every item; the outcomes are in item order, each a value or the item's
     * failure.
     */
    public static <T, R> List<Outcome<R>> map(
            List<T> items, int parallelism, Executor executor, Function<T, R> task) {
        @SuppressWarnings("unchecked")
        Outcome<R>[] out = (Outcome<R>[]) new Outcome<?>[items.size()];
        AtomicReference<RuntimeException> interrupted = new AtomicReference<>();
        runAll(
                items.size(),
                parallelism,
                executor,
                i -> {
                    Outcome<R> o;
                    try {
                        o = new Outcome<>(task.apply(items.get(i)), null);
                    } catch (RuntimeException e) {
                        o = new Outcome<>(null, e);
                    }
                    synchronized (out) {
                        out[i] = o;
                    }
                },
                interrupted);
        if (interrupted.get() != null) {
            throw interrupted.get();
        }
        synchronized (out) {
            return new ArrayList<>(Arrays.asList(out));
        }
    }

    private interface IndexTask {
        void run(int index);
    }

    private static void runAll(
            int n,
            int parallelism,
            Executor executor,
            IndexTask task,
            AtomicReference<RuntimeException> firstError) {
        if (n == 0) {
            return;
        }
        if (n == 1) {
            task.run(0);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker =
                () -> {
                    for (int i; (i = next.getAndIncrement()) < n; ) {
                        if (Thread.currentThread().isInterrupted()) {
                            firstError.compareAndSet(null, new StorageException("interrupted"));
                            next.set(n);
                            return;
                        }
                        task.run(i);
                    }
                };
        int workers = Math.max(1, Math.min(parallelism, n));
        CompletableFuture<?>[] others = new CompletableFuture<?>[workers - 1];
        for (int w = 0; w < others.length; w++) {
            others[w] = CompletableFuture.runAsync(worker, executor);
        }
        worker.run();
        try {
            CompletableFuture.allOf(others).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            next.set(n);
            throw new StorageException("interrupted while waiting for parallel work", e);
        } catch (ExecutionException e) {
            firstError.compareAndSet(
                    null, new StorageException("parallel worker failed", e.getCause()));
        }
    }
}
