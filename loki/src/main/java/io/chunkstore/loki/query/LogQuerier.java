package io.chunkstore.loki.query;

import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.Direction;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.LokiChunk;
import io.chunkstore.loki.logql.LogQuery;
import io.chunkstore.spi.InvalidQueryException;
import io.chunkstore.spi.support.DaemonThreads;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Loki's querier over a chunk store, for log queries: the index yields chunk references for the
 * stream selector plus {@code __name__="logs"}, chunks are fetched in batches and read block by
 * block, entries are filtered by the line filters, merged across the replicas of a stream with
 * de-duplication and across streams with a heap, in time order forward or backward. Also the label
 * and series lookups of Loki's API. Thread-safe; one instance serves many queries. Close it to stop
 * its fetch threads.
 */
public final class LogQuerier implements AutoCloseable {
    private static final long NS_PER_MS = 1_000_000L;

    private final LogChunkSource source;
    private final QueryOptions options;
    private final ExecutorService executor;

    public LogQuerier(LogChunkSource source, QueryOptions options) {
        this.source = Objects.requireNonNull(source, "source");
        this.options = Objects.requireNonNull(options, "options");
        this.executor = Executors.newCachedThreadPool(DaemonThreads.named("chunkstore-log-fetch"));
    }

    public LogQuerier(LogChunkSource source) {
        this(source, QueryOptions.DEFAULT);
    }

    public QueryOptions options() {
        return options;
    }

    public LogChunkSource source() {
        return source;
    }

    /**
     * The entries of streams matching the query in {@code [startNs, endNs)}, in query order, read
     * lazily: only as many chunks are fetched as the caller reads entries for. Close the iterator
     * when stopping early.
     */
    public LogIterator select(
            String userId, LogQuery query, long startNs, long endNs, Direction direction) {
        return select(userId, query, startNs, endNs, direction, options);
    }

    /**
     * {@link #select(String, LogQuery, long, long, Direction)} with other options for this query.
     */
    public LogIterator select(
            String userId,
            LogQuery query,
            long startNs,
            long endNs,
            Direction direction,
            QueryOptions queryOptions) {
        if (endNs < startNs) {
            throw new InvalidQueryException(
                    "the end of the query ("
                            + endNs
                            + " ns) is before its start ("
                            + startNs
                            + " ns)");
        }
        QueryContext ctx = new QueryContext(queryOptions.skipCorrupt());
        List<LabelMatcher> matchers = storeMatchers(query.matchers());
        List<LogChunkRef> refs = refs(userId, startNs, endNs, matchers);
        ctx.stats.chunksRef.addAndGet(refs.size());
        ChunkLoader loader =
                new ChunkLoader(source, executor, queryOptions.fetchParallelism(), matchers, ctx);
        return new BatchedLogIterator(
                refs, query, startNs, endNs, direction, queryOptions, loader, ctx);
    }

    /**
     * Runs a query and groups up to {@code limit} entries into streams, as Loki's {@code
     * readStreams}.
     */
    public LogQueryResult query(LogQueryRequest request) {
        return query(request, options);
    }

    /** {@link #query(LogQueryRequest)} with other options for this query. */
    public LogQueryResult query(LogQueryRequest request, QueryOptions queryOptions) {
        long t0 = System.nanoTime();
        try (LogIterator it =
                select(
                        request.userId(),
                        request.query(),
                        request.startNs(),
                        request.endNs(),
                        request.direction(),
                        queryOptions)) {
            LogQueryResult r =
                    readStreams(it, request.limit(), request.direction(), request.intervalNs());
            it.stats().execNanos.set(System.nanoTime() - t0);
            return r;
        }
    }

    /**
     * Runs a log query with a pipeline after its leading line filters, under a guard (time-out,
     * cancellation, bytes read), and groups up to {@code limit} entries by their labels after the
     * pipeline.
     */
    public LogQueryResult query(
            LogQueryRequest request,
            QueryOptions queryOptions,
            io.chunkstore.loki.logql.Pipeline pipeline,
            QueryGuard guard) {
        long t0 = System.nanoTime();
        try (LogIterator it =
                new PipelineLogIterator(
                        select(
                                request.userId(),
                                request.query(),
                                request.startNs(),
                                request.endNs(),
                                request.direction(),
                                queryOptions),
                        pipeline,
                        guard)) {
            LogQueryResult r =
                    readStreams(it, request.limit(), request.direction(), request.intervalNs());
            it.stats().execNanos.set(System.nanoTime() - t0);
            return r;
        }
    }

