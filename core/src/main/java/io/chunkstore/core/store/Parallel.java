package io.chunkstore.core.store;

import io.chunkstore.spi.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Runs one task per item with bounded parallelism, the caller's thread being one of the workers. */
final class Parallel {
    private Parallel() {
    }

    /** A task's result or its failure. */
    record Outcome<R>(R value, RuntimeException error) {
        boolean failed() {
            return error != null;
        }
    }

    /** Runs {@code task} on every item; every item runs even when others fail. Outcomes are in item order. */
    static <T, R> List<Outcome<R>> map(List<T> items, Function<T, R> task, Executor executor, int parallelism) {
        List<Outcome<R>> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(null);
        }
        if (items.size() == 1) {
            out.set(0, run(items.get(0), task));
            return out;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i; (i = next.getAndIncrement()) < items.size(); ) {
                Outcome<R> o = run(items.get(i), task);
                synchronized (out) {
                    out.set(i, o);
                }
            }
        };
        int workers = Math.min(parallelism, items.size());
        List<CompletableFuture<Void>> others = new ArrayList<>();
        for (int w = 1; w < workers; w++) {
            others.add(CompletableFuture.runAsync(worker, executor));
        }
        worker.run();
        try {
            CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            next.set(items.size());
            throw new StorageException("interrupted while waiting for index lookups", e);
        } catch (ExecutionException e) {
            throw new StorageException("index lookup worker failed: " + e.getCause(), e.getCause());
        }
        synchronized (out) {
            return new ArrayList<>(out);
        }
    }

    private static <T, R> Outcome<R> run(T item, Function<T, R> task) {
        try {
            return new Outcome<>(task.apply(item), null);
        } catch (RuntimeException e) {
            return new Outcome<>(null, e);
        }
    }
}
