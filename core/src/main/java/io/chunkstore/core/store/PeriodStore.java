package io.chunkstore.core.store;

import io.chunkstore.core.cache.CardinalityExceededException;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.schema.IndexSchema;
import io.chunkstore.core.schema.ParsedRangeValue;
import io.chunkstore.core.schema.QueryShard;
import io.chunkstore.core.schema.RangeValueParser;
import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.support.AsyncQueries;
import io.chunkstore.spi.support.Parallel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The store of one schema period (Cortex's {@code store} / {@code seriesStore} behind the composite
 * store). It reads and writes the period's index through the period's schema; every method takes a
 * range already clipped to the period. Shared parts live here; {@link SeriesStore} (v9+) and {@link
 * LegacyStore} (v1-v6) differ in how matchers become chunk IDs and how writes are split.
 */
abstract class PeriodStore {
    final PeriodConfig period;
    final IndexSchema schema;
    final PeriodClients clients;
    final StoreContext ctx;

    PeriodStore(IndexSchema schema, PeriodClients clients, StoreContext ctx) {
        this.period = schema.period();
        this.schema = schema;
        this.clients = clients;
        this.ctx = ctx;
    }

    /**
     * The index entries one chunk writes in this period, and the write-dedupe keys to remember once
     * written.
     */
    record PendingIndex(List<IndexEntry> entries, List<String> dedupeKeys) {}

    /**
     * The chunks of {@code metricName} whose series match {@code matchers} (none of which matches
     * "" and none is the metric name or the shard), overlapping {@code [from, through]}, sorted by
     * external key.
     */
    abstract List<IndexedChunk> chunkRefs(
            String userId,
            long from,
            long through,
            String metricName,
            List<LabelMatcher> matchers,
            QueryShard shard);

    /**
     * The label names of {@code metricName}'s series in the range, {@code __name__} included when
     * any exist.
     */
    abstract Set<String> labelNames(String userId, long from, long through, String metricName);

    /**
     * What writing {@code chunk} under {@code externalKey} adds to this period's index for {@code
     * [from, through]}.
     */
    abstract PendingIndex indexEntries(
            String userId, long from, long through, Chunk chunk, String externalKey);

    /**
     * Cortex's {@code LabelValuesForMetricName}: the values of {@code labelName} in the metric's
     * label rows.
     */
    Set<String> labelValues(
            String userId, long from, long through, String metricName, String labelName) {
        List<IndexQuery> queries =
                immutableIfOld(
                        schema.readQueriesForMetricLabel(
                                from, through, userId, metricName, labelName),
                        through);
        Set<String> values = new TreeSet<>(GoStrings.BYTE_ORDER);
        for (IndexEntry e : lookupEntries(queries)) {
            values.add(
                    RangeValueParser.parseChunkTimeRangeValue(e.rangeValue(), e.value())
                            .labelValue());
        }
        return values;
    }

    /**
     * The IDs (series IDs for v9+, chunk IDs for v1-v6) of one lookup: the metric's rows when
     * {@code matcher} is null, the label-value rows for {@code =}, the label rows otherwise, kept
     * by the matcher (Cortex's {@code lookupIdsByMetricNameMatcher} and {@code parseIndexEntries}).
     * Sorted, unique.
     *
     * @throws CardinalityExceededException naming the metric and label when a row is over the
     *     cardinality limit
     */
    List<String> lookupIds(
            String userId,
            long from,
            long through,
            String metricName,
            LabelMatcher matcher,
            QueryShard shard) {
        return await(lookupIdsAsync(userId, from, through, metricName, matcher, shard));
    }