    /**
     * Loki's index stats for a selector over {@code [startNs, endNs]}: streams, chunks, and the
     * uncompressed bytes and entries the chunks' block metas record (formats before v3 record no
     * uncompressed size; their compressed block length counts instead). Every chunk is fetched
     * once, its blocks are not decompressed.
     *
     * @return {streams, chunks, bytes, entries}
     */
    public long[] indexStats(String userId, long startNs, long endNs, List<LabelMatcher> selector) {
        List<LabelMatcher> matchers = storeMatchers(selector);
        List<LogChunkRef> all = refs(userId, startNs, endNs, matchers);
        QueryContext ctx = new QueryContext(true);
        ChunkLoader loader =
                new ChunkLoader(source, executor, options.fetchParallelism(), matchers, ctx);
        Set<Long> streams = new java.util.HashSet<>();
        long chunks = 0;
        long bytes = 0;
        long entries = 0;
        for (int i = 0; i < all.size(); i += options.batchSize()) {
            List<LogChunkRef> batch = all.subList(i, Math.min(all.size(), i + options.batchSize()));
            for (OpenChunk c : loader.await(loader.start(batch)).values()) {
                streams.add(c.ref().fingerprint());
                chunks++;
                for (io.chunkstore.loki.chunkenc.BlockMeta b : c.chunk().memChunk().blocks()) {
                    bytes += b.uncompressedSize() > 0 ? b.uncompressedSize() : b.length();
                    entries += b.entries();
                }
            }
        }
        return new long[] {streams.size(), chunks, bytes, entries};
    }

    /**
     * Loki's {@code readStreams}: takes up to {@code limit} entries (with {@code intervalNs} > 0,
     * only entries at least that far from the previous one taken, in query direction), groups them
     * by stream and sorts the streams by labels string: ascending forward, descending backward, as
     * Loki's query frontend returns them (its {@code mergeOrderedNonOverlappingStreams} in {@code
     * pkg/querier/queryrange/codec.go}). Entries of one stream keep the order the merge gave them
     * (time in query direction; equal times in the order of {@link StreamHeapIterator}).
     */
    static LogQueryResult readStreams(
            LogIterator it, int limit, Direction direction, long intervalNs) {
        Comparator<String> order = streamOrder(direction);
        Map<String, LogStream> streams = new TreeMap<>(order);
        Map<String, List<LogEntry>> entries = new TreeMap<>(order);
        int n = 0;
        long last = 0;
        boolean any = false;
        while (n < limit && it.hasNext()) {
            StreamEntry e = it.next();
            if (intervalNs > 0 && any) {
                long gap =
                        direction == Direction.FORWARD
                                ? e.timestamp() - last
                                : last - e.timestamp();
                if (gap < intervalNs) {
                    continue;
                }
            }
            any = true;
            last = e.timestamp();
            streams.putIfAbsent(e.stream().labelsString(), e.stream());
            entries.computeIfAbsent(e.stream().labelsString(), k -> new ArrayList<>())
                    .add(e.entry());
            n++;
        }
        it.stats().entriesReturned.set(n);
        List<LogQueryResult.Stream> out = new ArrayList<>(streams.size());
        streams.forEach((k, s) -> out.add(new LogQueryResult.Stream(s, entries.get(k))));
        return new LogQueryResult(out, it.stats(), it.skipped());
    }

    /**
     * The order of result streams by labels string: Go's byte order, reversed for backward queries.
     */
    public static Comparator<String> streamOrder(Direction direction) {
        return direction == Direction.FORWARD
                ? GoStrings.BYTE_ORDER
                : GoStrings.BYTE_ORDER.reversed();
    }

    /**
     * Label names of the tenant's log streams in {@code [startNs, endNs]}, sorted, without {@code
     * __name__}.
     */
    public List<String> labelNames(String userId, long startNs, long endNs) {
        List<String> names =
                new ArrayList<>(source.labelNames(userId, fromMs(startNs), throughMs(endNs)));
        names.remove(Labels.METRIC_NAME);
        return names;
    }

