package io.chunkstore.core.store;

import io.chunkstore.core.cache.ChunkCache;
import io.chunkstore.core.cache.WriteDedupeCache;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.KeyFormat;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodRange;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.schema.IndexSchema;
import io.chunkstore.core.schema.IndexSchemas;
import io.chunkstore.core.schema.LabelValueLookup;
import io.chunkstore.core.schema.QueryShard;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.InvalidQueryException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.support.DaemonThreads;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The store across schema periods (Cortex's {@code compositeStore}, pkg/chunk/composite_store.go):
 * one period store per period config, each with the index and chunk clients its resolver gives. A
 * query's time range is validated once (Cortex's validateQueryTimeRange) and split at period
 * boundaries; the periods' chunk refs are concatenated (one per external key) and their label
 * answers unioned. A write is indexed in every period its range touches, with the clipped range;
 * the chunk is stored under the key form of the period owning its {@code from} (Loki's v12 form
 * from v12 on), in {@code chunkTableFor(from)}, once per distinct chunk client, always before the
 * index entries that point at it.
 *
 * <p>Where it deliberately differs from Cortex: a chunk in the chunk cache skips the whole write,
 * not each period's (Cortex's per-period check can drop a boundary-spanning chunk's later index
 * entries); duplicate chunk refs across periods are merged; the query length and chunk limits apply
 * to the whole query, not per period; the label APIs answer nothing (not just {@code __name__}) for
 * a metric without series; the shard matcher is ignored by v1-v6 periods as by v9.
 *
 * <p>Thread-safe. {@link #close()} stops the store's own threads; it does not close the clients.
 *
 * <pre>{@code
 * try (StoreBackends backends = StoreBackends.open(config, registry, IndexCacheConfig.DEFAULT);
 *      CompositeStore store = CompositeStore.builder(config.schemaConfig()).clients(backends)
 *              .config(StoreConfig.fromLimits(config.limits())).chunkCache(new ChunkCache(512 << 20))
 *              .metrics(registry, config.metricsNamespace()).build()) {
 *     List<Chunk> chunks = store.get("tenant", from, through, Selectors.parseMatchers("foo{bar=~\"a|b\"}"));
 * }
 * }</pre>
 */
public final class CompositeStore implements ChunkStore, AutoCloseable {
    /** Through more than this after now is clamped to now (Cortex's 5 minutes). */
    static final Duration FUTURE_SLACK = Duration.ofMinutes(5);

    private final SchemaConfig schemaConfig;
    private final Map<PeriodConfig, PeriodStore> stores = new LinkedHashMap<>();
    private final StoreContext ctx;
    private final ChunkCache chunkCache;
    private final ExecutorService ownExecutor;

    private CompositeStore(Builder b) {
        this.schemaConfig = b.schemaConfig;
        this.chunkCache = b.chunkCache;
        Map<PeriodConfig, PeriodClients> clients = new LinkedHashMap<>();
        for (PeriodConfig p : schemaConfig.periods()) {
            clients.put(
                    p,
                    Objects.requireNonNull(
                            b.resolver.clientsFor(p),
                            () -> "the client resolver returned no clients for period " + p));
        }
        StoreMetrics metrics = new StoreMetrics(b.registry, b.namespace);
        this.ownExecutor =
                b.executor == null
                        ? Executors.newFixedThreadPool(
                                b.config.queryParallelism(),
                                DaemonThreads.named("chunkstore-store"))
                        : null;
        ExecutorService exec = b.executor == null ? ownExecutor : b.executor;
        ChunkFetcher fetcher =
                new ChunkFetcher(
                        chunkCache,
                        exec,
                        b.config.fetchBatchSize(),
                        b.config.fetchParallelism(),
                        metrics);
        this.ctx =
                new StoreContext(
                        schemaConfig,
                        b.config,
                        b.clock,
                        metrics,
                        exec,
                        b.writeDedupeCache,
                        fetcher);
        clients.forEach(
                (p, c) -> {
                    IndexSchema schema =
                            IndexSchemas.forPeriod(
                                    p,
                                    b.labelValueLookup != null
                                            ? b.labelValueLookup
                                            : LabelValueLookup.forPeriod(
                                                    p, schemaConfig.dialect()));
                    stores.put(
                            p,
                            p.schema().isSeriesStore()
                                    ? new SeriesStore(schema, c, ctx)
                                    : new LegacyStore(schema, c, ctx));
                });
    }

    /** A builder over a schema config; {@link Builder#clients} is required. */
    public static Builder builder(SchemaConfig schemaConfig) {
        return new Builder(schemaConfig);
    }

    public SchemaConfig schemaConfig() {
        return schemaConfig;
    }

    /** The clients serving a period of this store's schema config. */
    public PeriodClients clientsFor(PeriodConfig period) {
        return store(period).clients;
    }

    /**
     * The external key a chunk is stored and indexed under: Loki's v12 form when the period owning
     * its {@code from} is v12 or later, else the current form.
     */
    public String externalKey(Chunk chunk) {
        return chunk.externalKey(
                schemaConfig.isV12OrLater(chunk.from()) ? KeyFormat.V12 : KeyFormat.CURRENT);
    }

    // ---- reads

    /**
     * A validated time range; null when the query is entirely in the future (the answer is empty).
     */
    private record TimeRange(long from, long through) {}

    private TimeRange validate(long from, long through) {
        if (through < from) {
            throw new InvalidQueryException(
                    "invalid query, through < from ("
                            + GoFormat.modelTime(through)
                            + " < "
                            + GoFormat.modelTime(from)
                            + ")");
        }
        Duration max = ctx.config().maxQueryLength();
        if (!max.isZero() && through - from > max.toMillis()) {
            throw new InvalidQueryException(
                    "the query time range exceeds the limit (query length: "
                            + GoFormat.duration(Duration.ofMillis(through - from))
                            + ", limit: "
                            + GoFormat.duration(max)
                            + ")");
        }
        long now = ctx.clock().millis();
        if (from > now) {
            return null;
        }
        if (through > now + FUTURE_SLACK.toMillis()) {
            through = now;
        }
        return new TimeRange(from, through);
    }

    /** The parts of a query the period stores need. */
    private record Lookup(String metricName, List<LabelMatcher> indexMatchers, QueryShard shard) {}

    private static Lookup lookup(List<LabelMatcher> matchers) {
        QueryMatchers.MetricQuery mq = QueryMatchers.metricName(matchers);
        List<LabelMatcher> idx = new ArrayList<>(QueryMatchers.indexMatchers(mq.others()));
        int s = QueryMatchers.shardIndex(idx);
        QueryShard shard = null;
        if (s >= 0) {
            shard = QueryMatchers.parseShard(idx.remove(s).value());
        }
        return new Lookup(mq.metricName(), List.copyOf(idx), shard);
    }

    @Override
    public List<IndexedChunk> chunkRefs(
            String userId, long from, long through, List<LabelMatcher> matchers) {
        TimeRange r = validate(from, through);
        if (r == null) {
            return List.of();
        }
        Lookup l = lookup(matchers);
        Map<String, IndexedChunk> refs = new LinkedHashMap<>();
        for (PeriodRange pr : schemaConfig.split(r.from, r.through)) {
            for (IndexedChunk c :
                    store(pr.period())
                            .chunkRefs(
                                    userId,
                                    pr.fromMs(),
                                    pr.throughMs(),
                                    l.metricName,
                                    l.indexMatchers,
                                    l.shard)) {
                refs.putIfAbsent(c.externalKey(), c);
            }
        }
        ctx.metrics().chunksPerQuery.record(refs.size());
        return List.copyOf(refs.values());
    }

    @Override
    public List<Chunk> get(String userId, long from, long through, List<LabelMatcher> matchers) {
        List<IndexedChunk> refs = chunkRefs(userId, from, through, matchers);
        int max = ctx.config().maxChunksPerQuery();
        if (max > 0 && refs.size() > max) {
            throw new InvalidQueryException(
                    "Query "
                            + QueryMatchers.format(matchers)
                            + " fetched too many chunks ("
                            + refs.size()
                            + " > "
                            + max
                            + ")");
        }
        if (refs.isEmpty()) {
            return List.of();
        }
        List<Chunk> chunks = fetch(refs);
        int s = QueryMatchers.shardIndex(matchers);
        if (s >= 0) {
            String value = matchers.get(s).value();
            List<Chunk> labelled = new ArrayList<>(chunks.size());
            for (Chunk c : chunks) {
                labelled.add(
                        new Chunk(
                                c.userId(),
                                c.fingerprint(),
                                c.from(),
                                c.through(),
                                c.labels().with(QueryMatchers.SHARD_LABEL, value),
                                c.encoding(),
                                c.data(),
                                c.checksum(),
                                c.checksumSet()));
            }
            chunks = labelled;
        }
        List<Chunk> out = new ArrayList<>(chunks.size());
        for (Chunk c : chunks) {
            if (QueryMatchers.matchesAll(c.labels(), matchers)) {
                out.add(c);
            }
        }
        return out;
    }

    @Override
    public List<Chunk> fetch(List<IndexedChunk> chunks) {
        return ctx.fetcher().fetch(chunks, c -> store(c.period()).clients.chunks());
    }

    @Override
    public List<ChunkCodec.Encoded> fetchEncoded(List<IndexedChunk> chunks) {
        return ctx.fetcher().fetchEncoded(chunks, c -> store(c.period()).clients.chunks());
    }

    @Override
    public FetchedChunks fetchAll(List<IndexedChunk> chunks) {
        return ctx.fetcher().fetchAll(chunks, c -> store(c.period()).clients.chunks());
    }

    @Override
    public List<String> labelValuesForMetricName(
            String userId, long from, long through, String metricName, String labelName) {
        TimeRange r = validate(from, through);
        if (r == null) {
            return List.of();
        }
        Set<String> values = new TreeSet<>(GoStrings.BYTE_ORDER);
        for (PeriodRange pr : schemaConfig.split(r.from, r.through)) {
            values.addAll(
                    store(pr.period())
                            .labelValues(
                                    userId, pr.fromMs(), pr.throughMs(), metricName, labelName));
        }
        return List.copyOf(values);
    }

    @Override
    public List<String> labelNamesForMetricName(
            String userId, long from, long through, String metricName) {
        TimeRange r = validate(from, through);
        if (r == null) {
            return List.of();
        }
        Set<String> names = new TreeSet<>(GoStrings.BYTE_ORDER);
        for (PeriodRange pr : schemaConfig.split(r.from, r.through)) {
            names.addAll(
                    store(pr.period()).labelNames(userId, pr.fromMs(), pr.throughMs(), metricName));
        }
        return List.copyOf(names);
    }

    // ---- writes

    @Override
    public ChunkCodec.Encoded put(Chunk chunk) {
        ChunkCodec.Encoded e = ChunkCodec.encode(chunk);
        put(List.of(e));
        return e;
    }

    @Override
    public void put(List<ChunkCodec.Encoded> chunks) {
        List<Write> writes = new ArrayList<>(chunks.size());
        for (ChunkCodec.Encoded c : chunks) {
            writes.add(new Write(c.chunk().from(), c.chunk().through(), c));
        }
        write(writes);
    }

    @Override
    public void putOne(long from, long through, ChunkCodec.Encoded chunk) {
        write(List.of(new Write(from, through, chunk)));
    }

    private record Write(long from, long through, ChunkCodec.Encoded chunk) {}

    /**
     * The write path (Cortex's seriesStore.PutOne): skips chunks already in the chunk cache,
     * gathers every period's index entries (label entries only for buckets missing from the
     * write-dedupe cache), stores every chunk in each distinct chunk client, then writes each index
     * client's entries in one batch, then remembers the written dedupe keys and caches the chunks.
     * A failure leaves the caches untouched, so a retry writes everything again.
     */
    private void write(List<Write> writes) {
        Map<ChunkClient, Map<String, EncodedChunk>> chunkWrites = new IdentityHashMap<>();
        Map<IndexClient, Map<String, IndexEntry>> indexWrites = new IdentityHashMap<>();
        List<ChunkClient> chunkClientOrder = new ArrayList<>();
        List<IndexClient> indexClientOrder = new ArrayList<>();
        List<String> dedupeKeys = new ArrayList<>();
        Map<String, byte[]> toCache = new LinkedHashMap<>();
        Map<String, String> userOfKey = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Write w : writes) {
            Chunk chunk = w.chunk.chunk();
            String key = externalKey(chunk);
            if ((chunkCache != null && chunkCache.contains(key)) || !seen.add(key)) {
                ctx.metrics().dedupedChunks.increment();
                continue;
            }
            String table = schemaConfig.chunkTableFor(chunk.from());
            EncodedChunk stored = new EncodedChunk(key, table, w.chunk.bytes());
            List<PeriodRange> parts = schemaConfig.split(w.from, w.through);
            if (parts.isEmpty()) {
                throw new InvalidRequestException(
                        "chunk "
                                + key
                                + " cannot be indexed for ["
                                + w.from
                                + ", "
                                + w.through
                                + "]: the range is empty or ends before the first schema period ("
                                + schemaConfig.periods().get(0).from()
                                + ")");
            }
            for (PeriodRange pr : parts) {
                PeriodStore s = store(pr.period());
                PeriodStore.PendingIndex p =
                        s.indexEntries(chunk.userId(), pr.fromMs(), pr.throughMs(), chunk, key);
                ChunkClient cc = s.clients.chunks();
                if (!chunkWrites.containsKey(cc)) {
                    chunkClientOrder.add(cc);
                }
                chunkWrites.computeIfAbsent(cc, c -> new LinkedHashMap<>()).put(key, stored);
                IndexClient ic = s.clients.index();
                if (!indexWrites.containsKey(ic)) {
                    indexClientOrder.add(ic);
                }
                Map<String, IndexEntry> cells =
                        indexWrites.computeIfAbsent(ic, c -> new LinkedHashMap<>());
                for (IndexEntry e : p.entries()) {
                    cells.putIfAbsent(e.cellKey(), e);
                }
                dedupeKeys.addAll(p.dedupeKeys());
            }
            toCache.put(key, w.chunk.bytes());
            userOfKey.put(key, chunk.userId());
        }
        for (ChunkClient cc : chunkClientOrder) {
            List<EncodedChunk> list = new ArrayList<>(chunkWrites.get(cc).values());
            cc.putChunks(list);
            Map<String, long[]> perUser = new LinkedHashMap<>();
            for (EncodedChunk c : list) {
                long[] n = perUser.computeIfAbsent(userOfKey.get(c.key()), u -> new long[2]);
                n[0]++;
                n[1] += c.encoded().length;
            }
            perUser.forEach((u, n) -> ctx.metrics().stored(u, n[0], n[1]));
        }
        for (IndexClient ic : indexClientOrder) {
            Map<String, IndexEntry> cells = indexWrites.get(ic);
            if (cells.isEmpty()) {
                continue;
            }
            WriteBatch batch = ic.newWriteBatch();
            cells.values().forEach(batch::add);
            ic.batchWrite(batch);
        }
        if (ctx.writeDedupeCache() != null) {
            ctx.writeDedupeCache().addAll(dedupeKeys);
        }
        if (chunkCache != null) {
            toCache.forEach(chunkCache::put);
        }
    }

    private PeriodStore store(PeriodConfig period) {
        PeriodStore s = stores.get(period);
        if (s == null) {
            throw new IllegalArgumentException(
                    "period " + period + " is not one of this store's schema config");
        }
        return s;
    }

    /** Stops the store's own threads (when it made them); the clients stay open. */
    @Override
    public void close() {
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
        }
    }

    /** Builds a {@link CompositeStore}. */
    public static final class Builder {
        private final SchemaConfig schemaConfig;
        private PeriodClientResolver resolver;
        private StoreConfig config = StoreConfig.DEFAULT;
        private ChunkCache chunkCache;
        private WriteDedupeCache writeDedupeCache = new WriteDedupeCache();
        private Clock clock = Clock.systemUTC();
        private MeterRegistry registry = new SimpleMeterRegistry();
        private String namespace = "chunkstore";
        private ExecutorService executor;
        private LabelValueLookup labelValueLookup;

        private Builder(SchemaConfig schemaConfig) {
            this.schemaConfig = Objects.requireNonNull(schemaConfig, "schemaConfig");
        }

        /** Required: the clients of each period ({@link StoreBackends}, or a lambda). */
        public Builder clients(PeriodClientResolver r) {
            this.resolver = Objects.requireNonNull(r, "resolver");
            return this;
        }

        public Builder config(StoreConfig c) {
            this.config = Objects.requireNonNull(c, "config");
            return this;
        }

        /** A chunk cache shared by every period; none by default. */
        public Builder chunkCache(ChunkCache c) {
            this.chunkCache = c;
            return this;
        }

        /**
         * The write-dedupe cache (a fresh in-process one by default); null writes label entries
         * with every chunk.
         */
        public Builder writeDedupeCache(WriteDedupeCache c) {
            this.writeDedupeCache = c;
            return this;
        }

        /** Where "now" comes from (query validation, immutable lookups). */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /**
         * Registers the store metrics as {@code <namespace>_chunk_store_...} ("" for no prefix).
         */
        public Builder metrics(MeterRegistry r, String metricsNamespace) {
            this.registry = Objects.requireNonNull(r, "registry");
            this.namespace = metricsNamespace == null ? "" : metricsNamespace;
            return this;
        }

        /**
         * Runs lookups and fetches on this pool instead of the store's own (which it then does not
         * shut down).
         */
        public Builder executor(ExecutorService e) {
            this.executor = e;
            return this;
        }

        /**
         * How v9+ label-value lookups read (Cortex's start or Loki 2.5's prefix); by default each
         * period's writer's, from the schema config's dialect ({@link LabelValueLookup#forPeriod}).
         */
        public Builder labelValueLookup(LabelValueLookup l) {
            this.labelValueLookup = Objects.requireNonNull(l, "labelValueLookup");
            return this;
        }

        /**
         * @throws IllegalStateException without clients
         * @throws io.chunkstore.spi.ConfigException when the resolver cannot serve a period
         */
        public CompositeStore build() {
            if (resolver == null) {
                throw new IllegalStateException(
                        "CompositeStore.builder(...).clients(...) is required");
            }
            return new CompositeStore(this);
        }
    }

    /** The periods this store serves, in order (for diagnostics). */
    public List<PeriodConfig> periods() {
        return Collections.unmodifiableList(schemaConfig.periods());
    }
}
