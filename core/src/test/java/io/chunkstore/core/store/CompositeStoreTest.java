package io.chunkstore.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.cache.CachingIndexClient;
import io.chunkstore.core.cache.CardinalityExceededException;
import io.chunkstore.core.cache.ChunkCache;
import io.chunkstore.core.cache.IndexCacheConfig;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.KeyFormat;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.ConfigDialect;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodicTableConfig;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.testing.MemoryBackend;
import io.chunkstore.core.testing.Recording;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidQueryException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.UnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The composite store's behaviours one by one: validation, limits, caches, write order, periods,
 * errors.
 */
class CompositeStoreTest {
    static final String USER = "u1";
    static final LocalDate FROM = LocalDate.of(2019, 5, 1);
    static final long DAY = 86_400_000L;
    static final long HOUR = 3_600_000L;
    static final long T0 = ms(LocalDate.of(2019, 5, 12));
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(T0 + 10 * DAY), ZoneOffset.UTC);

    static long ms(LocalDate d) {
        return d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    static PeriodConfig period(LocalDate from, SchemaVersion v, String store, String prefix) {
        return new PeriodConfig(
                from,
                store,
                store,
                v,
                PeriodicTableConfig.of(prefix + "index_", Duration.ofDays(7)),
                PeriodicTableConfig.of(prefix + "chunks_", Duration.ofDays(7)),
                0);
    }

    static SchemaConfig single(SchemaVersion v) {
        return SchemaConfig.of(period(FROM, v, "memory", ""));
    }

    static CompositeStore.Builder builder(SchemaConfig schema, MemoryBackend backend) {
        return CompositeStore.builder(schema)
                .clients(PeriodClientResolver.of(new PeriodClients(backend, backend)))
                .clock(CLOCK);
    }

    static Chunk chunk(Labels labels, long from, long through) {
        List<Sample> samples = new ArrayList<>();
        for (long t = from; t <= through; t += Math.max(1, (through - from) / 10)) {
            samples.add(new Sample(t, t % 1000));
        }
        if (samples.get(samples.size() - 1).timestamp() != through) {
            samples.add(new Sample(through, 1));
        }
        return Chunk.fromSamples(USER, labels, samples);
    }

    static Labels series(String... kv) {
        return Labels.of(kv);
    }

    // ---- validation (Cortex's baseStore.validateQueryTimeRange)

    @Test
    void validatesQueriesWithCortexMessages() {
        MemoryBackend b = new MemoryBackend();
        try (CompositeStore store =
                builder(single(SchemaVersion.V11), b)
                        .config(StoreConfig.DEFAULT.withMaxQueryLength(Duration.ofHours(720)))
                        .build()) {
            assertThatThrownBy(() -> store.get(USER, 31 * DAY, 0, Selectors.parseMatchers("foo")))
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessage("invalid query, through < from (0 < 2678400)");
            assertThatThrownBy(
                            () ->
                                    store.get(
                                            USER,
                                            T0,
                                            T0 + 31 * DAY,
                                            Selectors.parseMatchers("foo")))
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessage(
                            "the query time range exceeds the limit (query length: 744h0m0s, limit: 720h0m0s)");
            assertThatThrownBy(
                            () ->
                                    store.get(
                                            USER,
                                            T0,
                                            T0 + HOUR,
                                            Selectors.parseMatchers("{foo=\"bar\"}")))
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessage("query must contain metric name");
            assertThatThrownBy(
                            () ->
                                    store.get(
                                            USER,
                                            T0,
                                            T0 + HOUR,
                                            Selectors.parseMatchers("{__name__=~\"bar\"}")))
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessage("query must contain metric name");
            assertThatThrownBy(() -> store.labelValuesForMetricName(USER, 10, 5, "foo", "bar"))
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessage("invalid query, through < from (0.005 < 0.01)");
            assertThatThrownBy(
                            () ->
                                    store.get(
                                            USER,
                                            T0,
                                            T0 + HOUR,
                                            Selectors.parseMatchers(
                                                    "foo{__cortex_shard__=\"2_of_2\"}")))
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessage("Shards out of bounds: [2] >= [2]");
        }
    }

    @Test
    void aQueryStartingInTheFutureIsEmptyWithoutTouchingTheIndex() {
        MemoryBackend b = new MemoryBackend();
        try (CompositeStore store = builder(single(SchemaVersion.V11), b).build()) {
            long future = CLOCK.millis() + 1;
            assertThat(
                            store.get(
                                    USER,
                                    future,
                                    future + HOUR,
                                    Selectors.parseMatchers("{bad=\"x\"}")))
                    .isEmpty();
            assertThat(store.labelNamesForMetricName(USER, future, future + HOUR, "foo")).isEmpty();
            assertThat(store.labelValuesForMetricName(USER, future, future + HOUR, "foo", "a"))
                    .isEmpty();
            assertThat(b.queries.get()).isZero();
        }
    }

    @Test
    void aQueryEndingFarInTheFutureIsClampedToNow() {
        MemoryBackend b = new MemoryBackend();
        SchemaConfig schema = single(SchemaVersion.V11);
        try (CompositeStore store = builder(schema, b).build()) {
            long now = CLOCK.millis();
            Labels s = series("__name__", "foo", "a", "1");
            store.put(chunk(s, now - 2 * HOUR, now - HOUR));
            // Only tables up to now exist: a query reaching next week's table would fail.
            b.strictTables = true;
            assertThat(b.listTables()).containsExactly("index_2576");
            assertThat(
                            store.get(
                                    USER,
                                    now - 3 * HOUR,
                                    now + 30 * DAY,
                                    Selectors.parseMatchers("foo")))
                    .hasSize(1);
            assertThat(
                            store.labelValuesForMetricName(
                                    USER, now - 3 * HOUR, now + 30 * DAY, "foo", "a"))
                    .containsExactly("1");
            // Within 5 minutes of now the range is left alone.
            assertThat(
                            store.get(
                                    USER,
                                    now - 3 * HOUR,
                                    now + 5 * 60_000,
                                    Selectors.parseMatchers("foo")))
                    .hasSize(1);
        }
    }

    @Test
    void theChunkLimitUsesCortexText() {
        MemoryBackend b = new MemoryBackend();
        try (CompositeStore store =
                builder(single(SchemaVersion.V11), b)
                        .config(StoreConfig.DEFAULT.withMaxChunksPerQuery(2))
                        .build()) {
            Labels s = series("__name__", "foo", "bar", "baz");
            for (int i = 0; i < 3; i++) {
                store.put(chunk(s, T0 + i * HOUR, T0 + i * HOUR + 1000));
            }
            assertThatThrownBy(
                            () ->
                                    store.get(
                                            USER,
                                            T0,
                                            T0 + DAY,
                                            Selectors.parseMatchers("foo{bar=~\"b.*\"}")))
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessage(
                            "Query [__name__=\"foo\" bar=~\"b.*\"] fetched too many chunks (3 > 2)");
            assertThat(store.get(USER, T0, T0 + HOUR + 1000, Selectors.parseMatchers("foo")))
                    .hasSize(2);
        }
    }

    // ---- writes (Cortex's seriesStore.PutOne)

    @Test
    void labelEntriesAreWrittenOncePerSeriesPerBucket() {
        Recording rec = new Recording();
        MemoryBackend b = new MemoryBackend();
        SchemaConfig schema = single(SchemaVersion.V11);
        Labels s = series("__name__", "foo", "bar", "baz", "toms", "code");
        try (CompositeStore store =
                CompositeStore.builder(schema)
                        .clock(CLOCK)
                        .clients(p -> new PeriodClients(rec.index(b), b))
                        .build()) {
            for (int i = 0; i < 10; i++) {
                store.put(chunk(s, T0 + i * HOUR, T0 + i * HOUR + 1000));
            }
            // The next day's first chunk writes the label entries of that day's bucket.
            store.put(chunk(s, T0 + DAY, T0 + DAY + 1000));
        }
        // Per bucket: metric row, two label rows and the label-names row; chunk entries per chunk.
        assertThat(rec.puts.stream().filter(e -> !isChunkEntry(e)).count()).isEqualTo(2 * 4);
        assertThat(rec.puts.stream().filter(CompositeStoreTest::isChunkEntry).count())
                .isEqualTo(11);

        Recording noDedupe = new Recording();
        try (CompositeStore store =
                CompositeStore.builder(schema)
                        .clock(CLOCK)
                        .writeDedupeCache(null)
                        .clients(p -> new PeriodClients(noDedupe.index(new MemoryBackend()), b))
                        .build()) {
            for (int i = 0; i < 10; i++) {
                store.put(chunk(s, T0 + i * HOUR, T0 + i * HOUR + 1000));
            }
        }
        assertThat(noDedupe.puts.stream().filter(e -> !isChunkEntry(e)).count()).isEqualTo(10 * 4);
    }

    static boolean isChunkEntry(IndexEntry e) {
        return e.rangeValue()[e.rangeValue().length - 2] == '3';
    }

    @Test
    void chunksAreStoredBeforeTheirIndexAndAFailedChunkWriteWritesNoIndex() {
        Recording rec = new Recording();
        MemoryBackend b = new MemoryBackend();
        ChunkCache cache = new ChunkCache(1 << 20);
        Labels s = series("__name__", "foo", "bar", "baz");
        try (CompositeStore store =
                CompositeStore.builder(single(SchemaVersion.V11))
                        .clock(CLOCK)
                        .chunkCache(cache)
                        .clients(p -> new PeriodClients(rec.index(b), rec.chunks(b)))
                        .build()) {
            store.put(chunk(s, T0, T0 + 1000));
            assertThat(rec.events).containsExactly("putChunks 1", "batchWrite 4");

            rec.events.clear();
            rec.failPutChunks = new UnavailableException("chunk store down");
            Chunk second = chunk(s, T0 + HOUR, T0 + HOUR + 1000);
            assertThatThrownBy(() -> store.put(second)).isInstanceOf(UnavailableException.class);
            assertThat(rec.events).containsExactly("putChunks 1");
            assertThat(cache.size()).isEqualTo(1);

            // Nothing was remembered, so the retry writes the chunk and all of its entries.
            rec.failPutChunks = null;
            rec.events.clear();
            ChunkCodec.Encoded e = store.put(second);
            assertThat(rec.events).containsExactly("putChunks 1", "batchWrite 1");
            assertThat(store.get(USER, T0, T0 + DAY, Selectors.parseMatchers("foo"))).hasSize(2);
            assertThat(cache.contains(e.externalKey())).isTrue();
        }
    }

    @Test
    void aChunkAlreadyInTheChunkCacheIsSkippedAndCounted() {
        MemoryBackend b = new MemoryBackend();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Chunk c = chunk(series("__name__", "foo", "bar", "baz"), T0, T0 + 1000);
        try (CompositeStore store =
                builder(single(SchemaVersion.V11), b)
                        .chunkCache(new ChunkCache(1 << 20))
                        .metrics(registry, "cortex")
                        .build()) {
            store.put(c);
            int cells = b.totalCells();
            store.put(c);
            store.put(List.of(ChunkCodec.encode(c), ChunkCodec.encode(c)));
            assertThat(b.putChunkCalls.get()).isEqualTo(1);
            assertThat(b.batchWrites.get()).isEqualTo(1);
            assertThat(b.totalCells()).isEqualTo(cells);
            assertThat(registry.get("cortex_chunk_store_deduped_chunks_total").counter().count())
                    .isEqualTo(3);
            assertThat(
                            registry.get("cortex_chunk_store_stored_chunks_total")
                                    .tag("user", USER)
                                    .counter()
                                    .count())
                    .isEqualTo(1);
            assertThat(
                            registry.get("cortex_chunk_store_stored_chunk_bytes_total")
                                    .counter()
                                    .count())
                    .isEqualTo(ChunkCodec.encode(c).bytes().length);
        }
    }

    @Test
    void aChunkSpanningThePeriodBoundaryIsIndexedInBothPeriodsAndStoredOncePerChunkClient() {
        LocalDate boundary = LocalDate.of(2019, 5, 13);
        long b0 = ms(boundary);
        SchemaConfig schema =
                SchemaConfig.of(
                        period(FROM, SchemaVersion.V10, "a", "a_"),
                        period(boundary, SchemaVersion.V11, "b", "b_"));
        MemoryBackend a = new MemoryBackend("a");
        MemoryBackend bb = new MemoryBackend("b");
        Chunk c = chunk(series("__name__", "foo", "job", "api"), b0 - HOUR, b0 + HOUR);
        String key = ChunkCodec.encode(c).externalKey();
        try (CompositeStore store =
                CompositeStore.builder(schema)
                        .clock(CLOCK)
                        .clients(
                                p ->
                                        p.store().equals("a")
                                                ? new PeriodClients(a, a)
                                                : new PeriodClients(bb, bb))
                        .build()) {
            String k = store.put(c).externalKey();
            // Stored in each period's chunk client, in chunkTableFor(from) = period a's table.
            String table = schema.chunkTableFor(c.from());
            assertThat(table).isEqualTo("a_chunks_2575");
            assertThat(a.chunkLocations()).containsExactly(new ChunkLocation(k, table));
            assertThat(bb.chunkLocations()).containsExactly(new ChunkLocation(k, table));
            // Indexed in both periods, each with its clipped range.
            assertThat(a.cellCount("a_index_2575")).isPositive();
            assertThat(bb.cellCount("b_index_2575")).isPositive();
            var foo = Selectors.parseMatchers("foo{job=\"api\"}");
            assertThat(store.chunkRefs(USER, b0 - 2 * HOUR, b0 - 1, foo))
                    .singleElement()
                    .satisfies(r -> assertThat(r.period().store()).isEqualTo("a"));
            assertThat(store.chunkRefs(USER, b0, b0 + 2 * HOUR, foo))
                    .singleElement()
                    .satisfies(r -> assertThat(r.period().store()).isEqualTo("b"));
            List<Chunk> both = store.get(USER, b0 - 2 * HOUR, b0 + 2 * HOUR, foo);
            assertThat(both)
                    .singleElement()
                    .satisfies(r -> assertThat(r.externalKey()).isEqualTo(key));
            assertThat(store.labelNamesForMetricName(USER, b0 - 2 * HOUR, b0 + 2 * HOUR, "foo"))
                    .containsExactly("__name__", "job");
        }
        // One chunk client for both periods: stored once.
        MemoryBackend one = new MemoryBackend();
        try (CompositeStore store =
                CompositeStore.builder(schema)
                        .clock(CLOCK)
                        .clients(PeriodClientResolver.of(new PeriodClients(one, one)))
                        .build()) {
            store.put(c);
            assertThat(one.putChunkCalls.get()).isEqualTo(1);
            assertThat(one.chunkCount()).isEqualTo(1);
            assertThat(one.batchWrites.get()).isEqualTo(1);
            assertThat(
                            store.get(
                                    USER,
                                    b0 - 2 * HOUR,
                                    b0 + 2 * HOUR,
                                    Selectors.parseMatchers("foo")))
                    .hasSize(1);
        }
    }

    @Test
    void v12PeriodsUseLokisNewerExternalKey() {
        LocalDate v12From = LocalDate.of(2019, 5, 13);
        SchemaConfig schema =
                SchemaConfig.of(
                        period(FROM, SchemaVersion.V11, "memory", ""),
                        period(v12From, SchemaVersion.V12, "memory", ""));
        MemoryBackend b = new MemoryBackend();
        Labels s = series("__name__", "foo", "a", "b");
        Chunk old = chunk(s, T0, T0 + 1000);
        Chunk young = chunk(s, ms(v12From) + HOUR, ms(v12From) + 2 * HOUR);
        try (CompositeStore store = builder(schema, b).build()) {
            ChunkCodec.Encoded eo = store.put(old);
            ChunkCodec.Encoded ey = store.put(young);
            assertThat(store.externalKey(ey.chunk()))
                    .isEqualTo(ey.externalKey(KeyFormat.V12))
                    .matches("u1/[0-9a-f]+/[0-9a-f]+:[0-9a-f]+:[0-9a-f]+");
            assertThat(store.externalKey(eo.chunk())).isEqualTo(eo.externalKey(KeyFormat.CURRENT));
            assertThat(b.chunkLocations())
                    .extracting(ChunkLocation::key)
                    .containsExactlyInAnyOrder(eo.externalKey(), ey.externalKey(KeyFormat.V12));
            assertThat(store.chunkRefs(USER, T0, ms(v12From) + DAY, Selectors.parseMatchers("foo")))
                    .extracting(IndexedChunk::externalKey)
                    .containsExactly(eo.externalKey(), ey.externalKey(KeyFormat.V12));
            assertThat(store.get(USER, T0, ms(v12From) + DAY, Selectors.parseMatchers("foo")))
                    .extracting(Chunk::samples)
                    .containsExactly(old.samples(), young.samples());
        }
    }

    @Test
    void writesNeedAMetricNameAndAPeriod() {
        try (CompositeStore store =
                builder(single(SchemaVersion.V11), new MemoryBackend()).build()) {
            assertThatThrownBy(() -> store.put(chunk(series("a", "b"), T0, T0 + 1)))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("no MetricNameLabel for chunk");
            assertThatThrownBy(
                            () ->
                                    store.put(
                                            chunk(
                                                    series("__name__", "foo"),
                                                    ms(FROM) - DAY,
                                                    ms(FROM) - 1)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("no chunk table found for time");
            ChunkCodec.Encoded e = ChunkCodec.encode(chunk(series("__name__", "foo"), T0, T0 + 1));
            assertThatThrownBy(() -> store.putOne(T0 + 1, T0, e))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("cannot be indexed");
        }
    }

    /**
     * A chunk the index holds that starts before the first period has no chunk table (Cortex's
     * {@code ChunkTableFor} fails, and so does the fetch of its table-backed chunk clients): the
     * read fails with that error, it does not guess the first period's table. Written under a
     * schema starting earlier, read under one starting later.
     */
    @Test
    void aChunkStartingBeforeTheFirstPeriodHasNoChunkTable() {
        MemoryBackend b = new MemoryBackend();
        Chunk early = chunk(series("__name__", "foo"), T0 - 2 * DAY, T0 + HOUR);
        try (CompositeStore writer = builder(single(SchemaVersion.V11), b).build()) {
            writer.put(early);
        }
        SchemaConfig later =
                SchemaConfig.of(period(LocalDate.of(2019, 5, 12), SchemaVersion.V11, "memory", ""));
        assertThatThrownBy(() -> later.chunkTableFor(early.from()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("no chunk table found for time " + early.from());
        try (CompositeStore reader = builder(later, b).build()) {
            assertThatThrownBy(
                            () -> reader.get(USER, T0, T0 + HOUR, Selectors.parseMatchers("foo")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("no chunk table found for time " + early.from());
        }
        try (CompositeStore reader = builder(single(SchemaVersion.V11), b).build()) {
            assertThat(reader.get(USER, T0, T0 + HOUR, Selectors.parseMatchers("foo")))
                    .extracting(Chunk::from)
                    .containsExactly(early.from());
        }
    }

    // ---- chunk fetching (Cortex's Fetcher, pkg/chunk/chunk_store_utils.go)

    @Test
    void fetchEncodedGivesTheStoredBytesSoACopyKeepsItsKeys() {
        MemoryBackend source = new MemoryBackend();
        MemoryBackend target = new MemoryBackend();
        SchemaConfig v12 = SchemaConfig.of(period(FROM, SchemaVersion.V12, "memory", "new_"));
        try (CompositeStore from = builder(single(SchemaVersion.V10), source).build();
                CompositeStore to = builder(v12, target).build()) {
            ChunkCodec.Encoded e =
                    from.put(chunk(series("__name__", "foo", "a", "1"), T0, T0 + 1000));
            List<IndexedChunk> refs =
                    from.chunkRefs(USER, T0, T0 + DAY, Selectors.parseMatchers("foo"));
            List<ChunkCodec.Encoded> got = from.fetchEncoded(refs);
            assertThat(got)
                    .singleElement()
                    .satisfies(
                            x -> {
                                assertThat(x.bytes()).isEqualTo(e.bytes());
                                assertThat(x.chunk().checksum()).isEqualTo(e.chunk().checksum());
                            });
            to.put(got);
            // Same bytes and checksum; the key takes the target schema's (v12) form.
            assertThat(target.chunkLocations())
                    .singleElement()
                    .satisfies(
                            l -> {
                                assertThat(l.key()).isEqualTo(e.externalKey(KeyFormat.V12));
                                assertThat(target.storedChunk(l)).isEqualTo(e.bytes());
                            });
            assertThat(to.get(USER, T0, T0 + DAY, Selectors.parseMatchers("foo{a=\"1\"}")))
                    .hasSize(1);
        }
    }

    @Test
    void aMissingChunkFailsTheQueryNamingIt() {
        MemoryBackend b = new MemoryBackend();
        try (CompositeStore store = builder(single(SchemaVersion.V11), b).build()) {
            Labels s = series("__name__", "foo", "a", "b");
            ChunkCodec.Encoded kept = store.put(chunk(s, T0, T0 + 1000));
            ChunkCodec.Encoded lost = store.put(chunk(s, T0 + HOUR, T0 + HOUR + 1000));
            b.deleteChunk(new ChunkLocation(lost.externalKey(), "chunks_2575"));
            assertThatThrownBy(() -> store.get(USER, T0, T0 + DAY, Selectors.parseMatchers("foo")))
                    .isInstanceOfSatisfying(
                            ChunkFetchException.class,
                            e -> {
                                assertThat(e.failures()).containsOnlyKeys(lost.externalKey());
                                assertThat(e.failures().get(lost.externalKey()))
                                        .isInstanceOf(ChunkNotFoundException.class);
                                assertThat(e.fetched())
                                        .extracting(c -> c.key())
                                        .containsExactly(kept.externalKey());
                                assertThat(e).hasMessageContaining(lost.externalKey());
                            });
        }
    }

    @Test
    void aCorruptChunkIsRejectedWithTheInvalidChunkReason() {
        MemoryBackend b = new MemoryBackend();
        try (CompositeStore store = builder(single(SchemaVersion.V11), b).build()) {
            ChunkCodec.Encoded e = store.put(chunk(series("__name__", "foo"), T0, T0 + 1000));
            ChunkLocation loc = new ChunkLocation(e.externalKey(), "chunks_2575");
            byte[] bytes = b.storedChunk(loc).clone();
            bytes[bytes.length - 1] ^= 1;
            b.corrupt(loc, bytes);
            assertThatThrownBy(() -> store.get(USER, T0, T0 + DAY, Selectors.parseMatchers("foo")))
                    .isInstanceOfSatisfying(
                            ChunkFetchException.class,
                            ex ->
                                    assertThat(ex.failures().get(e.externalKey()))
                                            .isInstanceOfSatisfying(
                                                    InvalidChunkException.class,
                                                    ic ->
                                                            assertThat(ic.reason())
                                                                    .isEqualTo(
                                                                            InvalidChunkException
                                                                                    .Reason
                                                                                    .CHECKSUM)));
        }
    }

    @Test
    void aCorruptCachedChunkIsReadAgainFromTheBackend() {
        MemoryBackend b = new MemoryBackend();
        ChunkCache cache = new ChunkCache(1 << 20);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CompositeStore store =
                builder(single(SchemaVersion.V11), b)
                        .chunkCache(cache)
                        .metrics(registry, "")
                        .build()) {
            Chunk c = chunk(series("__name__", "foo"), T0, T0 + 1000);
            ChunkCodec.Encoded e = store.put(c);
            assertThat(store.get(USER, T0, T0 + DAY, Selectors.parseMatchers("foo"))).hasSize(1);
            assertThat(b.getChunkCalls.get()).isZero();
            cache.put(e.externalKey(), new byte[] {1, 2, 3});
            List<Chunk> got = store.get(USER, T0, T0 + DAY, Selectors.parseMatchers("foo"));
            assertThat(got)
                    .singleElement()
                    .satisfies(x -> assertThat(x.samples()).isEqualTo(c.samples()));
            assertThat(b.getChunkCalls.get()).isEqualTo(1);
            assertThat(cache.get(e.externalKey())).isEqualTo(e.bytes());
            assertThat(
                            registry.get("chunk_store_fetched_chunks_total")
                                    .tag("user", USER)
                                    .counter()
                                    .count())
                    .isEqualTo(1);
            assertThat(registry.get("chunk_store_chunks_per_query").summary().count()).isEqualTo(2);
        }
    }

    @Test
    void chunksAreFetchedInBoundedBatches() {
        MemoryBackend b = new MemoryBackend();
        try (CompositeStore store =
                builder(single(SchemaVersion.V11), b)
                        .config(StoreConfig.DEFAULT.withFetching(7, 3))
                        .build()) {
            List<ChunkCodec.Encoded> all = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                all.add(
                        ChunkCodec.encode(
                                chunk(
                                        series("__name__", "foo", "i", "" + i),
                                        T0 + i * 1000,
                                        T0 + i * 1000 + 500)));
            }
            store.put(all);
            List<Chunk> got = store.get(USER, T0, T0 + DAY, Selectors.parseMatchers("foo"));
            assertThat(got).hasSize(50);
            assertThat(b.getChunkCalls.get()).isEqualTo(8);
        }
    }

    // ---- cardinality (Cortex's seriesStore.GetChunkRefs and cachingIndexClient)

    @Test
    void aMatcherOverTheCardinalityLimitIsSkippedUnlessAllAre() {
        MemoryBackend b = new MemoryBackend();
        CachingIndexClient index =
                new CachingIndexClient(b, IndexCacheConfig.DEFAULT.withCardinalityLimit(10));
        try (CompositeStore store =
                CompositeStore.builder(single(SchemaVersion.V9))
                        .clock(CLOCK)
                        .clients(PeriodClientResolver.of(new PeriodClients(index, b)))
                        .build()) {
            for (int i = 0; i < 20; i++) {
                List<String> kv =
                        new ArrayList<>(
                                List.of(
                                        "__name__",
                                        "foo",
                                        "job",
                                        i < 10 ? "api" : "web",
                                        "i",
                                        "" + i));
                if (i == 0 || i == 15) {
                    kv.addAll(List.of("rare", "x"));
                }
                store.put(chunk(Labels.of(kv.toArray(String[]::new)), T0, T0 + 1000));
            }
            List<Chunk> got =
                    store.get(
                            USER,
                            T0,
                            T0 + DAY,
                            Selectors.parseMatchers("foo{job=\"api\", rare=\"x\"}"));
            assertThat(got)
                    .singleElement()
                    .satisfies(c -> assertThat(c.labels().get("i")).isEqualTo("0"));
            assertThatThrownBy(
                            () ->
                                    store.get(
                                            USER,
                                            T0,
                                            T0 + DAY,
                                            Selectors.parseMatchers("foo{job=\"api\"}")))
                    .isInstanceOf(CardinalityExceededException.class)
                    .hasMessage(
                            "cardinality limit exceeded for foo{job}; 20 entries, more than limit of 10");
            assertThatThrownBy(() -> store.get(USER, T0, T0 + DAY, Selectors.parseMatchers("foo")))
                    .isInstanceOf(CardinalityExceededException.class)
                    .hasMessage(
                            "cardinality limit exceeded for foo{}; 20 entries, more than limit of 10");
        }
    }

    @Test
    void lookupsOfOldRangesAreMarkedImmutable() {
        Recording rec = new Recording();
        MemoryBackend b = new MemoryBackend();
        try (CompositeStore store =
                CompositeStore.builder(single(SchemaVersion.V11))
                        .clock(CLOCK)
                        .config(StoreConfig.DEFAULT.withCacheLookupsOlderThan(Duration.ofDays(1)))
                        .clients(p -> new PeriodClients(rec.index(b), b))
                        .build()) {
            store.put(chunk(series("__name__", "foo", "a", "b"), T0, T0 + 1000));
            store.get(USER, T0, T0 + HOUR, Selectors.parseMatchers("foo{a=\"b\"}"));
            assertThat(rec.queries).isNotEmpty().allMatch(IndexQuery::immutable);
            rec.queries.clear();
            long now = CLOCK.millis();
            store.get(USER, now - HOUR, now, Selectors.parseMatchers("foo{a=\"b\"}"));
            assertThat(rec.queries).isNotEmpty().noneMatch(IndexQuery::immutable);
        }
    }

    @Test
    void theSchemaConfigsDialectChoosesHowLabelValuesAreLookedUp() {
        for (ConfigDialect dialect : ConfigDialect.values()) {
            for (SchemaVersion v : List.of(SchemaVersion.V11, SchemaVersion.V12)) {
                Recording rec = new Recording();
                MemoryBackend b = new MemoryBackend();
                try (CompositeStore store =
                        CompositeStore.builder(single(v).withDialect(dialect))
                                .clock(CLOCK)
                                .clients(p -> new PeriodClients(rec.index(b), b))
                                .build()) {
                    store.put(chunk(series("__name__", "foo", "a", "b"), T0, T0 + 1000));
                    assertThat(
                                    store.get(
                                            USER,
                                            T0,
                                            T0 + HOUR,
                                            Selectors.parseMatchers("foo{a=\"b\"}")))
                            .hasSize(1);
                }
                // The one label-value query: Loki's writer (a Loki config, or v12) reads by prefix,
                // Cortex's by start.
                boolean prefix = dialect == ConfigDialect.LOKI || v == SchemaVersion.V12;
                List<IndexQuery> valueQueries =
                        rec.queries.stream().filter(q -> present(q.valueEqual())).toList();
                assertThat(valueQueries)
                        .as("%s %s", dialect, v)
                        .isNotEmpty()
                        .allSatisfy(
                                q -> {
                                    assertThat(present(q.rangeValuePrefix())).isEqualTo(prefix);
                                    assertThat(present(q.rangeValueStart())).isEqualTo(!prefix);
                                });
            }
        }
    }

    private static boolean present(byte[] condition) {
        return condition != null && condition.length > 0;
    }

    // ---- sharding and label APIs

    @Test
    void theShardMatcherSelectsRowShardsAndLabelsTheChunks() {
        MemoryBackend b = new MemoryBackend();
        try (CompositeStore store = builder(single(SchemaVersion.V10), b).build()) {
            List<Labels> all = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                Labels s = series("__name__", "foo", "i", "" + i);
                all.add(s);
                store.put(chunk(s, T0, T0 + 1000));
            }
            int total = 0;
            for (int shard = 0; shard < 16; shard++) {
                List<Chunk> got =
                        store.get(
                                USER,
                                T0,
                                T0 + DAY,
                                Selectors.parseMatchers(
                                        "foo{__cortex_shard__=\"" + shard + "_of_16\"}"));
                int s = shard;
                long expected =
                        all.stream()
                                .filter(
                                        l ->
                                                io.chunkstore.core.schema.SeriesId.of(l)
                                                                .rowShard(16)
                                                        == s)
                                .count();
                assertThat(got)
                        .hasSize((int) expected)
                        .allSatisfy(
                                c ->
                                        assertThat(c.labels().get("__cortex_shard__"))
                                                .isEqualTo(s + "_of_16"));
                total += got.size();
            }
            assertThat(total).isEqualTo(40);
        }
        // v9 has no row shards: the shard matcher selects everything.
        try (CompositeStore store =
                builder(single(SchemaVersion.V9), new MemoryBackend()).build()) {
            for (int i = 0; i < 5; i++) {
                store.put(chunk(series("__name__", "foo", "i", "" + i), T0, T0 + 1000));
            }
            assertThat(
                            store.get(
                                    USER,
                                    T0,
                                    T0 + DAY,
                                    Selectors.parseMatchers("foo{__cortex_shard__=\"1_of_16\"}")))
                    .hasSize(5);
        }
    }

    @Test
    void labelApisAnswerPerMetric() {
        for (SchemaVersion v : List.of(SchemaVersion.V9, SchemaVersion.V10, SchemaVersion.V11)) {
            try (CompositeStore store = builder(single(v), new MemoryBackend()).build()) {
                store.put(chunk(series("__name__", "foo", "a", "1", "b", "x"), T0, T0 + 1000));
                store.put(chunk(series("__name__", "foo", "a", "2"), T0, T0 + 1000));
                store.put(chunk(series("__name__", "bar", "c", "3"), T0, T0 + 1000));
                assertThat(store.labelValuesForMetricName(USER, T0, T0 + DAY, "foo", "a"))
                        .as("%s", v)
                        .containsExactly("1", "2");
                assertThat(store.labelNamesForMetricName(USER, T0, T0 + DAY, "foo"))
                        .as("%s", v)
                        .containsExactly("__name__", "a", "b");
                assertThat(store.labelNamesForMetricName(USER, T0, T0 + DAY, "nope")).isEmpty();
                assertThat(store.labelValuesForMetricName(USER, T0, T0 + DAY, "bar", "a"))
                        .isEmpty();
            }
        }
    }

    @Test
    void storeMetricsUseCortexNames() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CompositeStore store =
                builder(single(SchemaVersion.V11), new MemoryBackend())
                        .metrics(registry, "cortex")
                        .build()) {
            store.put(chunk(series("__name__", "foo", "a", "1"), T0, T0 + 1000));
            store.get(USER, T0, T0 + DAY, Selectors.parseMatchers("foo{a=\"1\", b!=\"\"}"));
            store.get(USER, T0, T0 + DAY, Selectors.parseMatchers("foo{a=\"1\"}"));
        }
        assertThat(
                        registry.getMeters().stream()
                                .map(m -> m.getId().getName())
                                .collect(Collectors.toSet()))
                .contains(
                        "cortex_chunk_store_index_lookups_per_query",
                        "cortex_chunk_store_series_pre_intersection_per_query",
                        "cortex_chunk_store_series_post_intersection_per_query",
                        "cortex_chunk_store_chunks_per_query",
                        "cortex_chunk_store_deduped_chunks_total",
                        "cortex_chunk_store_stored_chunks_total",
                        "cortex_chunk_store_stored_chunk_bytes_total",
                        "cortex_chunk_store_fetched_chunks_total",
                        "cortex_chunk_store_fetched_chunk_bytes_total");
        assertThat(
                        registry.get("cortex_chunk_store_index_lookups_per_query")
                                .summary()
                                .totalAmount())
                .isEqualTo(3);
        assertThat(
                        registry.get("cortex_chunk_store_series_post_intersection_per_query")
                                .summary()
                                .totalAmount())
                .isEqualTo(1);
        assertThat(registry.get("cortex_chunk_store_fetched_chunks_total").counter().count())
                .isEqualTo(1);
    }

    @Test
    void theBuilderNeedsClients() {
        assertThatThrownBy(() -> CompositeStore.builder(single(SchemaVersion.V11)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("clients");
    }
}
