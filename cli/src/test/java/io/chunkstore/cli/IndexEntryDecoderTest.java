package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodicTableConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.schema.IndexSchemas;
import io.chunkstore.core.schema.SeriesId;
import io.chunkstore.spi.IndexEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every index entry every schema writes for the worked example chunk
 * (testdata/golden/cortex-v1.10-worked-example.jsonl: user "userID", labels
 * {__name__="foo",bar="baz",toms="code"}, 2019-05-12T08:45:21Z to 09:45:21Z) decodes back to what
 * was written.
 */
class IndexEntryDecoderTest {
    static final String USER = "userID";
    static final Labels LABELS =
            Selectors.parseLabels("{__name__=\"foo\",bar=\"baz\",toms=\"code\"}");
    static final long FROM = 1557650721000L;
    static final long THROUGH = 1557654321000L;
    static final String CHUNK_ID = "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:38eb373c";

    static List<IndexEntry> entries(SchemaVersion v) {
        PeriodConfig p =
                new PeriodConfig(
                        LocalDate.of(2019, 1, 1),
                        "local",
                        "local",
                        v,
                        PeriodicTableConfig.of("index_", Duration.ofHours(168)),
                        PeriodicTableConfig.of("chunks_", Duration.ofHours(168)),
                        0);
        return IndexSchemas.forPeriod(p).writeEntries(FROM, THROUGH, USER, LABELS, CHUNK_ID);
    }

    @ParameterizedTest
    @EnumSource(SchemaVersion.class)
    void everyEntryOfEverySchemaDecodesToWhatWasWritten(SchemaVersion v) {
        IndexEntryDecoder d = new IndexEntryDecoder(v);
        String series = SeriesId.of(LABELS).value();
        Map<String, Integer> kinds = new TreeMap<>();
        List<String> labelValues = new ArrayList<>();
        for (IndexEntry e : entries(v)) {
            ObjectNode m = d.decode(e.hashValue(), e.rangeValue(), e.value());
            String kind = m.get("kind").asText();
            kinds.merge(kind, 1, Integer::sum);
            assertThat(kind).as("%s %s: %s", v, e.hashValue(), m).isNotEqualTo("unparsed");
            assertThat(m.get("description").asText()).isNotEmpty();
            if (m.has("chunkId")) {
                assertThat(m.get("chunkId").asText()).isEqualTo(CHUNK_ID);
                assertThat(m.get("chunk").get("from").asLong()).isEqualTo(FROM);
                assertThat(m.get("chunk").get("through").asLong()).isEqualTo(THROUGH);
            }
            if (m.has("user")) {
                assertThat(m.get("user").asText()).isEqualTo(USER);
                assertThat(m.get("bucketStart").asLong())
                        .isLessThanOrEqualTo(THROUGH)
                        .isGreaterThan(FROM - 86_400_000L);
            }
            if (m.has("metric") && !kind.equals("series-chunk")) {
                assertThat(m.get("metric").asText()).isEqualTo("foo");
            }
            if (m.has("seriesId")) {
                assertThat(m.get("seriesId").asText()).isEqualTo(series);
            }
            if (m.has("throughInBucket")) {
                assertThat(m.get("throughInBucket").asLong())
                        .isEqualTo(THROUGH); // one bucket holds the chunk
            }
            if (m.has("label")) {
                String label = m.get("label").asText();
                assertThat(m.get("labelValue").asText()).isEqualTo(LABELS.get(label));
                labelValues.add(label + "=" + m.get("labelValue").asText());
            }
            if (m.has("labelValueHashMatches")) {
                assertThat(m.get("labelValueHashMatches").asBoolean()).isTrue();
            }
            if (m.has("rowShard")) {
                assertThat(v.hasRowShards()).isTrue();
                assertThat(m.get("rowShard").asInt()).isEqualTo(SeriesId.of(LABELS).rowShard(16));
            }
            if (kind.equals("series-label-names")) {
                assertThat(m.get("labelNames").toString()).isEqualTo("[\"bar\",\"toms\"]");
            }
        }
        int buckets =
                v == SchemaVersion.V1 ? 2 : 1; // v1's hourly buckets: 08:45-09:00 and 09:00-09:45
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < buckets; i++) {
            expected.addAll(List.of("bar=baz", "toms=code"));
        }
        assertThat(labelValues).containsExactlyInAnyOrderElementsOf(expected);
        if (v.isSeriesStore()) {
            assertThat(kinds)
                    .containsEntry("metric-series", 1)
                    .containsEntry("label-series", 2)
                    .containsEntry("series-chunk", 1);
            assertThat(kinds.getOrDefault("series-label-names", 0))
                    .isEqualTo(v.hasLabelNamesIndex() ? 1 : 0);
        } else {
            assertThat(kinds).containsEntry("label-chunk", 2 * buckets);
            assertThat(kinds.getOrDefault("metric-chunk", 0)).isEqualTo(v.number() >= 4 ? 1 : 0);
        }
    }

    @Test
    void entriesThatDoNotParseAreReportedUnparsed() {
        IndexEntryDecoder d = new IndexEntryDecoder(SchemaVersion.V11);
        byte[] junk = "a\0b\0c\0Z\0".getBytes(StandardCharsets.UTF_8);
        assertThat(d.decode("user:d1:foo", junk, new byte[0]).get("kind").asText())
                .isEqualTo("unparsed");
        ObjectNode bad =
                d.decode(
                        "sid",
                        "\0\0\0009\0".getBytes(StandardCharsets.UTF_8),
                        "not json".getBytes(StandardCharsets.UTF_8));
        assertThat(bad.get("kind").asText()).isEqualTo("unparsed");
        assertThat(bad.get("error").asText()).contains("not a JSON array");
    }
}
