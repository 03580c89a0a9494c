package io.chunkstore.bigtable;

import io.chunkstore.spi.StorageException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs independent pieces of one call (index reads, chunk reads) with bounded parallelism on worker threads, the
 * caller's thread being one of the workers. Every piece runs even when another fails; the first failure is thrown at
 * the end. A piece is run by one thread from start to end.
 */
final class Parallel {
    private Parallel() {
    }

    static <T> void run(List<T> items, int parallelism, Executor executor, Consumer<T> task) {
        if (items.isEmpty()) {
            return;
        }
        if (items.size() == 1) {
            task.accept(items.get(0));
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<RuntimeException> first = new AtomicReference<>();
        Runnable worker = () -> {
            for (int i; (i = next.getAndIncrement()) < items.size(); ) {
                if (Thread.currentThread().isInterrupted()) {
                    first.compareAndSet(null, new StorageException("Bigtable read interrupted"));
                    return;
                }
                try {
                    task.accept(items.get(i));
                } catch (RuntimeException e) {
                    first.compareAndSet(null, e);
                }
            }
        };
        int workers = Math.max(1, Math.min(parallelism, items.size()));
        CompletableFuture<?>[] others = new CompletableFuture<?>[workers - 1];
        for (int w = 0; w < others.length; w++) {
            others[w] = CompletableFuture.runAsync(worker, executor);
        }
        worker.run();
        try {
            CompletableFuture.allOf(others).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            next.set(items.size());
            throw new StorageException("interrupted while waiting for Bigtable reads", e);
        } catch (ExecutionException e) {
            first.compareAndSet(null, new StorageException("Bigtable read worker failed", e.getCause()));
        }
        RuntimeException e = first.get();
        if (e != null) {
            throw e;
        }
    }
}
