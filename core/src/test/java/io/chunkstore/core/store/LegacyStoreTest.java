package io.chunkstore.core.store;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Round trips through the store path of every schema, the old store schemas v1-v6 (chunk IDs
 * straight from label rows, hourly buckets and a non-periodic table for v1) and the series-store
 * schemas: 80 series over two days written through the store and read back by matchers and label
 * APIs, compared with the oracle.
 */
class LegacyStoreTest {
    static final String USER = "legacy";
    static final long DAY = SeriesData.DAY;
    static final long START =
            LocalDate.of(2019, 5, 11).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    static final long END = START + 2 * DAY;

    static final List<String> SELECTORS =
            List.of(
                    "cpu_usage",
                    "mem_bytes{job=\"api\"}",
                    "cpu_usage{job!=\"api\"}",
                    "cpu_usage{job=~\"api|web\"}",
                    "cpu_usage{job=~\"a.*|d.*\"}",
                    "mem_bytes{env=\"\"}",
                    "cpu_usage{env=~\"prod|dev\", instance!~\"inst-1.*\"}",
                    "cpu_usage{path=~\".+\"}",
                    "cpu_usage{job=\"db\", env=\"prod\"}",
                    "cpu_usage{foo=\"bar\"}",
                    "cpu_usage{__cortex_shard__=\"1_of_16\", job=\"web\"}");

    static SchemaConfig schema(SchemaVersion v) {
        PeriodicTableConfig index =
                v == SchemaVersion.V1
                        ? PeriodicTableConfig.of("index", Duration.ZERO)
                        : PeriodicTableConfig.of("index_", Duration.ofDays(7));
        return SchemaConfig.of(
                new PeriodConfig(
                        LocalDate.of(2019, 5, 1),
                        "memory",
                        "memory",
                        v,
                        index,
                        PeriodicTableConfig.of("chunks_", Duration.ofDays(7)),
                        0));
    }

    @ParameterizedTest
    @EnumSource(SchemaVersion.class)
    void writesAndReadsBackThroughTheSchema(SchemaVersion v) {
        SchemaConfig schema = schema(v);
        SeriesData data = SeriesData.generate(schema, USER, 80, START + 60_000, END, v.number());
        MemoryBackend b = new MemoryBackend();
        try (CompositeStore store =
                CompositeStore.builder(schema)
                        .clients(PeriodClientResolver.of(new PeriodClients(b, b)))
                        .clock(Clock.fixed(Instant.ofEpochMilli(END + 30 * DAY), ZoneOffset.UTC))
                        .build()) {
            List<ChunkCodec.Encoded> all = data.allChunks();
            store.put(all.subList(0, all.size() / 2));
            for (ChunkCodec.Encoded c : all.subList(all.size() / 2, all.size())) {
                store.putOne(c.chunk().from(), c.chunk().through(), c);
            }
            if (v == SchemaVersion.V1) {
                assertThat(b.listTables()).containsExactly("index");
            }
            long[][] ranges = {
                {START, END}, {START, START + DAY - 1}, {START + DAY + 5 * 3_600_000L, END - 7_000}
            };
            for (long[] r : ranges) {
                for (String selector : SELECTORS) {
                    List<LabelMatcher> matchers = Selectors.parseMatchers(selector);
                    // Store schemas ignore the query shard (they have no row shards), as v9 does.
                    Integer shard =
                            v.hasRowShards() && selector.contains("__cortex_shard__") ? 1 : null;
                    Set<String> expected = data.expectedKeys(r[0], r[1], matchers, shard, 16);
                    Set<String> got = new TreeSet<>();
                    for (Chunk c : store.get(USER, r[0], r[1], matchers)) {
                        String key = store.externalKey(c);
                        got.add(key);
                        assertThat(c.samples()).isEqualTo(data.chunk(key).chunk().samples());
                    }
                    assertThat(got)
                            .as("%s %s [%d, %d]", v, selector, r[0], r[1])
                            .isEqualTo(expected);
                    // The index alone applies the matchers that do not match "".
                    Set<String> refs = new TreeSet<>();
                    store.chunkRefs(USER, r[0], r[1], matchers)
                            .forEach(c -> refs.add(c.externalKey()));
                    assertThat(refs)
                            .as("refs %s %s", v, selector)
                            .isEqualTo(
                                    data.expectedKeys(
                                            r[0],
                                            r[1],
                                            matchers.stream().filter(m -> !m.matches("")).toList(),
                                            shard,
                                            16));
                }
            }
            assertThat(
                            data.expectedKeys(
                                    START,
                                    END,
                                    Selectors.parseMatchers("cpu_usage{job=~\"api|web\"}"),
                                    null,
                                    16))
                    .isNotEmpty();
            // Label APIs over bucket-aligned ranges (v6 reads label rows from the range's start
            // within a bucket).
            for (long[] r : new long[][] {{START, END}, {START + DAY, END}}) {
                for (String metric : List.of("cpu_usage", "mem_bytes")) {
                    for (String label : List.of("job", "env", "path", "instance")) {
                        assertThat(store.labelValuesForMetricName(USER, r[0], r[1], metric, label))
                                .as("%s values of %s %s", v, metric, label)
                                .containsExactlyElementsOf(
                                        data.expectedLabelValues(r[0], r[1], metric, label));
                    }
                    assertThat(store.labelNamesForMetricName(USER, r[0], r[1], metric))
                            .as("%s names", v)
                            .containsExactlyElementsOf(data.expectedLabelNames(r[0], r[1], metric));
                }
            }
        }
    }
}
