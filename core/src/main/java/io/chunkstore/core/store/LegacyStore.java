package io.chunkstore.core.store;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.schema.IndexSchema;
import io.chunkstore.core.schema.QueryShard;
import io.chunkstore.spi.support.Parallel;
import java.util.List;
import java.util.Set;

/**
 * A period of store schema v1-v6 (Cortex's original {@code store}): label rows point straight at
 * chunk IDs, so each matcher's lookup yields chunk IDs, intersected across matchers; every chunk
 * writes all its entries. Query shards do not apply (these schemas have no row shards): the shard
 * matcher is ignored here, as v9's is.
 */
final class LegacyStore extends PeriodStore {

    LegacyStore(IndexSchema schema, PeriodClients clients, StoreContext ctx) {
        super(schema, clients, ctx);
    }

    @Override
    List<IndexedChunk> chunkRefs(
            String userId,
            long from,
            long through,
            String metricName,
            List<LabelMatcher> matchers,
            QueryShard shard) {
        return toChunks(
                userId, lookupChunkIds(userId, from, through, metricName, matchers), from, through);
    }

    /**
     * Cortex's {@code lookupChunksByMetricName}: one lookup per matcher (concurrently),
     * intersected.
     */
    private List<String> lookupChunkIds(
            String userId,
            long from,
            long through,
            String metricName,
            List<LabelMatcher> matchers) {
        StoreMetrics m = ctx.metrics();
        if (matchers.isEmpty()) {
            m.indexLookupsPerQuery.record(1);
            return lookupIds(userId, from, through, metricName, null, null);
        }
        m.indexLookupsPerQuery.record(matchers.size());
        List<Parallel.Outcome<List<String>>> outcomes =
                eachLookup(
                        matchers,
                        matcher ->
                                lookupIdsAsync(userId, from, through, metricName, matcher, null));
        List<String> ids = null;
        for (Parallel.Outcome<List<String>> o : outcomes) {
            if (o.failed()) {
                throw o.error();
            }
            ids = ids == null ? o.value() : intersect(ids, o.value());
        }
        return ids;
    }

    @Override
    Set<String> labelNames(String userId, long from, long through, String metricName) {
        return labelNamesFromChunks(
                toChunks(
                        userId,
                        lookupChunkIds(userId, from, through, metricName, List.of()),
                        from,
                        through));
    }

    @Override
    PendingIndex indexEntries(
            String userId, long from, long through, Chunk chunk, String externalKey) {
        metricNameOf(chunk);
        return new PendingIndex(
                dedupe(schema.writeEntries(from, through, userId, chunk.labels(), externalKey)),
                List.of());
    }
}
