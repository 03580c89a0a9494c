package io.chunkstore.loki.query;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.store.ChunkStore;
import io.chunkstore.core.store.IndexedChunk;
import io.chunkstore.loki.LokiChunk;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.StorageException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The log path's chunk source over core's series store (a {@link io.chunkstore.core.store.CompositeStore} across
 * schema periods, with its index and chunk caches): Loki's store path, where every stream is the metric
 * {@code logs}. Fetch failures (missing chunks, chunks that do not verify against their keys) are returned per key,
 * with the chunks that were read, so the querier can fail or skip them.
 */
public final class StoreLogChunkSource implements LogChunkSource {
    private final ChunkStore store;

    public StoreLogChunkSource(ChunkStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public List<LogChunkRef> chunkRefs(String userId, long fromMs, long throughMs, List<LabelMatcher> matchers) {
        List<IndexedChunk> refs = store.chunkRefs(userId, fromMs, throughMs, matchers);
        List<LogChunkRef> out = new ArrayList<>(refs.size());
        for (IndexedChunk r : refs) {
            out.add(new LogChunkRef(r.externalKey(), r.ref(), r));
        }
        return out;
    }

    @Override
    public Fetched fetch(List<LogChunkRef> refs) {
        List<IndexedChunk> indexed = new ArrayList<>(refs.size());
        Map<ChunkRef, String> keyOf = new HashMap<>();
        for (LogChunkRef r : refs) {
            if (!(r.handle() instanceof IndexedChunk ic)) {
                throw new IllegalArgumentException("chunk " + r.externalKey() + " was not found by this source");
            }
            indexed.add(ic);
            keyOf.put(r.ref(), r.externalKey());
        }
        Map<String, Chunk> chunks = new HashMap<>();
        Map<String, StorageException> failures = new HashMap<>();
        try {
            for (Chunk c : store.fetch(indexed)) {
                chunks.put(keyFor(keyOf, c.ref()), c);
            }
        } catch (ChunkFetchException e) {
            failures.putAll(e.failures());
            Map<String, LogChunkRef> byKey = new HashMap<>();
            refs.forEach(r -> byKey.put(r.externalKey(), r));
            for (EncodedChunk ec : e.fetched()) {
                LogChunkRef r = byKey.get(ec.key());
                if (r == null) {
                    continue;
                }
                try {
                    chunks.put(r.externalKey(), ChunkCodec.decode(r.ref(), ec.encoded()));
                } catch (InvalidChunkException bad) {
                    failures.put(r.externalKey(), bad);
                }
            }
        }
        return new Fetched(chunks, failures);
    }

    private static String keyFor(Map<ChunkRef, String> keyOf, ChunkRef ref) {
        String k = keyOf.get(ref);
        return k != null ? k : ref.externalKey();
    }

    @Override
    public List<String> labelNames(String userId, long fromMs, long throughMs) {
        List<String> names = new ArrayList<>(store.labelNamesForMetricName(userId, fromMs, throughMs,
                LokiChunk.METRIC_NAME_VALUE));
        names.remove(Labels.METRIC_NAME);
        return names;
    }

    @Override
    public List<String> labelValues(String userId, long fromMs, long throughMs, String labelName) {
        return store.labelValuesForMetricName(userId, fromMs, throughMs, LokiChunk.METRIC_NAME_VALUE, labelName);
    }
}
