package io.chunkstore.core.testing;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.KeyFormat;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodRange;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.schema.SeriesId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Generated series with chunks over a time span, and a brute-force oracle over them: which chunks,
 * label values and label names a store must answer for a query, computed from the generated data
 * alone (Cortex's semantics: matchers see an absent label as "", chunks overlap the range, label
 * rows exist per series per day bucket of each chunk).
 */
public final class SeriesData {
    public static final long DAY = 86_400_000L;
    public static final long HOUR = 3_600_000L;

    /** One generated series with its chunks. */
    public record Series(Labels labels, List<ChunkCodec.Encoded> chunks) {}

    private final SchemaConfig schema;
    private final String user;
    private final List<Series> series;
    private final Map<String, ChunkCodec.Encoded> byKey = new LinkedHashMap<>();

    private SeriesData(SchemaConfig schema, String user, List<Series> series) {
        this.schema = schema;
        this.user = user;
        this.series = series;
        for (Series s : series) {
            for (ChunkCodec.Encoded c : s.chunks) {
                byKey.put(key(c), c);
            }
        }
    }

    /**
     * {@code count} series of two metrics with labels job (5 values), instance (count/10 values),
     * env (absent for a third), path (with regex metacharacters, on every seventh series); each has
     * consecutive chunks of 2-14 hours with small gaps from {@code from} to {@code through}, 5-40
     * samples each.
     */
    public static SeriesData generate(
            SchemaConfig schema, String user, int count, long from, long through, long seed) {
        Random rnd = new Random(seed);
        String[] metrics = {"cpu_usage", "mem_bytes"};
        String[] jobs = {"api", "web", "db", "cache", "batch.worker"};
        String[] paths = {"a.b|c", "x\\y", "/var/log", "é"};
        List<Series> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<String> kv =
                    new ArrayList<>(
                            List.of(
                                    Labels.METRIC_NAME,
                                    metrics[i % 2],
                                    "job",
                                    jobs[i % 5],
                                    "instance",
                                    "inst-" + (i / 10)));
            if (i % 3 != 0) {
                kv.addAll(List.of("env", (i / 3) % 2 == 0 ? "prod" : "dev"));
            }
            if (i % 7 == 0) {
                kv.addAll(List.of("path", paths[(i / 14) % paths.length]));
            }
            Labels labels = Labels.of(kv.toArray(String[]::new));
            List<ChunkCodec.Encoded> chunks = new ArrayList<>();
            long t = from + (long) rnd.nextInt((int) (3 * HOUR));
            while (t < through) {
                long len = 2 * HOUR + (long) (rnd.nextDouble() * 12 * HOUR);
                long end = Math.min(through, t + len);
                int n = 5 + rnd.nextInt(36);
                List<Sample> samples = new ArrayList<>(n);
                long step = Math.max(1, (end - t) / Math.max(1, n - 1));
                for (int k = 0; k < n; k++) {
                    long ts = Math.min(end, t + k * step);
                    if (!samples.isEmpty() && samples.get(samples.size() - 1).timestamp() == ts) {
                        break;
                    }
                    samples.add(new Sample(ts, rnd.nextGaussian() * 100));
                }
                chunks.add(ChunkCodec.encode(Chunk.fromSamples(user, labels, samples)));
                t = end + 1 + (long) rnd.nextInt(30 * 60_000);
            }
            out.add(new Series(labels, chunks));
        }
        return new SeriesData(schema, user, out);
    }

    public String user() {
        return user;
    }

    public List<Series> series() {
        return series;
    }

    public List<ChunkCodec.Encoded> allChunks() {
        return new ArrayList<>(byKey.values());
    }

    /** The key a store writes a chunk under (v12 form when the period owning its from is v12+). */
    public String key(ChunkCodec.Encoded c) {
        return c.externalKey(
                schema.isV12OrLater(c.chunk().from()) ? KeyFormat.V12 : KeyFormat.CURRENT);
    }

    public ChunkCodec.Encoded chunk(String key) {
        return byKey.get(key);
    }

    /** The keys of the chunks of matching series that overlap {@code [from, through]}. */
    public Set<String> expectedKeys(
            long from, long through, List<LabelMatcher> matchers, Integer rowShard, int rowShards) {
        Set<String> out = new TreeSet<>();
        for (Series s : series) {
            if (!matches(s.labels, matchers)) {
                continue;
            }
            if (rowShard != null && SeriesId.of(s.labels).rowShard(rowShards) != rowShard) {
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

    private static boolean matches(Labels labels, List<LabelMatcher> matchers) {
        for (LabelMatcher m : matchers) {
            if (m.name().equals("__cortex_shard__")) {
                continue;
            }
            if (!m.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the series has label rows read by a query of {@code [from, through]}: some chunk of
     * it is indexed in a (period, day bucket) the query reads.
     */
    private boolean inBuckets(Series s, long from, long through) {
        Set<String> query = buckets(from, through);
        for (ChunkCodec.Encoded c : s.chunks) {
            for (String b : buckets(c.chunk().from(), c.chunk().through())) {
                if (query.contains(b)) {
                    return true;
                }
            }
        }
        return false;
    }

    private Set<String> buckets(long from, long through) {
        Set<String> out = new HashSet<>();
        for (PeriodRange r : schema.split(from, through)) {
            long size = r.period().schema().bucketMillis();
            for (long d = (r.fromMs() / 1000) / (size / 1000);
                    d <= (r.throughMs() / 1000) / (size / 1000);
                    d++) {
                out.add(r.period().from() + "/" + d);
            }
        }
        return out;
    }

    /**
     * The values of {@code label} among series of the metric with label rows in the range's
     * buckets.
     */
    public Set<String> expectedLabelValues(long from, long through, String metric, String label) {
        Set<String> out = new TreeSet<>();
        for (Series s : series) {
            if (s.labels.metricName().equals(metric)
                    && s.labels.has(label)
                    && inBuckets(s, from, through)) {
                out.add(s.labels.get(label));
            }
        }
        return out;
    }

    /**
     * Label names: in periods with label-names rows (v11+) the names of series with label rows in
     * the period's buckets; below v11 the names of series with a chunk overlapping the period's
     * part of the range.
     */
    public Set<String> expectedLabelNames(long from, long through, String metric) {
        Set<String> out = new TreeSet<>();
        for (PeriodRange r : schema.split(from, through)) {
            PeriodConfig p = r.period();
            for (Series s : series) {
                if (!s.labels.metricName().equals(metric)) {
                    continue;
                }
                boolean present;
                if (p.schema().hasLabelNamesIndex()) {
                    present = inBuckets(s, r.fromMs(), r.throughMs());
                } else {
                    present =
                            s.chunks.stream()
                                    .anyMatch(
                                            c ->
                                                    c.chunk().through() >= r.fromMs()
                                                            && c.chunk().from() <= r.throughMs());
                }
                if (present) {
                    out.addAll(s.labels.names());
                }
            }
        }
        return out;
    }
}
