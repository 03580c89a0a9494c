package io.chunkstore.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.conformance.SeriesStoreFixture.Series;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.schema.IndexSchema;
import io.chunkstore.core.schema.IndexSchemas;
import io.chunkstore.core.schema.LabelValueLookup;
import io.chunkstore.core.schema.RangeValueParser;
import io.chunkstore.core.schema.SeriesId;
import io.chunkstore.core.schema.UnsupportedLookupException;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.ReadBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A series-store round trip through real schemas (issue 3; Cortex's series-store schemas v9+ and
 * its store path, pkg/chunk/schema.go and series_store.go): a few hundred series with chunks over
 * eight days, under schemas v9, v10, v11 and v12 (two days each, sharing their tables), written
 * through core's store (chunks, label entries once per series per day, chunk entries, Loki's v12
 * keys), then read back through the schemas' own queries (metric, label, label value with Cortex's
 * start and Loki's prefix, chunks of a series from the start and from mid-day, label names) and
 * through the store's matchers; every answer must be exactly the chunk and series IDs an oracle
 * computes from the generated data. The tables are made by core's table manager.
 */
@RequiresFeature({Feature.INDEX, Feature.CHUNKS})
public interface SeriesStoreContract extends BackendContract {

    /** Entries of one query set, as (range value, value) pairs. */
    private static List<byte[][]> read(TestScope s, List<IndexQuery> queries) {
        List<byte[][]> out = Collections.synchronizedList(new ArrayList<>());
        s.index()
                .queryPages(
                        queries,
                        (q, page) -> {
                            ReadBatch.ReadBatchIterator it = page.iterator();
                            while (it.next()) {
                                out.add(new byte[][] {it.rangeValue(), it.value()});
                            }
                            return true;
                        });
        return out;
    }

    /**
     * The IDs the entries point at (series IDs for label rows, chunk IDs for chunk rows), sorted
     * and unique.
     */
    private static Set<String> ids(TestScope s, List<IndexQuery> queries) {
        Set<String> out = new TreeSet<>();
        for (byte[][] e : read(s, queries)) {
            out.add(RangeValueParser.parseChunkTimeRangeValue(e[0], e[1]).id());
        }
        return out;
    }

    private static Set<String> seriesIds(List<Series> series) {
        Set<String> out = new TreeSet<>();
        series.forEach(x -> out.add(x.seriesId()));
        return out;
    }

