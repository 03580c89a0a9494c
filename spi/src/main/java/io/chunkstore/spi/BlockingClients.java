package io.chunkstore.spi;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default {@link IndexClient#queryPagesAsync} of a client that implements only the blocking
 * {@link IndexClient#queryPages}: the query runs on a shared pool of daemon threads, each page
 * waiting there for the consumer's answer. Compatibility for clients written against the blocking
 * call alone (third-party backends, test doubles that block on purpose); every backend, decorator
 * and the gRPC client of this repository implement {@code queryPagesAsync} themselves. A client
 * that implements neither method gets an {@link UnsupportedOperationException} instead of an
 * endless mutual call.
 */
final class BlockingClients {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private static final ExecutorService POOL =
            Executors.newCachedThreadPool(
                    r -> {
                        Thread t =
                                new Thread(
                                        r,
                                        "chunkstore-blocking-query-" + THREADS.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });

    /** Set while a pool thread runs a client's blocking queryPages. */
    private static final ThreadLocal<Boolean> INSIDE = new ThreadLocal<>();

    private BlockingClients() {}

    static CompletionStage<Void> runAsync(
            IndexClient client, List<IndexQuery> queries, AsyncPageConsumer consumer) {
        if (Boolean.TRUE.equals(INSIDE.get())) {
            throw new UnsupportedOperationException(
                    client.getClass().getName()
                            + " implements neither queryPagesAsync nor queryPages");
        }
        return CompletableFuture.runAsync(
                () -> {
                    INSIDE.set(true);
                    try {
                        client.queryPages(
                                queries,
                                (query, page) -> {
                                    try {
                                        return consumer.onPage(query, page)
                                                .toCompletableFuture()
                                                .get();
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                        throw new StorageException(
                                                "interrupted while waiting for a page's answer", e);
                                    } catch (java.util.concurrent.ExecutionException e) {
                                        throw CallerThreadPages.rethrowable(e.getCause());
                                    }
                                });
                    } finally {
                        INSIDE.remove();
                    }
                },
                POOL);
    }
}
