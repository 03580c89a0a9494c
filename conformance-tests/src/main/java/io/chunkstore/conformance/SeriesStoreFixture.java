package io.chunkstore.conformance;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.KeyFormat;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodRange;
import io.chunkstore.core.config.PeriodicTableConfig;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.schema.SeriesId;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.PeriodClientResolver;
import io.chunkstore.core.store.PeriodClients;
import io.chunkstore.core.tables.TableManager;
import io.chunkstore.core.tables.TableManagerConfig;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.TableDesc;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The data of the series-store contract and its oracle: a schema config of four periods (v9, v10,
 * v11, v12, two days each, sharing one index and one chunk table prefix, as an upgraded cluster
 * does), series with chunks over the eight days, written through core's store; and, from the
 * generated data alone, which series IDs, chunk IDs, label values and names each read must find.
 */
final class SeriesStoreFixture {
    static final long DAY = 86_400_000L;
    static final long HOUR = 3_600_000L;
    static final LocalDate D0 = LocalDate.of(2020, 2, 3);
    static final long START = D0.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    static final long END = START + 8 * DAY;
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(END + DAY), ZoneOffset.UTC);
    static final String[] METRICS = {"requests_total", "latency_seconds"};
    static final String[] JOBS = {"api", "web", "db", "batch.worker"};

    /** One series and its chunks. */
    record Series(Labels labels, String seriesId, List<ChunkCodec.Encoded> chunks) {}

    final TestScope scope;
    final SchemaConfig schema;
    final List<Series> series;
    final Map<String, ChunkCodec.Encoded> byKey = new LinkedHashMap<>();

    private SeriesStoreFixture(TestScope scope, SchemaConfig schema, List<Series> series) {
        this.scope = scope;
        this.schema = schema;
        this.series = series;
        for (Series s : series) {
            for (ChunkCodec.Encoded c : s.chunks) {
                byKey.put(key(c), c);
            }
        }
    }

    /** The schema config: v9, v10, v11, v12 from D0, D0+2, D0+4, D0+6, tables of one week. */
    static SchemaConfig schema(TestScope s) {
        String index = s.uniqueTableName() + "_";
        String chunks = s.uniqueTableName() + "_";
        List<PeriodConfig> periods = new ArrayList<>();
        SchemaVersion[] versions = {
            SchemaVersion.V9, SchemaVersion.V10, SchemaVersion.V11, SchemaVersion.V12
        };
        for (int i = 0; i < versions.length; i++) {
            periods.add(
                    new PeriodConfig(
                            D0.plusDays(2L * i),
                            s.storeName(),
                            s.storeName(),
                            versions[i],
                            PeriodicTableConfig.of(index, Duration.ofDays(7)),
                            PeriodicTableConfig.of(chunks, Duration.ofDays(7)),
                            0));
        }
        return SchemaConfig.of(periods);
    }

    /**
     * Generates {@code count} series with chunks over the eight days and writes them through a
     * store on the backend, after creating the schema's tables with the table manager (when the
     * backend has tables).
     */
    static SeriesStoreFixture write(TestScope s, int count) {
        return write(s, schema(s), s.userId(), count, true);
    }

    /**
     * Another tenant's series in this fixture's tables: the same labels as this fixture's first
     * {@code count} series (so rows keyed by the series alone are shared), other samples.
     */
    SeriesStoreFixture alsoFor(String user, int count) {
        return write(scope, schema, user, count, false);
    }

    private static SeriesStoreFixture write(
            TestScope s, SchemaConfig schema, String user, int count, boolean createTables) {
        SeriesStoreFixture f = new SeriesStoreFixture(s, schema, generate(s.random(), user, count));
        if (createTables && s.has(Feature.TABLES)) {
            TableManager tm =
                    TableManager.builder(TableManagerConfig.DEFAULT, schema, s.tables())
                            .clock(CLOCK)
                            .build();
            for (TableDesc t : tm.expectedTables()) {
                s.dropAfterTest(t.name());
            }
            tm.sync();
        }
        try (CompositeStore store = f.store()) {
            List<ChunkCodec.Encoded> all = f.allChunks();
            int single = Math.min(20, all.size());
            for (ChunkCodec.Encoded c : all.subList(0, single)) {
                store.putOne(c.chunk().from(), c.chunk().through(), c);
            }
            for (int i = single; i < all.size(); i += 200) {
                store.put(all.subList(i, Math.min(all.size(), i + 200)));
            }
        }
        return f;
    }

    /** A store over the backend under test (close it when done). */
    CompositeStore store() {
        return CompositeStore.builder(schema)
                .clock(CLOCK)
                .clients(PeriodClientResolver.of(new PeriodClients(scope.index(), scope.chunks())))
                .build();
    }

    private static List<Series> generate(Random rnd, String user, int count) {
        List<Series> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            List<String> kv =
                    new ArrayList<>(
                            List.of(
                                    Labels.METRIC_NAME,
                                    METRICS[i % 2],
                                    "job",
                                    JOBS[(i / 2) % 4],
                                    "instance",
                                    "i-" + (i / 8)));
            if (i % 3 != 0) {
                kv.addAll(List.of("env", (i / 3) % 2 == 0 ? "prod" : "dev"));
            }
            if (i % 10 == 0) {
                kv.addAll(List.of("tier", "gold"));
            }
            Labels labels = Labels.of(kv.toArray(String[]::new));
            List<ChunkCodec.Encoded> chunks = new ArrayList<>();
            long t = START + (long) (rnd.nextDouble() * 2 * HOUR);
            while (t < END - HOUR) {
                long through =
                        Math.min(END - HOUR, t + 3 * HOUR + (long) (rnd.nextDouble() * 9 * HOUR));
                if (through % DAY == 0) {
                    through--;
                }
                int n = 3 + rnd.nextInt(8);
                List<Sample> samples = new ArrayList<>(n);
                for (int k = 0; k < n; k++) {
                    samples.add(
                            new Sample(
                                    k == n - 1 ? through : t + k * ((through - t) / n),
                                    rnd.nextDouble()));
                }
                chunks.add(ChunkCodec.encode(Chunk.fromSamples(user, labels, samples)));
                t = through + 1 + (long) (rnd.nextDouble() * HOUR);
            }
            out.add(new Series(labels, SeriesId.of(labels).value(), chunks));
        }
        return out;
    }

    /** The series ID of a series of this fixture. */
    String seriesIdOf(Labels labels) {
        return io.chunkstore.core.schema.SeriesId.of(labels).value();
    }

    List<ChunkCodec.Encoded> allChunks() {
        return new ArrayList<>(byKey.values());
    }

    /** The key a store writes a chunk under: Loki's v12 form when its from is in the v12 period. */
    String key(ChunkCodec.Encoded c) {
        return c.externalKey(
                schema.isV12OrLater(c.chunk().from()) ? KeyFormat.V12 : KeyFormat.CURRENT);
    }

    ChunkCodec.Encoded chunk(String key) {
        return byKey.get(key);
    }

    /**
     * The day buckets {@code [from, through]} covers within period {@code p}, as (period from, day)
     * keys.
     */
    private Set<String> buckets(long from, long through) {
        Set<String> out = new HashSet<>();
        for (PeriodRange r : schema.split(from, through)) {
            for (long d = r.fromMs() / DAY; d <= r.throughMs() / DAY; d++) {
                out.add(r.period().from() + "/" + d);
            }
        }
        return out;
    }

    private static String bucket(PeriodConfig p, long day) {
        return p.from() + "/" + day;
    }

    /** Whether the chunk has index entries in day bucket {@code day} of period {@code p}. */
    boolean indexedIn(ChunkCodec.Encoded c, PeriodConfig p, long day) {
        return buckets(c.chunk().from(), c.chunk().through()).contains(bucket(p, day));
    }

    /** The series with label rows in that bucket. */
    List<Series> seriesIn(PeriodConfig p, long day) {
        return series.stream()
                .filter(s -> s.chunks.stream().anyMatch(c -> indexedIn(c, p, day)))
                .toList();
    }

    /**
     * The chunk keys of a series' entries in that bucket whose bucket-relative through is at least
     * relFrom.
     */
    Set<String> chunksOf(Series s, PeriodConfig p, long day, long relFrom) {
        Set<String> out = new TreeSet<>();
        PeriodRange part =
                schema.split(day * DAY, day * DAY + DAY - 1).stream()
                        .filter(r -> r.period().equals(p))
                        .findFirst()
                        .orElseThrow();
        for (ChunkCodec.Encoded c : s.chunks) {
            if (!indexedIn(c, p, day)) {
                continue;
            }
            long clippedThrough = Math.min(c.chunk().through(), part.throughMs());
            long relThrough = Math.min(DAY, clippedThrough - day * DAY);
            if (relThrough >= relFrom) {
                out.add(key(c));
            }
        }
        return out;
    }

    /**
     * The keys of chunks of series matching every matcher (shard matchers aside) that overlap the
     * range.
     */
    Set<String> expectedKeys(long from, long through, List<LabelMatcher> matchers) {
        Set<String> out = new TreeSet<>();
        for (Series s : series) {
            if (!matchers.stream().allMatch(m -> m.matches(s.labels))) {
                continue;
            }
            for (ChunkCodec.Encoded c : s.chunks) {
                if (c.chunk().through() >= from && c.chunk().from() <= through) {
                    out.add(key(c));
                }
            }
        }
        return out;
    }

    /** Label values: series of the metric with label rows in the range's buckets. */
    Set<String> expectedLabelValues(long from, long through, String metric, String label) {
        Set<String> query = buckets(from, through);
        Set<String> out = new TreeSet<>();
        for (Series s : series) {
            if (!s.labels.metricName().equals(metric) || !s.labels.has(label)) {
                continue;
            }
            if (s.chunks.stream()
                    .anyMatch(
                            c ->
                                    buckets(c.chunk().from(), c.chunk().through()).stream()
                                            .anyMatch(query::contains))) {
                out.add(s.labels.get(label));
            }
        }
        return out;
    }

    /**
     * Label names: v11+ from label rows in the period's buckets, v9/v10 from chunks overlapping the
     * period part.
     */
    Set<String> expectedLabelNames(long from, long through, String metric) {
        Set<String> out = new TreeSet<>();
        for (PeriodRange r : schema.split(from, through)) {
            Set<String> query = buckets(r.fromMs(), r.throughMs());
            for (Series s : series) {
                if (!s.labels.metricName().equals(metric)) {
                    continue;
                }
                boolean present =
                        r.period().schema().hasLabelNamesIndex()
                                ? s.chunks.stream()
                                        .anyMatch(
                                                c ->
                                                        buckets(
                                                                        c.chunk().from(),
                                                                        c.chunk().through())
                                                                .stream()
                                                                .anyMatch(query::contains))
                                : s.chunks.stream()
                                        .anyMatch(
                                                c ->
                                                        c.chunk().through() >= r.fromMs()
                                                                && c.chunk().from()
                                                                        <= r.throughMs());
                if (present) {
                    out.addAll(s.labels.names());
                }
            }
        }
        return out;
    }
}
