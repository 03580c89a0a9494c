package io.chunkstore.server;

import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.support.AsyncQueries;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * An index client over several stores: each entry and query goes to the store keeping its table
 * ({@link StoreRouter#indexStore}). A batch is split per store and each part applied in turn (puts
 * before deletes within each part, as every backend does); a failing part does not stop the others,
 * and the first failure is thrown after all ran. Queries run per store, all stores at once, each
 * store's queries under its own parallelism. The stores' clients are not closed here.
 */
final class RoutingIndexClient implements IndexClient {
    private final StoreRouter router;
    private final Function<String, IndexClient> clients;

    RoutingIndexClient(StoreRouter router, Function<String, IndexClient> clients) {
        this.router = router;
        this.clients = clients;
    }

    @Override
    public void batchWrite(WriteBatch batch) {
        Map<String, WriteBatch> parts = new LinkedHashMap<>();
        for (IndexEntry e : batch.puts()) {
            parts.computeIfAbsent(router.indexStore(e.tableName()), s -> new WriteBatch()).add(e);
        }
        for (IndexEntry e : batch.deletes()) {
            parts.computeIfAbsent(router.indexStore(e.tableName()), s -> new WriteBatch())
                    .delete(e.tableName(), e.hashValue(), e.rangeValue());
        }
        eachStore(parts, IndexClient::batchWrite);
    }

    @Override
    public CompletionStage<Void> queryPagesAsync(
            List<IndexQuery> queries, AsyncPageConsumer consumer) {
        Map<String, List<IndexQuery>> parts = new LinkedHashMap<>();
        for (IndexQuery q : queries) {
            parts.computeIfAbsent(router.indexStore(q.tableName()), s -> new ArrayList<>()).add(q);
        }
        if (parts.size() == 1) {
            Map.Entry<String, List<IndexQuery>> only = parts.entrySet().iterator().next();
            return clients.apply(only.getKey()).queryPagesAsync(only.getValue(), consumer);
        }
        // Every store's part runs at once, each under its store's bound; the first error (in
        // store order) fails the call once all have ended.
        List<CompletableFuture<Void>> running = new ArrayList<>(parts.size());
        for (Map.Entry<String, List<IndexQuery>> part : parts.entrySet()) {
            CompletableFuture<Void> one;
            try {
                one =
                        clients.apply(part.getKey())
                                .queryPagesAsync(part.getValue(), consumer)
                                .toCompletableFuture();
            } catch (RuntimeException | Error e) {
                one = CompletableFuture.failedFuture(e);
            }
            running.add(one);
        }
        return CompletableFuture.allOf(running.toArray(CompletableFuture<?>[]::new))
                .handle(
                        (ignored, error) -> {
                            if (error == null) {
                                return null;
                            }
                            for (CompletableFuture<Void> one : running) {
                                if (one.isCompletedExceptionally()) {
                                    throw new CompletionException(
                                            AsyncQueries.unwrap(one.handle((v, e) -> e).join()));
                                }
                            }
                            throw new CompletionException(AsyncQueries.unwrap(error));
                        });
    }

    /**
     * Applies each store's part to its client; all run, and the first failure is thrown with the
     * others suppressed.
     */
    private <T> void eachStore(Map<String, T> parts, BiConsumer<IndexClient, T> apply) {
        RuntimeException first = null;
        for (Map.Entry<String, T> part : parts.entrySet()) {
            try {
                apply.accept(clients.apply(part.getKey()), part.getValue());
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** The stores' clients belong to their backends, which the server closes. */
    @Override
    public void close() {}
}
