package io.chunkstore.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.cache.CachingIndexClient;
import io.chunkstore.core.cache.ChunkCache;
import io.chunkstore.core.cache.IndexCacheConfig;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodicTableConfig;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.testing.MemoryBackend;
import io.chunkstore.core.testing.SeriesData;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 1,000 series with chunks over 3 days across two schema periods (v10, then v11 from the second
 * day), written through the store's write path and queried by many matcher combinations and time
 * ranges; every answer is compared with a brute-force oracle over the generated data (the same
 * chunk ids, the same samples, the same label values and names). Runs against a plain store and
 * against one with the index cache and the chunk cache.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeriesStoreOracleTest {
    static final String USER = "tenant-1";
    static final LocalDate V10_FROM = LocalDate.of(2019, 5, 10);
    static final LocalDate V11_FROM = LocalDate.of(2019, 5, 12);
    static final long START = ms(LocalDate.of(2019, 5, 11)) + 5 * 60_000;
    static final long END = ms(LocalDate.of(2019, 5, 14));
    static final long BOUNDARY = ms(V11_FROM);

    SchemaConfig schema;
    SeriesData data;
    CompositeStore plain;
    CompositeStore cached;
    MemoryBackend plainBackend;
    MemoryBackend cachedBackend;

    static long ms(LocalDate d) {
        return d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    @BeforeAll
    void write() {
        schema =
                SchemaConfig.of(
                        new PeriodConfig(
                                V10_FROM,
                                "memory",
                                "memory",
                                SchemaVersion.V10,
                                PeriodicTableConfig.of("index_a_", Duration.ofDays(7)),
                                PeriodicTableConfig.of("chunks_a_", Duration.ofDays(7)),
                                16),
                        new PeriodConfig(
                                V11_FROM,
                                "memory",
                                "memory",
                                SchemaVersion.V11,
                                PeriodicTableConfig.of("index_b_", Duration.ofDays(7)),
                                PeriodicTableConfig.of("chunks_b_", Duration.ofDays(7)),
                                16));
        data = SeriesData.generate(schema, USER, 1000, START, END, 42);
        Clock clock = Clock.fixed(Instant.parse("2019-05-20T00:00:00Z"), ZoneOffset.UTC);

        plainBackend = new MemoryBackend();
        plain =
                CompositeStore.builder(schema)
                        .clients(
                                PeriodClientResolver.of(
                                        new PeriodClients(plainBackend, plainBackend)))
                        .clock(clock)
                        .build();
        cachedBackend = new MemoryBackend();
        CachingIndexClient index = new CachingIndexClient(cachedBackend, IndexCacheConfig.DEFAULT);
        cached =
                CompositeStore.builder(schema)
                        .clients(PeriodClientResolver.of(new PeriodClients(index, cachedBackend)))
                        .clock(clock)
                        .chunkCache(new ChunkCache(64L << 20))
                        .build();

        // One store gets every chunk on its own (putOne), the other in batches (put).
        for (ChunkCodec.Encoded c : data.allChunks()) {
            plain.putOne(c.chunk().from(), c.chunk().through(), c);
        }
        List<ChunkCodec.Encoded> all = data.allChunks();
        for (int i = 0; i < all.size(); i += 250) {
            cached.put(all.subList(i, Math.min(all.size(), i + 250)));
        }
    }

    @AfterAll
    void close() {
        plain.close();
        cached.close();
    }

    @Test
    void theDataCrossesThePeriodBoundary() {
        long spanning =
                data.allChunks().stream()
                        .filter(c -> c.chunk().from() < BOUNDARY && c.chunk().through() >= BOUNDARY)
                        .count();
        assertThat(data.allChunks()).hasSizeGreaterThan(5000);
        assertThat(spanning).isGreaterThan(50);
        // Stored once each, in chunkTableFor(from).
        assertThat(plainBackend.chunkCount()).isEqualTo(data.allChunks().size());
        assertThat(cachedBackend.chunkCount()).isEqualTo(data.allChunks().size());
        assertThat(plainBackend.chunkLocations())
                .allSatisfy(
                        l ->
                                assertThat(l.tableName())
                                        .isEqualTo(
                                                schema.chunkTableFor(
                                                        data.chunk(l.key()).chunk().from())));
        // Both ways of writing give the same index.
        assertThat(cachedBackend.totalCells()).isEqualTo(plainBackend.totalCells());
    }

    static Stream<String> selectors() {
        return Stream.of(
                "cpu_usage",
                "mem_bytes",
                "cpu_usage{job=\"api\"}",
                "cpu_usage{job!=\"api\"}",
                "cpu_usage{job=~\"api|web\"}",
                "mem_bytes{job=~\"web|db|nope\"}",
                "cpu_usage{job=~\"a.*\"}",
                "cpu_usage{job=~\"batch\\\\.worker\"}",
                "cpu_usage{job=~\"batch.worker|api\"}",
                "cpu_usage{job!~\"api|db\"}",
                "cpu_usage{job!~\".*e.*\"}",
                "cpu_usage{env=\"\"}",
                "cpu_usage{env!=\"\"}",
                "mem_bytes{env=~\"prod|\"}",
                "mem_bytes{env=~\"prod|dev\"}",
                "cpu_usage{env!~\"prod\"}",
                "cpu_usage{instance=~\"inst-1[0-9]\"}",
                "cpu_usage{instance=~\"inst-(1|2|3)\"}",
                "mem_bytes{job=\"web\", env=\"prod\", instance!~\"inst-5.*\"}",
                "cpu_usage{job=\"api\", env=\"\"}",
                "cpu_usage{path=~\"a\\\\.b\\\\|c\"}",
                "cpu_usage{path=\"x\\\\y\"}",
                "cpu_usage{path=~\"x\\\\\\\\y|é\"}",
                "cpu_usage{path=~\".+\"}",
                "mem_bytes{path!=\"\", job=~\"api|web\"}",
                "cpu_usage{foo=\"bar\"}",
                "cpu_usage{job=\"nope\"}",
                "cpu_usage{foo=~\".*\"}",
                "nosuchmetric",
                "cpu_usage{__cortex_shard__=\"3_of_16\"}",
                "cpu_usage{__cortex_shard__=\"0_of_16\", job=\"api\"}",
                "mem_bytes{__cortex_shard__=\"15_of_16\", env=~\"prod|dev\"}");
    }

    static List<long[]> ranges() {
        return List.of(
                new long[] {START, END},
                new long[] {START, BOUNDARY - 1},
                new long[] {BOUNDARY, END},
                new long[] {BOUNDARY - 3 * SeriesData.HOUR, BOUNDARY + 2 * SeriesData.HOUR},
                new long[] {START + 30 * SeriesData.HOUR, START + 31 * SeriesData.HOUR},
                new long[] {END - 1000, END + SeriesData.DAY});
    }

    Stream<Arguments> queries() {
        List<Arguments> out = new ArrayList<>();
        for (String store : List.of("plain", "cached")) {
            for (long[] r : ranges()) {
                selectors().forEach(s -> out.add(Arguments.of(store, s, r[0], r[1])));
            }
        }
        return out.stream();
    }

    private CompositeStore store(String which) {
        return which.equals("plain") ? plain : cached;
    }

    @ParameterizedTest(name = "{0} {1} [{2}, {3}]")
    @MethodSource("queries")
    void getMatchesTheOracle(String which, String selector, long from, long through) {
        List<LabelMatcher> matchers = Selectors.parseMatchers(selector);
        Integer shard =
                matchers.stream()
                        .filter(m -> m.name().equals("__cortex_shard__"))
                        .findFirst()
                        .map(m -> Integer.parseInt(m.value().split("_")[0]))
                        .orElse(null);
        Set<String> expected = data.expectedKeys(from, through, matchers, shard, 16);

        List<Chunk> got = store(which).get(USER, from, through, matchers);
        Set<String> keys = new TreeSet<>();
        for (Chunk c : got) {
            String key = store(which).externalKey(c);
            assertThat(keys.add(key)).as("duplicate chunk %s", key).isTrue();
            ChunkCodec.Encoded want = data.chunk(key);
            assertThat(want).as("unknown chunk %s", key).isNotNull();
            assertThat(c.samples()).isEqualTo(want.chunk().samples());
            if (shard != null) {
                assertThat(c.labels())
                        .isEqualTo(
                                want.chunk().labels().with("__cortex_shard__", shard + "_of_16"));
            } else {
                assertThat(c.labels()).isEqualTo(want.chunk().labels());
            }
        }
        assertSameKeys(keys, expected);
        if (!selector.contains("__cortex_shard__")
                && !selector.contains("nosuch")
                && !selector.contains("foo=\"bar\"")
                && !selector.contains("nope\"}")) {
            // The query is a real one: the oracle is not vacuous for the whole range.
            assertThat(data.expectedKeys(START, END, matchers, null, 16)).isNotEmpty();
        }

        // chunkRefs answers from the index alone: the matchers that match "" are filters applied to
        // fetched chunks.
        List<LabelMatcher> indexMatchers = matchers.stream().filter(m -> !m.matches("")).toList();
        Set<String> refs = new TreeSet<>();
        store(which)
                .chunkRefs(USER, from, through, matchers)
                .forEach(r -> refs.add(r.externalKey()));
        assertSameKeys(refs, data.expectedKeys(from, through, indexMatchers, shard, 16));
    }

    /**
     * Compares key sets naming what is missing and what is extra, with each chunk's labels and
     * times.
     */
    private void assertSameKeys(Set<String> got, Set<String> expected) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(got);
        Set<String> extra = new TreeSet<>(got);
        extra.removeAll(expected);
        assertThat(describe(missing)).as("chunks missing").isEmpty();
        assertThat(describe(extra)).as("chunks not expected").isEmpty();
    }

    private List<String> describe(Set<String> keys) {
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            ChunkCodec.Encoded c = data.chunk(k);
            out.add(
                    k
                            + " "
                            + (c == null
                                    ? "?"
                                    : c.chunk().labels()
                                            + " "
                                            + Instant.ofEpochMilli(c.chunk().from())
                                            + ".."
                                            + Instant.ofEpochMilli(c.chunk().through())));
        }
        return out;
    }

    Stream<Arguments> labelQueries() {
        List<Arguments> out = new ArrayList<>();
        for (String store : List.of("plain", "cached")) {
            for (long[] r : ranges()) {
                for (String metric : List.of("cpu_usage", "mem_bytes")) {
                    for (String label : List.of("job", "env", "instance", "path", "missing")) {
                        out.add(Arguments.of(store, metric, label, r[0], r[1]));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} [{3}, {4}]")
    @MethodSource("labelQueries")
    void labelValuesMatchTheOracle(
            String which, String metric, String label, long from, long through) {
        assertThat(store(which).labelValuesForMetricName(USER, from, through, metric, label))
                .containsExactlyElementsOf(data.expectedLabelValues(from, through, metric, label));
    }

    Stream<Arguments> labelNameQueries() {
        List<Arguments> out = new ArrayList<>();
        for (String store : List.of("plain", "cached")) {
            for (long[] r : ranges()) {
                for (String metric : List.of("cpu_usage", "mem_bytes", "nosuchmetric")) {
                    out.add(Arguments.of(store, metric, r[0], r[1]));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} [{2}, {3}]")
    @MethodSource("labelNameQueries")
    void labelNamesMatchTheOracle(String which, String metric, long from, long through) {
        assertThat(store(which).labelNamesForMetricName(USER, from, through, metric))
                .containsExactlyElementsOf(data.expectedLabelNames(from, through, metric));
    }

    @Test
    void theLabelOraclesAreNotVacuous() {
        assertThat(data.expectedLabelValues(START, END, "cpu_usage", "job")).hasSize(5);
        assertThat(data.expectedLabelValues(START, END, "cpu_usage", "path")).hasSize(4);
        assertThat(data.expectedLabelNames(START, END, "mem_bytes"))
                .containsExactly("__name__", "env", "instance", "job", "path");
        // A one-hour window selects a small part of the chunks.
        long from = START + 30 * SeriesData.HOUR;
        List<LabelMatcher> cpu = List.of(LabelMatcher.equal("__name__", "cpu_usage"));
        assertThat(data.expectedKeys(from, from + SeriesData.HOUR, cpu, null, 16).size())
                .isLessThan(data.expectedKeys(START, END, cpu, null, 16).size() / 4);
    }

    @Test
    void theCacheServesRepeatedQueriesWithoutTheBackend() {
        List<LabelMatcher> m = Selectors.parseMatchers("mem_bytes{job=~\"api|web\", env=\"prod\"}");
        List<Chunk> first = cached.get(USER, START, END, m);
        int queries = cachedBackend.queries.get();
        int gets = cachedBackend.getChunkCalls.get();
        List<Chunk> second = cached.get(USER, START, END, m);
        assertThat(second).isEqualTo(first);
        assertThat(cachedBackend.queries.get()).isEqualTo(queries);
        assertThat(cachedBackend.getChunkCalls.get()).isEqualTo(gets);
    }
}
