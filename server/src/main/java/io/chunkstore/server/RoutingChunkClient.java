package io.chunkstore.server;

import io.chunkstore.grpc.ChunkTableResolver;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.StorageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A chunk client over several stores: each chunk goes to the object store of the period owning its
 * {@code from} ({@link StoreRouter#locate}, one parse of the key). A fetch asks each store for its
 * keys and merges the answers; when some stores miss chunks, the {@link ChunkFetchException}
 * carries everything fetched from all stores and every failure. A delete without a table name (the
 * gRPC server's DeleteChunks from a Go client, which sends the id alone: {@link #TABLE_FROM_KEY})
 * gets the chunk table from the same parse that finds its store.
 */
final class RoutingChunkClient implements ChunkClient {
    /**
     * The gRPC server's chunk table resolver when this client serves: it leaves the table to {@link
     * #deleteChunk}, which finds it with the store from one parse of the key.
     */
    static final ChunkTableResolver TABLE_FROM_KEY = externalKey -> "";

    private final StoreRouter router;
    private final Function<String, ChunkClient> clients;

    RoutingChunkClient(StoreRouter router, Function<String, ChunkClient> clients) {
        this.router = router;
        this.clients = clients;
    }

    @Override
    public void putChunks(List<EncodedChunk> chunks) {
        Map<String, List<EncodedChunk>> parts = new LinkedHashMap<>();
        for (EncodedChunk c : chunks) {
            parts.computeIfAbsent(router.locate(c.key()).store(), s -> new ArrayList<>()).add(c);
        }
        parts.forEach((store, part) -> clients.apply(store).putChunks(part));
    }

    @Override
    public List<EncodedChunk> getChunks(List<ChunkLocation> chunks) {
        Map<String, List<ChunkLocation>> parts = new LinkedHashMap<>();
        for (ChunkLocation c : chunks) {
            parts.computeIfAbsent(router.locate(c.key()).store(), s -> new ArrayList<>()).add(c);
        }
        List<EncodedChunk> fetched = new ArrayList<>();
        Map<String, StorageException> failures = new LinkedHashMap<>();
        for (Map.Entry<String, List<ChunkLocation>> part : parts.entrySet()) {
            try {
                fetched.addAll(clients.apply(part.getKey()).getChunks(part.getValue()));
            } catch (ChunkFetchException e) {
                fetched.addAll(e.fetched());
                failures.putAll(e.failures());
            }
        }
        if (!failures.isEmpty()) {
            throw new ChunkFetchException(fetched, failures);
        }
        return fetched;
    }

    @Override
    public void deleteChunk(ChunkLocation chunk) {
        StoreRouter.ChunkPlace place = router.locate(chunk.key());
        ChunkLocation located =
                chunk.tableName().isEmpty() ? new ChunkLocation(chunk.key(), place.table()) : chunk;
        clients.apply(place.store()).deleteChunk(located);
    }

    @Override
    public void close() {}
}
