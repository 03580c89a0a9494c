package io.chunkstore.core.store;

import io.chunkstore.core.cache.CardinalityExceededException;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.schema.IndexSchema;
import io.chunkstore.core.schema.LabelWriteEntries;
import io.chunkstore.core.schema.QueryShard;
import io.chunkstore.core.schema.RangeValueParser;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.support.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A period of schema v9 or later (Cortex's {@code seriesStore}, pkg/chunk/series_store.go):
 * matchers select series IDs from the label rows, one concurrent lookup per matcher, intersected;
 * the series' chunk rows give the chunk IDs. Label entries are written once per series per bucket
 * (the write-dedupe cache), chunk entries per chunk.
 */
final class SeriesStore extends PeriodStore {

    SeriesStore(IndexSchema schema, PeriodClients clients, StoreContext ctx) {
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
        List<String> series = lookupSeries(userId, from, through, metricName, matchers, shard);
        return toChunks(userId, chunkIdsOfSeries(userId, from, through, series), from, through);
    }

    /**
     * Cortex's {@code lookupSeriesByMetricNameMatchers}: the series of the metric matching every
     * matcher. A lookup over the cardinality limit is skipped (its matcher is applied to the
     * fetched chunks instead) unless every lookup was.
     */
    List<String> lookupSeries(
            String userId,
            long from,
            long through,
            String metricName,
            List<LabelMatcher> matchers,
            QueryShard shard) {
        StoreMetrics m = ctx.metrics();
        if (matchers.isEmpty()) {
            m.indexLookupsPerQuery.record(1);
            List<String> ids = lookupIds(userId, from, through, metricName, null, shard);
            m.preIntersectionPerQuery.record(ids.size());
            m.postIntersectionPerQuery.record(ids.size());
            return ids;
        }
        m.indexLookupsPerQuery.record(matchers.size());
        List<Parallel.Outcome<List<String>>> outcomes =
                eachLookup(
                        matchers,
                        matcher ->
                                lookupIdsAsync(userId, from, through, metricName, matcher, shard));
        List<String> ids = null;
        long pre = 0;
        int cardinalityErrors = 0;
        CardinalityExceededException cardinality = null;
        RuntimeException other = null;
        for (Parallel.Outcome<List<String>> o : outcomes) {
            if (o.failed()) {
                if (o.error() instanceof CardinalityExceededException c) {
                    cardinalityErrors++;
                    cardinality = c;
                } else if (other == null) {
                    other = o.error();
                }
                continue;
            }
            pre += o.value().size();
            ids = ids == null ? o.value() : intersect(ids, o.value());
        }
        if (cardinalityErrors == matchers.size()) {
            throw cardinality;
        }
        if (other != null) {
            throw other;
        }
        m.preIntersectionPerQuery.record(pre);
        m.postIntersectionPerQuery.record(ids.size());
        return ids;
    }

    /** Cortex's {@code lookupChunksBySeries}: the chunk IDs of the series, sorted and unique. */
    List<String> chunkIdsOfSeries(String userId, long from, long through, List<String> seriesIds) {
        if (seriesIds.isEmpty()) {
            return List.of();
        }
        List<IndexQuery> queries = new ArrayList<>();
        for (String s : seriesIds) {
            queries.addAll(schema.chunksForSeries(from, through, userId, s));
        }
        return parseIds(lookupEntries(immutableIfOld(queries, through)), null);
    }

    @Override
    Set<String> labelNames(String userId, long from, long through, String metricName) {
        List<String> series = lookupSeries(userId, from, through, metricName, List.of(), null);
        if (series.isEmpty()) {
            return Set.of();
        }
        if (!schema.version().hasLabelNamesIndex()) {
            // v9/v10 have no label-names rows (Cortex's ErrNotSupported): read one chunk per
            // series.
            return labelNamesFromChunks(
                    toChunks(
                            userId,
                            chunkIdsOfSeries(userId, from, through, series),
                            from,
                            through));
        }
        List<IndexQuery> queries = new ArrayList<>();
        for (String s : series) {
            queries.addAll(schema.labelNamesForSeries(from, through, userId, s));
        }
        Set<String> names = new TreeSet<>(GoStrings.BYTE_ORDER);
        names.add(Labels.METRIC_NAME);
        for (IndexEntry e : lookupEntries(immutableIfOld(queries, through))) {
            names.addAll(RangeValueParser.parseLabelNamesValue(e.rangeValue(), e.value()));
        }
        return names;
    }

    @Override
    PendingIndex indexEntries(
            String userId, long from, long through, Chunk chunk, String externalKey) {
        metricNameOf(chunk);
        List<LabelWriteEntries> labelEntries =
                schema.labelWriteEntries(from, through, userId, chunk.labels());
        List<String> keys = labelEntries.stream().map(LabelWriteEntries::cacheKey).toList();
        Set<String> missing =
                ctx.writeDedupeCache() == null
                        ? Set.copyOf(keys)
                        : Set.copyOf(ctx.writeDedupeCache().missing(keys));
        List<IndexEntry> entries = new ArrayList<>();
        List<String> newKeys = new ArrayList<>();
        for (LabelWriteEntries l : labelEntries) {
            if (missing.contains(l.cacheKey())) {
                entries.addAll(l.entries());
                newKeys.add(l.cacheKey());
            }
        }
        entries.addAll(
                schema.chunkWriteEntries(from, through, userId, chunk.labels(), externalKey));
        return new PendingIndex(dedupe(entries), newKeys);
    }
}