    /**
     * Each day of each schema period, the schema's read queries find exactly the series and chunks
     * written there: metric rows, label rows, label-value rows (start + value-equal and prefix +
     * value-equal), chunk rows of a series (from the bucket start and from mid-day), and the
     * v11/v12 label-names rows.
     */
    @Test
    default void schemaReadQueriesFindWhatTheStoreWroteV9ToV12(TestScope s) {
        SeriesStoreFixture f = SeriesStoreFixture.write(s, 200);
        String user = s.userId();
        long day0 = SeriesStoreFixture.START / SeriesStoreFixture.DAY;
        int checkedChunks = 0;
        for (PeriodConfig p : f.schema.periods()) {
            IndexSchema start = IndexSchemas.forPeriod(p, LabelValueLookup.START);
            IndexSchema prefix = IndexSchemas.forPeriod(p, LabelValueLookup.PREFIX);
            for (long day = p.fromMs() / SeriesStoreFixture.DAY;
                    day < p.fromMs() / SeriesStoreFixture.DAY + 2;
                    day++) {
                long from = day * SeriesStoreFixture.DAY;
                long through = from + SeriesStoreFixture.DAY - 1;
                String where = p.schema() + " day " + (day - day0);
                List<Series> present = f.seriesIn(p, day);
                assertThat(present).as("series in %s", where).hasSizeGreaterThan(150);
                for (String metric : SeriesStoreFixture.METRICS) {
                    List<Series> ofMetric =
                            present.stream()
                                    .filter(x -> x.labels().metricName().equals(metric))
                                    .toList();
                    assertThat(ids(s, start.readQueriesForMetric(from, through, user, metric)))
                            .as("metric %s, %s", metric, where)
                            .isEqualTo(seriesIds(ofMetric));
                    for (String label : List.of("job", "env", "tier", "nolabel")) {
                        assertThat(
                                        ids(
                                                s,
                                                start.readQueriesForMetricLabel(
                                                        from, through, user, metric, label)))
                                .as("label %s of %s, %s", label, metric, where)
                                .isEqualTo(
                                        seriesIds(
                                                ofMetric.stream()
                                                        .filter(x -> x.labels().has(label))
                                                        .toList()));
                    }
                    List<String[]> values = new ArrayList<>();
                    for (String job : SeriesStoreFixture.JOBS) {
                        values.add(new String[] {"job", job});
                    }
                    values.add(new String[] {"env", "prod"});
                    values.add(new String[] {"env", "dev"});
                    values.add(new String[] {"tier", "gold"});
                    values.add(new String[] {"job", "nope"});
                    values.add(new String[] {"instance", "i-7"});
                    for (String[] lv : values) {
                        Set<String> expected =
                                seriesIds(
                                        ofMetric.stream()
                                                .filter(
                                                        x ->
                                                                x.labels().has(lv[0])
                                                                        && x.labels()
                                                                                .get(lv[0])
                                                                                .equals(lv[1]))
                                                .toList());
                        for (IndexSchema schema : List.of(start, prefix)) {
                            assertThat(
                                            ids(
                                                    s,
                                                    schema.readQueriesForMetricLabelValue(
                                                            from, through, user, metric, lv[0],
                                                            lv[1])))
                                    .as("%s=%s of %s, %s", lv[0], lv[1], metric, where)
                                    .isEqualTo(expected);
                        }
                    }
                }
                for (Series ser : present.subList(0, 12)) {
                    Set<String> all = f.chunksOf(ser, p, day, 0);
                    assertThat(all).as("chunks of %s in %s", ser.labels(), where).isNotEmpty();
                    assertThat(ids(s, start.chunksForSeries(from, through, user, ser.seriesId())))
                            .as("chunks of %s, %s", ser.labels(), where)
                            .isEqualTo(all);
                    long noon = from + 12 * SeriesStoreFixture.HOUR;
                    assertThat(ids(s, start.chunksForSeries(noon, through, user, ser.seriesId())))
                            .as("chunks of %s from noon, %s", ser.labels(), where)
                            .isEqualTo(f.chunksOf(ser, p, day, 12 * SeriesStoreFixture.HOUR));
                    for (String id : all) {
                        assertThat(ChunkRef.parse(user, id).fingerprint())
                                .isEqualTo(f.chunk(id).chunk().fingerprint());
                        checkedChunks++;
                    }
                    if (p.schema().hasLabelNamesIndex()) {
                        List<byte[][]> rows =
                                read(
                                        s,
                                        start.labelNamesForSeries(
                                                from, through, user, ser.seriesId()));
                        assertThat(rows)
                                .as("label-names rows of %s, %s", ser.labels(), where)
                                .hasSize(1);
                        assertThat(
                                        RangeValueParser.parseLabelNamesValue(
                                                rows.get(0)[0], rows.get(0)[1]))
                                .isEqualTo(ser.labels().without(Labels.METRIC_NAME).names());
                    } else {
                        assertThatThrownBy(
                                        () ->
                                                start.labelNamesForSeries(
                                                        from, through, user, ser.seriesId()))
                                .isInstanceOf(UnsupportedLookupException.class);
                    }
                }
            }
        }
        assertThat(checkedChunks).isGreaterThan(100);
        // Chunks starting in the v12 period were keyed in Loki's newer form.
        assertThat(
                        f.allChunks().stream()
                                .map(f::key)
                                .filter(k -> k.chars().filter(c -> c == '/').count() == 2))
                .isNotEmpty();
    }

