package io.chunkstore.spi.support;

import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexQuery;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs a blocking {@link IndexClient#queryPages} behind {@link IndexClient#queryPagesAsync}: the
 * query runs on a shared pool of daemon threads, and each page waits there for the asynchronous
 * consumer's answer. The fallback for clients without an asynchronous path.
 */
public final class BlockingQueryPages {

    private static final ExecutorService POOL =
            Executors.newCachedThreadPool(DaemonThreads.named("chunkstore-blocking-query"));

    private BlockingQueryPages() {}

    /** Runs {@code client.queryPages} on the shared pool, feeding the asynchronous consumer. */
    public static CompletionStage<Void> runAsync(
            IndexClient client, List<IndexQuery> queries, AsyncPageConsumer consumer) {
        return CompletableFuture.runAsync(
                () ->
                        client.queryPages(
                                queries,
                                (query, page) -> awaitDemand(consumer.onPage(query, page))),
                POOL);
    }

    private static boolean awaitDemand(CompletionStage<Boolean> demand) {
        try {
            return demand.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new CompletionException(cause);
        }
    }
}
