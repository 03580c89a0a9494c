package io.chunkstore.core.store;

import io.chunkstore.core.cache.ChunkCache;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.support.Parallel;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Cortex's {@code Fetcher} (pkg/chunk/chunk_store_utils.go): chunks through the chunk cache, then
 * from the backend in batches with bounded parallelism; every chunk is decoded and verified against
 * the key it was found under. Fetched bytes are written back to the cache. A chunk that is missing
 * or does not verify makes the whole fetch fail with a {@link ChunkFetchException} naming every
 * failed key and carrying what was read; nothing is dropped silently. A cached copy that does not
 * decode is dropped from the cache and read again from the backend.
 */
final class ChunkFetcher {
    private final ChunkCache cache;
    private final Executor executor;
    private final int batchSize;
    private final int parallelism;
    private final StoreMetrics metrics;

    ChunkFetcher(
            ChunkCache cache,
            Executor executor,
            int batchSize,
            int parallelism,
            StoreMetrics metrics) {
        this.cache = cache;
        this.executor = executor;
        this.batchSize = batchSize;
        this.parallelism = parallelism;
        this.metrics = metrics;
    }

    private record Batch(ChunkClient client, List<IndexedChunk> refs) {}

    /**
     * Fetches and decodes the chunks, one per distinct external key, in the order of {@code refs}.
     *
     * @param clientOf the chunk client of a chunk's period
     * @throws ChunkFetchException when any chunk is missing, unreadable or does not verify
     */
    List<Chunk> fetch(List<IndexedChunk> refs, Function<IndexedChunk, ChunkClient> clientOf) {
        return fetchEncoded(refs, clientOf).stream().map(ChunkCodec.Encoded::chunk).toList();
    }

    /**
     * As {@link #fetch}, keeping the stored bytes next to each decoded chunk (what a copy to
     * another store needs: the same bytes keep the same checksum, so the same key).
     */
    List<ChunkCodec.Encoded> fetchEncoded(
            List<IndexedChunk> refs, Function<IndexedChunk, ChunkClient> clientOf) {
        FetchedChunks f = fetchAll(refs, clientOf);
        if (!f.failures().isEmpty()) {
            Map<String, String> tableOf = new LinkedHashMap<>();
            refs.forEach(r -> tableOf.putIfAbsent(r.externalKey(), r.tableName()));
            List<EncodedChunk> read = new ArrayList<>();
            f.chunks().forEach((k, c) -> read.add(new EncodedChunk(k, tableOf.get(k), c.bytes())));
            throw new ChunkFetchException(read, f.failures());
        }
        return List.copyOf(f.chunks().values());
    }

    /**
     * Fetches and decodes the chunks, one per distinct external key, in the order of {@code refs};
     * a chunk that is missing, unreadable or does not verify is a failure of the result, not an
     * exception.
     */
    FetchedChunks fetchAll(List<IndexedChunk> refs, Function<IndexedChunk, ChunkClient> clientOf) {
        Map<String, IndexedChunk> byKey = new LinkedHashMap<>();
        for (IndexedChunk r : refs) {
            byKey.putIfAbsent(r.externalKey(), r);
        }
        Map<String, Chunk> decoded = new LinkedHashMap<>();
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        List<IndexedChunk> misses = new ArrayList<>();
        Map<String, byte[]> cached = cache == null ? Map.of() : cache.getAll(byKey.keySet());
        for (IndexedChunk r : byKey.values()) {
            byte[] bytes = cached.get(r.externalKey());
            if (bytes != null) {
                try {
                    decoded.put(r.externalKey(), ChunkCodec.decode(r.ref(), bytes));
                    encoded.put(r.externalKey(), bytes);
                    continue;
                } catch (InvalidChunkException e) {
                    cache.invalidate(r.externalKey());
                }
            }
            misses.add(r);
        }
        Map<String, StorageException> failures = new LinkedHashMap<>();
        if (!misses.isEmpty()) {
            fetchFromStorage(misses, clientOf, decoded, encoded, failures);
        }
        Map<String, ChunkCodec.Encoded> out = new LinkedHashMap<>();
        Map<String, StorageException> failed = new LinkedHashMap<>();
        for (String k : byKey.keySet()) {
            if (failures.containsKey(k)) {
                failed.put(k, failures.get(k));
            } else {
                out.put(k, new ChunkCodec.Encoded(decoded.get(k), encoded.get(k)));
            }
        }
        return new FetchedChunks(out, failed);
    }

    private void fetchFromStorage(
            List<IndexedChunk> misses,
            Function<IndexedChunk, ChunkClient> clientOf,
            Map<String, Chunk> decoded,
            Map<String, byte[]> encoded,
            Map<String, StorageException> failures) {
        Map<ChunkClient, List<IndexedChunk>> byClient = new IdentityHashMap<>();
        for (IndexedChunk r : misses) {
            byClient.computeIfAbsent(clientOf.apply(r), c -> new ArrayList<>()).add(r);
        }
        List<Batch> batches = new ArrayList<>();
        byClient.forEach(
                (client, list) -> {
                    for (int i = 0; i < list.size(); i += batchSize) {
                        batches.add(
                                new Batch(
                                        client,
                                        list.subList(i, Math.min(list.size(), i + batchSize))));
                    }
                });
        Parallel.forEach(
                batches, parallelism, executor, b -> fetchBatch(b, decoded, encoded, failures));
    }

    private void fetchBatch(
            Batch batch,
            Map<String, Chunk> decoded,
            Map<String, byte[]> encoded,
            Map<String, StorageException> failures) {
        Map<String, IndexedChunk> wanted = new LinkedHashMap<>();
        List<ChunkLocation> locations = new ArrayList<>(batch.refs.size());
        for (IndexedChunk r : batch.refs) {
            wanted.put(r.externalKey(), r);
            locations.add(r.location());
        }
        List<EncodedChunk> got;
        Map<String, StorageException> batchFailures = new LinkedHashMap<>();
        try {
            got = batch.client.getChunks(locations);
        } catch (ChunkFetchException e) {
            got = e.fetched();
            batchFailures.putAll(e.failures());
        } catch (StorageException e) {
            got = List.of();
            for (String k : wanted.keySet()) {
                batchFailures.put(k, e);
            }
        }
        Map<String, Chunk> ok = new LinkedHashMap<>();
        Map<String, byte[]> okBytes = new LinkedHashMap<>();
        long bytes = 0;
        for (EncodedChunk c : got) {
            IndexedChunk r = wanted.get(c.key());
            if (r == null || ok.containsKey(c.key())) {
                continue;
            }
            try {
                ok.put(c.key(), ChunkCodec.decode(r.ref(), c.encoded()));
                okBytes.put(c.key(), c.encoded());
                bytes += c.encoded().length;
            } catch (InvalidChunkException e) {
                batchFailures.put(c.key(), e);
            }
        }
        for (String k : wanted.keySet()) {
            if (!ok.containsKey(k) && !batchFailures.containsKey(k)) {
                batchFailures.put(k, new ChunkNotFoundException(k));
            }
        }
        if (!ok.isEmpty()) {
            metrics.fetched(batch.refs.get(0).ref().userId(), ok.size(), bytes);
            if (cache != null) {
                okBytes.forEach(cache::put);
            }
        }
        synchronized (decoded) {
            decoded.putAll(ok);
            encoded.putAll(okBytes);
            failures.putAll(batchFailures);
        }
    }
}
