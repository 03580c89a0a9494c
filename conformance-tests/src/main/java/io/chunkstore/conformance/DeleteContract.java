package io.chunkstore.conformance;

import static io.chunkstore.conformance.SeriesStoreFixture.CLOCK;
import static io.chunkstore.conformance.SeriesStoreFixture.DAY;
import static io.chunkstore.conformance.SeriesStoreFixture.END;
import static io.chunkstore.conformance.SeriesStoreFixture.HOUR;
import static io.chunkstore.conformance.SeriesStoreFixture.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodRange;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.purge.PurgeRequest;
import io.chunkstore.core.purge.PurgeSummary;
import io.chunkstore.core.purge.Purger;
import io.chunkstore.core.schema.IndexSchema;
import io.chunkstore.core.schema.IndexSchemas;
import io.chunkstore.core.schema.RangeValueParser;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexScan;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code chunkstore delete} on the backend (core's {@link Purger}; issue 19): after deleting a
 * selector's series in a range that cuts through chunks (rewritten without the deleted samples)
 * over schemas v9-v12, the store answers every query as if the deleted samples had never been
 * written (samples, label values, compared with an oracle computed from the generated data), and
 * the index holds no entry of a removed chunk nor a label row of a series left without chunks in
 * its bucket, and the chunk store none of the removed chunks. Deleting a tenant removes every row
 * and chunk of it and nothing of another tenant with the same series. Index scans (the tenant
 * delete's listing) return exactly the rows of a prefix.
 */
@RequiresFeature({Feature.INDEX, Feature.CHUNKS, Feature.CHUNK_DELETE})
public interface DeleteContract extends BackendContract {

    /** Series label text to its samples, for the series with any sample in {@code [a, b]}. */
    private static Map<String, List<Sample>> samples(List<Chunk> chunks, long a, long b) {
        Map<String, List<Sample>> out = new TreeMap<>();
        for (Chunk c : chunks) {
            for (Sample x : c.samples()) {
                if (x.timestamp() >= a && x.timestamp() <= b) {
                    out.computeIfAbsent(c.labels().toString(), k -> new ArrayList<>()).add(x);
                }
            }
        }
        out.values().forEach(l -> l.sort((x, y) -> Long.compare(x.timestamp(), y.timestamp())));
        return out;
    }

    private static boolean matches(Labels labels, List<LabelMatcher> matchers) {
        for (LabelMatcher m : matchers) {
            if (!m.matches(labels.has(m.name()) ? labels.get(m.name()) : "")) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> ids(TestScope s, List<IndexQuery> queries) {
        Set<String> out = Collections.synchronizedSet(new TreeSet<>());
        s.index()
                .queryPages(
                        queries,
                        (q, page) -> {
                            ReadBatch.ReadBatchIterator it = page.iterator();
                            while (it.next()) {
                                out.add(
                                        RangeValueParser.parseChunkTimeRangeValue(
                                                        it.rangeValue(), it.value())
                                                .id());
                            }
                            return true;
                        });
        return new TreeSet<>(out);
    }

    private static void assertGone(TestScope s, ChunkLocation l) {
        assertThatThrownBy(() -> s.chunks().getChunks(List.of(l)))
                .as("chunk %s", l.key())
                .isInstanceOfSatisfying(
                        ChunkFetchException.class,
                        e ->
                                assertThat(e.failures().get(l.key()))
                                        .isInstanceOf(ChunkNotFoundException.class));
    }

    /**
     * Deletes {@code requests_total{job=~"api|db"}} from day 1 05:00 to day 5 07:00 (through the
     * v9, v10, v11 periods, cutting chunks at both ends) and checks the store against the oracle.
     */
    @Test
    default void deleteSeriesThenTheStoreAnswersAsIfTheyHadNeverBeenWritten(TestScope s) {
        SeriesStoreFixture f = SeriesStoreFixture.write(s, 48);
        String user = s.userId();
        long from = START + DAY + 5 * HOUR;
        long to = START + 5 * DAY + 7 * HOUR;
        String selector = "requests_total{job=~\"api|db\"}";
        List<LabelMatcher> matchers = Selectors.parseMatchers(selector);
        PurgeSummary summary;
        try (CompositeStore store = f.store()) {
            summary =
                    Purger.builder(store)
                            .clock(CLOCK)
                            .build()
                            .deleteSeries(
                                    new PurgeRequest(user, selector, matchers, from, to, false));
        }
        assertThat(summary.failures()).isEmpty();
        assertThat(summary.chunksDeleted()).isPositive();
        assertThat(summary.chunksRewritten()).isPositive();

        // The oracle: each chunk's samples without the deleted ones; a chunk's remaining range.
        List<Chunk> remaining = new ArrayList<>();
        List<ChunkCodec.Encoded> removed = new ArrayList<>();
        for (ChunkCodec.Encoded e : f.allChunks()) {
            Chunk c = e.chunk();
            if (!matches(c.labels(), matchers) || c.through() < from || c.from() >= to) {
                remaining.add(c);
                continue;
            }
            List<Sample> kept = new ArrayList<>();
            for (Sample x : c.samples()) {
                if (x.timestamp() < from || x.timestamp() >= to) {
                    kept.add(x);
                }
            }
            if (kept.size() == c.samples().size()) {
                remaining.add(c);
                continue;
            }
            removed.add(e);
            if (!kept.isEmpty()) {
                remaining.add(Chunk.fromSamples(user, c.labels(), kept));
            }
        }
        assertThat(removed).isNotEmpty();

        try (CompositeStore store = f.store()) {
            long[][] ranges = {
                {START, END},
                {from - 3 * HOUR, from + 3 * HOUR},
                {to - 2 * HOUR, to + 2 * HOUR},
                {from + DAY, from + DAY + 2 * HOUR},
                {START + 6 * DAY, END}
            };
            for (String metric : SeriesStoreFixture.METRICS) {
                for (String sel :
                        List.of(metric, metric + "{job=\"api\"}", metric + "{env=\"prod\"}")) {
                    List<LabelMatcher> q = Selectors.parseMatchers(sel);
                    for (long[] r : ranges) {
                        List<Chunk> expected =
                                remaining.stream().filter(c -> matches(c.labels(), q)).toList();
                        assertThat(samples(store.get(user, r[0], r[1], q), r[0], r[1]))
                                .as("%s over [%d, %d]", sel, r[0], r[1])
                                .isEqualTo(samples(expected, r[0], r[1]));
                    }
                }
                // Label values read label rows: a series is there when a remaining chunk is
                // indexed in a bucket of the range.
                for (long[] r : ranges) {
                    Set<String> jobs = new TreeSet<>();
                    for (Chunk c : remaining) {
                        if (c.labels().metricName().equals(metric)
                                && c.from() / DAY <= r[1] / DAY
                                && c.through() / DAY >= r[0] / DAY) {
                            jobs.add(c.labels().get("job"));
                        }
                    }
                    assertThat(store.labelValuesForMetricName(user, r[0], r[1], metric, "job"))
                            .as("job values of %s over [%d, %d]", metric, r[0], r[1])
                            .containsExactlyElementsOf(jobs);
                }
            }
        }

        // Nothing of the removed chunks is left: no object, no chunk entry, and no label row of a
        // series in a bucket where none of its chunks remains.
        for (ChunkCodec.Encoded e : removed) {
            String key = f.key(e);
            assertGone(s, new ChunkLocation(key, f.schema.chunkTableFor(e.chunk().from())));
            for (PeriodRange pr : f.schema.split(e.chunk().from(), e.chunk().through())) {
                IndexSchema schema = IndexSchemas.forPeriod(pr.period());
                String series = f.seriesIdOf(e.chunk().labels());
                assertThat(
                                ids(
                                        s,
                                        schema.chunksForSeries(
                                                pr.fromMs(), pr.throughMs(), user, series)))
                        .as("chunk rows of %s", series)
                        .doesNotContain(key);
                for (long day = pr.fromMs() / DAY; day <= pr.throughMs() / DAY; day++) {
                    long d = day;
                    boolean left =
                            remaining.stream()
                                    .anyMatch(
                                            c ->
                                                    c.labels().equals(e.chunk().labels())
                                                            && c.from() / DAY <= d
                                                            && c.through() / DAY >= d);
                    Set<String> inMetricRow =
                            ids(
                                    s,
                                    schema.readQueriesForMetric(
                                            Math.max(pr.fromMs(), d * DAY),
                                            Math.min(pr.throughMs(), d * DAY + DAY - 1),
                                            user,
                                            e.chunk().labels().metricName()));
                    if (left) {
                        assertThat(inMetricRow).contains(series);
                    } else {
                        assertThat(inMetricRow)
                                .as("series row of %s on day %d", series, d)
                                .doesNotContain(series);
                    }
                }
            }
        }
    }

    /**
     * Deletes a tenant whose series another tenant also has (same labels, so the v11+ label-names
     * rows are shared): nothing of the first remains in any table (listed by scan), the second
     * tenant's answers are unchanged.
     */
    @Test
    @RequiresFeature(Feature.INDEX_SCAN)
    default void deleteTenantRemovesEveryRowAndChunkOfItAndNothingElse(TestScope s) {
        SeriesStoreFixture f = SeriesStoreFixture.write(s, 24);
        String other = s.userId() + "-other";
        SeriesStoreFixture g = f.alsoFor(other, 12);
        Map<String, Set<String>> before = new TreeMap<>();
        try (CompositeStore store = f.store()) {
            for (String metric : SeriesStoreFixture.METRICS) {
                before.put(
                        metric,
                        keys(store.get(other, START, END, Selectors.parseMatchers(metric))));
            }
            PurgeSummary summary =
                    Purger.builder(store).clock(CLOCK).build().deleteTenant(s.userId());
            assertThat(summary.failures()).isEmpty();
            assertThat(summary.chunksDeleted()).isEqualTo(f.allChunks().size());
            for (String metric : SeriesStoreFixture.METRICS) {
                assertThat(store.get(s.userId(), START, END, Selectors.parseMatchers(metric)))
                        .isEmpty();
                assertThat(keys(store.get(other, START, END, Selectors.parseMatchers(metric))))
                        .isEqualTo(before.get(metric));
                assertThat(store.labelNamesForMetricName(other, START, END, metric))
                        .contains("job", "instance");
            }
        }
        for (ChunkCodec.Encoded e : f.allChunks()) {
            assertGone(s, new ChunkLocation(f.key(e), f.schema.chunkTableFor(e.chunk().from())));
        }
        for (PeriodConfig p : f.schema.periods()) {
            IndexSchema schema = IndexSchemas.forPeriod(p);
            for (String table : p.index().tablesFor(START, END)) {
                List<String> left = new ArrayList<>();
                s.index()
                        .scan(
                                table,
                                "",
                                page -> {
                                    for (IndexEntry e : page) {
                                        if (schema.isTenantRow(
                                                e.hashValue(),
                                                s.userId(),
                                                START - DAY,
                                                END + DAY)) {
                                            left.add(e.hashValue());
                                        }
                                    }
                                    return true;
                                });
                assertThat(left).as("rows of the deleted tenant in %s", table).isEmpty();
            }
        }
        assertThat(g.allChunks()).isNotEmpty();
    }

    private static Set<String> keys(List<Chunk> chunks) {
        Set<String> out = new TreeSet<>();
        chunks.forEach(c -> out.add(c.labels() + "@" + c.from() + "-" + c.through()));
        return out;
    }

    /** A scan by prefix lists exactly those rows, a scan with "" the whole table. */
    @Test
    @RequiresFeature(Feature.INDEX_SCAN)
    default void scanListsTheRowsOfAPrefixOrTheWholeTable(TestScope s) {
        String table = s.newTable();
        WriteBatch batch = s.index().newWriteBatch();
        List<String> hashes = List.of("a:1", "a:2", "ab:1", "b:1", "a");
        for (String h : hashes) {
            for (String r : List.of("r2", "r1", "r3")) {
                batch.add(
                        table,
                        h,
                        r.getBytes(StandardCharsets.UTF_8),
                        (h + "/" + r).getBytes(StandardCharsets.UTF_8));
            }
        }
        s.index().batchWrite(batch);
        assertThat(s.index().scanMode()).isNotEqualTo(IndexScan.Mode.NONE);
        assertThat(scanned(s, table, "a:"))
                .containsExactly(
                        "a:1 r1 a:1/r1",
                        "a:1 r2 a:1/r2",
                        "a:1 r3 a:1/r3",
                        "a:2 r1 a:2/r1",
                        "a:2 r2 a:2/r2",
                        "a:2 r3 a:2/r3");
        assertThat(scanned(s, table, "")).hasSize(15);
        assertThat(scanned(s, table, "c")).isEmpty();
    }

    /** The entries a scan returns, as {@code hash range value}; rows sorted, ranges in order. */
    private static List<String> scanned(TestScope s, String table, String prefix) {
        Map<String, List<String>> rows = new TreeMap<>();
        s.index()
                .scan(
                        table,
                        prefix,
                        page -> {
                            for (IndexEntry e : page) {
                                assertThat(e.tableName()).isEqualTo(table);
                                rows.computeIfAbsent(e.hashValue(), h -> new ArrayList<>())
                                        .add(
                                                e.hashValue()
                                                        + " "
                                                        + new String(
                                                                e.rangeValue(),
                                                                StandardCharsets.UTF_8)
                                                        + " "
                                                        + new String(
                                                                e.value(), StandardCharsets.UTF_8));
                            }
                            return true;
                        });
        List<String> out = new ArrayList<>();
        rows.values().forEach(out::addAll);
        return out;
    }
}
