package io.chunkstore.dynamodb;

import io.chunkstore.spi.StorageException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** Bounded fan-out of blocking work: the caller's thread plus up to {@code parallelism - 1} workers. */
final class Workers {
    private Workers() {
    }

    /**
     * Runs {@code task} for every item, at most {@code parallelism} at a time, and returns when all are done. Every
     * item runs even when another throws; the first exception is rethrown at the end.
     */
    static <T> void forEach(List<T> items, int parallelism, Executor executor, Consumer<T> task) {
        if (items.isEmpty()) {
            return;
        }
        if (items.size() == 1 || parallelism <= 1) {
            RuntimeException first = null;
            for (T item : items) {
                try {
                    task.accept(item);
                } catch (RuntimeException e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<RuntimeException> firstError = new AtomicReference<>();
        Runnable worker = () -> {
            for (int i; (i = next.getAndIncrement()) < items.size(); ) {
                try {
                    task.accept(items.get(i));
                } catch (RuntimeException e) {
                    firstError.compareAndSet(null, e);
                }
            }
        };
        int n = Math.min(parallelism, items.size());
        CompletableFuture<?>[] others = new CompletableFuture<?>[n - 1];
        for (int w = 0; w < others.length; w++) {
            others[w] = CompletableFuture.runAsync(worker, executor);
        }
        worker.run();
        try {
            CompletableFuture.allOf(others).get();
        } catch (InterruptedException e) {
            next.set(items.size());
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for DynamoDB requests", e);
        } catch (ExecutionException e) {
            firstError.compareAndSet(null, new StorageException("DynamoDB worker failed", e.getCause()));
        }
        if (firstError.get() != null) {
            throw firstError.get();
        }
    }
}
