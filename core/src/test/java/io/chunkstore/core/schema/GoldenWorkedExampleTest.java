package io.chunkstore.core.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodicTableConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.Labels;
import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * testdata/golden/cortex-v1.10-worked-example.jsonl: for every schema, the entries and queries of
 * the worked example are exactly those Cortex v1.10 produced, byte for byte
 * (testdata/golden/cortex-v1.10-worked-example.jsonl).
 */
class GoldenWorkedExampleTest {
    static final String USER = "userID";
    static final Labels LABELS = Labels.of("__name__", "foo", "bar", "baz", "toms", "code");
    static final long FROM = 1557650721000L;
    static final long THROUGH = 1557654321000L;
    static final String CHUNK_ID = "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:38eb373c";
    static final String SERIES = "RVx3DJDRAnTHR0bqV0yNgIzcqzjbFtvyPZ7baU2THso";
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<SchemaVersion> goldenSchemas() {
        return Stream.of(
                SchemaVersion.V1,
                SchemaVersion.V2,
                SchemaVersion.V3,
                SchemaVersion.V4,
                SchemaVersion.V5,
                SchemaVersion.V6,
                SchemaVersion.V9,
                SchemaVersion.V10,
                SchemaVersion.V11);
    }

    /**
     * The worked example's period: index_ weekly, except v1 whose index is the single table
     * "index".
     */
    static PeriodConfig period(SchemaVersion v) {
        PeriodicTableConfig index =
                v == SchemaVersion.V1
                        ? PeriodicTableConfig.of("index", Duration.ZERO)
                        : PeriodicTableConfig.of("index_", Duration.ofHours(168));
        return new PeriodConfig(
                LocalDate.of(2019, 1, 1),
                "local",
                "",
                v,
                index,
                PeriodicTableConfig.of("chunks_", Duration.ofHours(168)),
                16);
    }

    static List<Map<String, String>> golden(String kind, SchemaVersion v) throws IOException {
        List<Map<String, String>> out = new ArrayList<>();
        for (String line :
                Files.readAllLines(GoldenFiles.file("cortex-v1.10-worked-example.jsonl"))) {
            if (line.isBlank()) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, String> m = new TreeMap<>(JSON.readValue(line, Map.class));
            if (m.get("kind").equals(kind) && m.remove("schema").equals(v.configName())) {
                out.add(m);
            }
        }
        return out;
    }

    static Map<String, String> json(IndexEntry e) {
        Map<String, String> m = new TreeMap<>();
        m.put("kind", "entry");
        m.put("table", e.tableName());
        m.put("hash", e.hashValue());
        m.put("range", Bytes.hex(e.rangeValue()));
        m.put("value", Bytes.hex(e.value()));
        return m;
    }

    static Map<String, String> json(String lookup, IndexQuery q) {
        Map<String, String> m = new TreeMap<>();
        m.put("kind", "query");
        m.put("lookup", lookup);
        m.put("table", q.tableName());
        m.put("hash", q.hashValue());
        m.put("prefix", Bytes.hex(q.rangeValuePrefix()));
        m.put("start", Bytes.hex(q.rangeValueStart()));
        m.put("valueEqual", Bytes.hex(q.valueEqual()));
        return m;
    }

    @ParameterizedTest
    @MethodSource("goldenSchemas")
    void writeEntriesAreCortexsByteForByte(SchemaVersion v) throws IOException {
        IndexSchema schema = IndexSchemas.forPeriod(period(v));
        List<Map<String, String>> ours =
                schema.writeEntries(FROM, THROUGH, USER, LABELS, CHUNK_ID).stream()
                        .map(GoldenWorkedExampleTest::json)
                        .toList();
        List<Map<String, String>> golden = golden("entry", v);
        assertThat(golden).isNotEmpty();
        // Line order is free in the contract; Cortex's order is kept anyway.
        assertThat(ours).containsExactlyElementsOf(golden);
    }

    @ParameterizedTest
    @MethodSource("goldenSchemas")
    void readQueriesAreCortexsByteForByte(SchemaVersion v) throws IOException {
        IndexSchema schema = IndexSchemas.forPeriod(period(v));
        List<Map<String, String>> ours = new ArrayList<>();
        schema.readQueriesForMetric(FROM, THROUGH, USER, "foo")
                .forEach(q -> ours.add(json("metric", q)));
        schema.readQueriesForMetricLabel(FROM, THROUGH, USER, "foo", "bar")
                .forEach(q -> ours.add(json("label", q)));
        schema.readQueriesForMetricLabelValue(FROM, THROUGH, USER, "foo", "bar", "baz")
                .forEach(q -> ours.add(json("labelvalue", q)));
        if (v.isSeriesStore()) {
            schema.chunksForSeries(FROM, THROUGH, USER, SERIES)
                    .forEach(q -> ours.add(json("chunks", q)));
        } else {
            assertThatThrownBy(() -> schema.chunksForSeries(FROM, THROUGH, USER, SERIES))
                    .isInstanceOf(UnsupportedLookupException.class)
                    .hasMessageContaining("schema " + v);
        }
        if (v.hasLabelNamesIndex()) {
            schema.labelNamesForSeries(FROM, THROUGH, USER, SERIES)
                    .forEach(q -> ours.add(json("labelnames", q)));
        } else {
            assertThatThrownBy(() -> schema.labelNamesForSeries(FROM, THROUGH, USER, SERIES))
                    .isInstanceOf(UnsupportedLookupException.class)
                    .hasMessageContaining("schema " + v + " does not support label names");
        }
        List<Map<String, String>> golden = golden("query", v);
        assertThat(golden).isNotEmpty();
        assertThat(ours).containsExactlyInAnyOrderElementsOf(golden);
    }