    /** {@link #lookupIds} without waiting: its index queries go out as one asynchronous call. */
    CompletableFuture<List<String>> lookupIdsAsync(
            String userId,
            long from,
            long through,
            String metricName,
            LabelMatcher matcher,
            QueryShard shard) {
        List<IndexQuery> queries;
        if (matcher == null) {
            queries = schema.readQueriesForMetric(from, through, userId, metricName);
        } else if (matcher.type() == LabelMatcher.Type.EQUAL) {
            queries =
                    schema.readQueriesForMetricLabelValue(
                            from, through, userId, metricName, matcher.name(), matcher.value());
        } else {
            queries =
                    schema.readQueriesForMetricLabel(
                            from, through, userId, metricName, matcher.name());
        }
        queries = immutableIfOld(schema.filterReadQueries(queries, shard), through);
        return lookupEntriesAsync(queries)
                .handle(
                        (entries, error) -> {
                            if (error == null) {
                                return parseIds(entries, matcher);
                            }
                            RuntimeException e = AsyncQueries.unchecked(error);
                            if (e instanceof CardinalityExceededException c) {
                                throw c.forLookup(
                                        metricName, matcher == null ? "" : matcher.name());
                            }
                            throw e;
                        });
    }

    /**
     * Cortex's {@code parseIndexEntries}, with the set-match shortcut for alternations of literals.
     */
    static List<String> parseIds(List<IndexEntry> entries, LabelMatcher matcher) {
        Set<String> set =
                matcher != null && matcher.type() == LabelMatcher.Type.REGEX
                        ? new HashSet<>(QueryMatchers.setMatches(matcher.value()))
                        : Set.of();
        TreeSet<String> ids = new TreeSet<>();
        for (IndexEntry e : entries) {
            ParsedRangeValue p =
                    RangeValueParser.parseChunkTimeRangeValue(e.rangeValue(), e.value());
            if (!set.isEmpty()) {
                if (set.contains(p.labelValue())) {
                    ids.add(p.id());
                }
                continue;
            }
            if (matcher == null || matcher.matches(p.labelValue())) {
                ids.add(p.id());
            }
        }
        return new ArrayList<>(ids);
    }

    /**
     * One {@code queryPages} call collecting every entry (Cortex's {@code lookupEntriesByQueries}),
     * waited for on the calling thread.
     */
    List<IndexEntry> lookupEntries(List<IndexQuery> queries) {
        return await(lookupEntriesAsync(queries));
    }

