package io.chunkstore.loki.query;

import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.store.ChunkStore;
import io.chunkstore.core.store.FetchedChunks;
import io.chunkstore.loki.LokiChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The log path's chunk source over core's series store (a {@link
 * io.chunkstore.core.store.CompositeStore} across schema periods, with its index and chunk caches):
 * Loki's store path, where every stream is the metric {@code logs}. Fetch failures (missing chunks,
 * chunks that do not verify against their keys) are returned per key, with the chunks that were
 * read and decoded once by the series store, so the querier can fail or skip them.
 */
public final class StoreLogChunkSource implements LogChunkSource {
    private final ChunkStore store;

    public StoreLogChunkSource(ChunkStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public List<LogChunkRef> chunkRefs(
            String userId, long fromMs, long throughMs, List<LabelMatcher> matchers) {
        return store.chunkRefs(userId, fromMs, throughMs, matchers).stream()
                .map(LogChunkRef::new)
                .toList();
    }

    @Override
    public FetchedChunks fetch(List<LogChunkRef> refs) {
        return store.fetchAll(refs.stream().map(LogChunkRef::indexed).toList());
    }

    @Override
    public List<String> labelNames(String userId, long fromMs, long throughMs) {
        List<String> names =
                new ArrayList<>(
                        store.labelNamesForMetricName(
                                userId, fromMs, throughMs, LokiChunk.METRIC_NAME_VALUE));
        names.remove(Labels.METRIC_NAME);
        return names;
    }

    @Override
    public List<String> labelValues(String userId, long fromMs, long throughMs, String labelName) {
        return store.labelValuesForMetricName(
                userId, fromMs, throughMs, LokiChunk.METRIC_NAME_VALUE, labelName);
    }
}