    /** Values of a label among the tenant's log streams in {@code [startNs, endNs]}, sorted. */
    public List<String> labelValues(String userId, long startNs, long endNs, String labelName) {
        return source.labelValues(userId, fromMs(startNs), throughMs(endNs), labelName);
    }

    /**
     * Values of a label among the streams matching a selector (Loki's {@code query} parameter of
     * the label values API), sorted; from the chunks' labels.
     */
    public List<String> labelValues(
            String userId,
            long startNs,
            long endNs,
            String labelName,
            List<LabelMatcher> selector) {
        Set<String> values = new java.util.TreeSet<>(GoStrings.BYTE_ORDER);
        for (Labels l : series(userId, startNs, endNs, List.of(selector))) {
            if (l.has(labelName)) {
                values.add(l.get(labelName));
            }
        }
        return List.copyOf(values);
    }

    /**
     * The label sets of the streams matching any of the selectors in {@code [startNs, endNs]}
     * (Loki's series API), each once, sorted by labels string. One chunk per stream is fetched to
     * read its labels.
     */
    public List<Labels> series(
            String userId, long startNs, long endNs, List<List<LabelMatcher>> selectors) {
        Map<String, Labels> out = new TreeMap<>(GoStrings.BYTE_ORDER);
        for (List<LabelMatcher> selector : selectors) {
            List<LabelMatcher> matchers = storeMatchers(selector);
            Map<Long, LogChunkRef> onePerSeries = new LinkedHashMap<>();
            for (LogChunkRef r : refs(userId, startNs, endNs, matchers)) {
                onePerSeries.putIfAbsent(r.fingerprint(), r);
            }
            QueryContext ctx = new QueryContext(false);
            ChunkLoader loader =
                    new ChunkLoader(source, executor, options.fetchParallelism(), matchers, ctx);
            List<LogChunkRef> all = new ArrayList<>(onePerSeries.values());
            for (int i = 0; i < all.size(); i += options.batchSize()) {
                List<LogChunkRef> batch =
                        all.subList(i, Math.min(all.size(), i + options.batchSize()));
                for (OpenChunk c : loader.await(loader.start(batch)).values()) {
                    out.putIfAbsent(c.stream().labelsString(), c.stream().labels());
                }
            }
        }
        return List.copyOf(out.values());
    }

    /** The matchers with {@code __name__="logs"} (Loki's store path), without a duplicate of it. */
    static List<LabelMatcher> storeMatchers(List<LabelMatcher> selector) {
        Set<LabelMatcher> m = new LinkedHashSet<>();
        m.add(LabelMatcher.equal(Labels.METRIC_NAME, LokiChunk.METRIC_NAME_VALUE));
        for (LabelMatcher l : selector) {
            if (l.name().equals(Labels.METRIC_NAME)) {
                throw new InvalidQueryException(
                        "a log stream selector cannot match on "
                                + Labels.METRIC_NAME
                                + " (every Loki stream is stored as __name__=\"logs\"): "
                                + l);
            }
            m.add(l);
        }
        return List.copyOf(m);
    }

    /**
     * The chunk references overlapping the window: Loki drops a chunk when {@code through < from ||
     * to < from}.
     */
    private List<LogChunkRef> refs(
            String userId, long startNs, long endNs, List<LabelMatcher> matchers) {
        long from = fromMs(startNs);
        long through = throughMs(endNs);
        Map<String, LogChunkRef> unique = new LinkedHashMap<>();
        for (LogChunkRef r : source.chunkRefs(userId, from, through, matchers)) {
            if (r.through() < from || through < r.from()) {
                continue;
            }
            unique.putIfAbsent(r.externalKey(), r);
        }
        List<LogChunkRef> out = new ArrayList<>(unique.values());
        out.sort(Comparator.comparing(LogChunkRef::externalKey));
        return out;
    }

    /** ns to ms, rounded down. */
    static long fromMs(long ns) {
        return Math.floorDiv(ns, NS_PER_MS);
    }

    /** ns to ms, rounded up (Loki's {@code RoundToMilliseconds} for the end of a range). */
    static long throughMs(long ns) {
        return -Math.floorDiv(-ns, NS_PER_MS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