    @ParameterizedTest
    @MethodSource("goldenSchemas")
    void seriesSchemasGiveTheWriteDedupeCacheKeyOfAppendixA(SchemaVersion v) {
        IndexSchema schema = IndexSchemas.forPeriod(period(v));
        if (!v.isSeriesStore()) {
            assertThatThrownBy(() -> schema.labelWriteEntries(FROM, THROUGH, USER, LABELS))
                    .isInstanceOf(UnsupportedLookupException.class);
            return;
        }
        List<LabelWriteEntries> perBucket = schema.labelWriteEntries(FROM, THROUGH, USER, LABELS);
        assertThat(perBucket)
                .extracting(LabelWriteEntries::cacheKey)
                .containsExactly(
                        "696e6465785f323537352d7573657249443a6431383032382d52567833444a4452416e5448523062715630794e67497a63"
                                + "717a6a6246747679505a37626155325448736f");
        // The label entries plus the chunk entries are the whole write.
        List<IndexEntry> all = new ArrayList<>(perBucket.get(0).entries());
        all.addAll(schema.chunkWriteEntries(FROM, THROUGH, USER, LABELS, CHUNK_ID));
        assertThat(all)
                .containsExactlyElementsOf(
                        schema.writeEntries(FROM, THROUGH, USER, LABELS, CHUNK_ID));
    }

    @Test
    void v12HasTheLayoutOfV11() {
        IndexSchema v11 = IndexSchemas.forPeriod(period(SchemaVersion.V11));
        IndexSchema v12 = IndexSchemas.forPeriod(period(SchemaVersion.V12));
        assertThat(v12.writeEntries(FROM, THROUGH, USER, LABELS, CHUNK_ID))
                .containsExactlyElementsOf(v11.writeEntries(FROM, THROUGH, USER, LABELS, CHUNK_ID));
        Map<String, String> q11 = new LinkedHashMap<>();
        v11.labelNamesForSeries(FROM, THROUGH, USER, SERIES)
                .forEach(q -> q11.putAll(json("labelnames", q)));
        Map<String, String> q12 = new LinkedHashMap<>();
        v12.labelNamesForSeries(FROM, THROUGH, USER, SERIES)
                .forEach(q -> q12.putAll(json("labelnames", q)));
        assertThat(q12).isEqualTo(q11);
    }

    @Test
    void lokiLabelValueLookupUsesAPrefixWithTheSameBytes() {
        for (SchemaVersion v :
                List.of(
                        SchemaVersion.V9,
                        SchemaVersion.V10,
                        SchemaVersion.V11,
                        SchemaVersion.V12)) {
            List<IndexQuery> cortex =
                    IndexSchemas.forPeriod(period(v))
                            .readQueriesForMetricLabelValue(
                                    FROM, THROUGH, USER, "foo", "bar", "baz");
            List<IndexQuery> loki =
                    IndexSchemas.forPeriod(period(v), LabelValueLookup.PREFIX)
                            .readQueriesForMetricLabelValue(
                                    FROM, THROUGH, USER, "foo", "bar", "baz");
            assertThat(loki).hasSameSizeAs(cortex);
            for (int i = 0; i < loki.size(); i++) {
                assertThat(loki.get(i).hasStart()).isFalse();
                assertThat(loki.get(i).rangeValuePrefix())
                        .isEqualTo(cortex.get(i).rangeValueStart());
                assertThat(loki.get(i).hashValue()).isEqualTo(cortex.get(i).hashValue());
                assertThat(loki.get(i).valueEqual()).isEqualTo(cortex.get(i).valueEqual());
            }
        }
        // Store schemas are unaffected by the option.
        assertThat(
                        IndexSchemas.forPeriod(period(SchemaVersion.V6), LabelValueLookup.PREFIX)
                                .readQueriesForMetricLabelValue(
                                        FROM, THROUGH, USER, "foo", "bar", "baz")
                                .get(0)
                                .hasStart())
                .isTrue();
    }
}