    /**
     * The store's own reads over the same kind of data: chunks by matchers (with the set-match
     * shortcut, regular expressions, empty-matching filters and a query shard) across the schema
     * changes, label values and label names; exactly the oracle's chunk IDs, with the samples that
     * were written.
     */
    @Test
    default void storeQueriesAcrossSchemasMatchTheOracle(TestScope s) {
        SeriesStoreFixture f = SeriesStoreFixture.write(s, 80);
        long d = SeriesStoreFixture.DAY;
        long h = SeriesStoreFixture.HOUR;
        long t0 = SeriesStoreFixture.START;
        long[][] ranges = {
            {t0, SeriesStoreFixture.END},
            {t0 + 3 * d + 12 * h, t0 + 5 * d + 3 * h},
            {t0 + 6 * d + h, t0 + 7 * d},
            {t0 + d + 20 * h, t0 + 2 * d + 2 * h}
        };
        List<String> selectors =
                List.of(
                        "requests_total",
                        "requests_total{job=\"api\"}",
                        "requests_total{job=~\"api|db\"}",
                        "latency_seconds{job!~\"web|db\"}",
                        "latency_seconds{env=\"\"}",
                        "requests_total{env=~\"prod|dev\", instance!=\"i-0\"}",
                        "requests_total{tier=\"gold\"}",
                        "latency_seconds{job=~\"batch\\\\.worker\"}",
                        "requests_total{job=~\".*i\"}",
                        "requests_total{job=\"nope\"}");
        try (CompositeStore store = f.store()) {
            for (long[] r : ranges) {
                for (String selector : selectors) {
                    List<LabelMatcher> matchers = Selectors.parseMatchers(selector);
                    Set<String> got = new TreeSet<>();
                    for (Chunk c : store.get(s.userId(), r[0], r[1], matchers)) {
                        String key = store.externalKey(c);
                        assertThat(got.add(key)).as("chunk %s twice", key).isTrue();
                        assertThat(c.samples())
                                .as("samples of %s", key)
                                .isEqualTo(f.chunk(key).chunk().samples());
                    }
                    assertThat(got)
                            .as("%s [%d, %d]", selector, r[0], r[1])
                            .isEqualTo(f.expectedKeys(r[0], r[1], matchers));
                    Set<String> refs = new TreeSet<>();
                    store.chunkRefs(s.userId(), r[0], r[1], matchers)
                            .forEach(c -> refs.add(c.externalKey()));
                    assertThat(refs)
                            .as("refs of %s", selector)
                            .isEqualTo(
                                    f.expectedKeys(
                                            r[0],
                                            r[1],
                                            matchers.stream()
                                                    .filter(m -> !m.matches(""))
                                                    .toList()));
                }
                for (String metric : SeriesStoreFixture.METRICS) {
                    for (String label : List.of("job", "env", "tier", "instance")) {
                        assertThat(
                                        store.labelValuesForMetricName(
                                                s.userId(), r[0], r[1], metric, label))
                                .as("values of %s %s", metric, label)
                                .containsExactlyElementsOf(
                                        f.expectedLabelValues(r[0], r[1], metric, label));
                    }
                    assertThat(store.labelNamesForMetricName(s.userId(), r[0], r[1], metric))
                            .as("names of %s", metric)
                            .containsExactlyElementsOf(f.expectedLabelNames(r[0], r[1], metric));
                }
            }
            List<LabelMatcher> gold = Selectors.parseMatchers("requests_total{tier=\"gold\"}");
            assertThat(f.expectedKeys(t0, SeriesStoreFixture.END, gold)).isNotEmpty();
            // A query shard over the row-sharded periods (v10 on) reads only that shard's rows.
            long from = t0 + 2 * d;
            List<LabelMatcher> sharded =
                    Selectors.parseMatchers("requests_total{__cortex_shard__=\"3_of_16\"}");
            Set<String> got = new TreeSet<>();
            store.get(s.userId(), from, SeriesStoreFixture.END, sharded)
                    .forEach(c -> got.add(store.externalKey(c)));
            Set<String> expected = new TreeSet<>();
            for (Series ser : f.series) {
                if (ser.labels().metricName().equals("requests_total")
                        && SeriesId.of(ser.labels()).rowShard(16) == 3) {
                    expected.addAll(
                            f.expectedKeys(
                                    from,
                                    SeriesStoreFixture.END,
                                    List.of(
                                            LabelMatcher.equal(
                                                    "instance", ser.labels().get("instance")),
                                            LabelMatcher.equal("job", ser.labels().get("job")),
                                            LabelMatcher.equal(
                                                    Labels.METRIC_NAME, "requests_total"))));
                }
            }
            assertThat(got).as("shard 3 of 16").isEqualTo(expected);
        }
    }
}