    /**
     * One {@code queryPagesAsync} call collecting every entry: the pages are gathered on the
     * threads that deliver them, no worker waits per query.
     */
    CompletableFuture<List<IndexEntry>> lookupEntriesAsync(List<IndexQuery> queries) {
        if (queries.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<IndexEntry> out = new ArrayList<>();
        return clients.index()
                .queryPagesAsync(
                        queries,
                        (q, page) -> {
                            List<IndexEntry> got = new ArrayList<>(page.size());
                            ReadBatch.ReadBatchIterator it = page.iterator();
                            while (it.next()) {
                                got.add(
                                        new IndexEntry(
                                                q.tableName(),
                                                q.hashValue(),
                                                it.rangeValue(),
                                                it.value()));
                            }
                            synchronized (out) {
                                out.addAll(got);
                            }
                            return AsyncPageConsumer.MORE;
                        })
                .toCompletableFuture()
                .thenApply(
                        ignored -> {
                            synchronized (out) {
                                return out;
                            }
                        });
    }

    /**
     * Starts the lookup of every matcher at once (each one asynchronous call, under the backend's
     * bound), then waits for all: the outcomes in matcher order.
     */
    static <T> List<Parallel.Outcome<T>> eachLookup(
            List<LabelMatcher> matchers, Function<LabelMatcher, CompletableFuture<T>> lookup) {
        List<CompletableFuture<T>> started = new ArrayList<>(matchers.size());
        for (LabelMatcher m : matchers) {
            try {
                started.add(lookup.apply(m));
            } catch (RuntimeException e) {
                started.add(CompletableFuture.failedFuture(e));
            }
        }
        List<Parallel.Outcome<T>> out = new ArrayList<>(started.size());
        for (CompletableFuture<T> f : started) {
            try {
                out.add(new Parallel.Outcome<>(await(f), null));
            } catch (RuntimeException e) {
                out.add(new Parallel.Outcome<>(null, e));
            }
        }
        return out;
    }

    /** Waits for a lookup; its error is thrown as the backend or the consumer threw it. */
    static <T> T await(CompletableFuture<T> lookup) {
        try {
            return lookup.join();
        } catch (CompletionException | CancellationException e) {
            throw AsyncQueries.unchecked(e);
        }
    }

    /** Cortex's {@code schemaCaching}: queries of a range ending long enough ago are immutable. */
    List<IndexQuery> immutableIfOld(List<IndexQuery> queries, long through) {
        long olderThan = ctx.config().cacheLookupsOlderThan().toMillis();
        if (olderThan <= 0 || through >= ctx.clock().millis() - olderThan) {
            return queries;
        }
        List<IndexQuery> out = new ArrayList<>(queries.size());
        for (IndexQuery q : queries) {
            out.add(q.immutable() ? q : q.toBuilder().immutable(true).build());
        }
        return out;
    }

    /**
     * Chunk IDs to chunks overlapping {@code [from, through]} (Cortex's convert + {@code
     * filterChunksByTime}), each with its chunk table.
     *
     * @throws io.chunkstore.spi.ConfigException for a chunk starting before the first period, which
     *     has no chunk table (Cortex's fetch fails the same way: {@code ChunkTableFor})
     */
    List<IndexedChunk> toChunks(String userId, List<String> chunkIds, long from, long through) {
        List<IndexedChunk> out = new ArrayList<>(chunkIds.size());
        for (String id : chunkIds) {
            ChunkRef ref = ChunkRef.parse(userId, id);
            if (ref.through() < from || ref.from() > through) {
                continue;
            }
            out.add(
                    new IndexedChunk(
                            id, ref, ctx.schemaConfig().chunkTableFor(ref.from()), period));
        }
        return out;
    }

    /**
     * Label names read from one fetched chunk per series (Cortex's {@code
     * lookupLabelNamesByChunks}).
     */
    Set<String> labelNamesFromChunks(List<IndexedChunk> chunks) {
        Map<Long, IndexedChunk> onePerSeries = new LinkedHashMap<>();
        for (IndexedChunk c : chunks) {
            onePerSeries.putIfAbsent(c.fingerprint(), c);
        }
        Set<String> names = new TreeSet<>(GoStrings.BYTE_ORDER);
        for (Chunk c :
                ctx.fetcher()
                        .fetch(new ArrayList<>(onePerSeries.values()), r -> clients.chunks())) {
            names.addAll(c.labels().names());
        }
        return names;
    }

    /** Linear merge of two sorted unique lists. */
    static List<String> intersect(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(Math.min(a.size(), b.size()));
        int i = 0;
        int j = 0;
        while (i < a.size() && j < b.size()) {
            int c = a.get(i).compareTo(b.get(j));
            if (c == 0) {
                out.add(a.get(i));
                i++;
                j++;
            } else if (c < 0) {
                i++;
            } else {
                j++;
            }
        }
        return out;
    }

    /** Entries de-duplicated on {@code table:hash:hex(range)}, first kept. */
    static List<IndexEntry> dedupe(List<IndexEntry> entries) {
        Map<String, IndexEntry> seen = new LinkedHashMap<>();
        for (IndexEntry e : entries) {
            seen.putIfAbsent(e.cellKey(), e);
        }
        return new ArrayList<>(seen.values());
    }

    static String metricNameOf(Chunk chunk) {
        String name = chunk.labels().metricName();
        if (name.isEmpty()) {
            throw new io.chunkstore.spi.InvalidRequestException(
                    "no MetricNameLabel for chunk "
                            + chunk.externalKey()
                            + ": its labels "
                            + chunk.labels()
                            + " have no "
                            + Labels.METRIC_NAME);
        }
        return name;
    }
}
