package io.chunkstore.cli;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkEncoding;
import io.chunkstore.core.chunk.Fingerprints;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.StoreBackends;
import io.chunkstore.spi.TableDesc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * An embedded store for {@code convert blocks} tests and its oracle: two tenants, three UTC days
 * across two schema periods (v9 then v11 from the second day), two metrics, each series written as
 * Cortex's three ingesters did: three replicas of every stretch, cut at different places so they
 * overlap, in Bigchunk and XOR encodings, with stale markers. The oracle is the generated samples,
 * kept independently of any reader.
 */
final class ConvertFixture {
    static final String FROM = "2024-03-04T00:00:00Z";
    static final String TO = "2024-03-07T00:00:00Z";
    static final long FROM_MS = Instant.parse(FROM).toEpochMilli();
    static final long TO_MS = Instant.parse(TO).toEpochMilli();
    static final long DAY = 86_400_000L;
    static final List<String> TENANTS = List.of("t1", "t2");
    static final String MATCH = "{__name__=~\"up|requests_total\"}";

    final Path dir;
    final Path config;
    final Path destDir;
    final Path destConfig;

    /** tenant -> series -> every sample in [FROM, TO), in time order. */
    final Map<String, Map<Labels, List<Sample>>> oracle = new LinkedHashMap<>();

    ConvertFixture(Path dir, int seriesPerMetric) {
        this.dir = dir;
        this.config =
                CliRun.write(
                        dir,
                        "cortex.yaml",
                        """
                        schema:
                          configs:
                            - from: 2024-01-01
                              store: local
                              schema: v9
                              index: {prefix: index_a}
                              chunks: {prefix: chunks_a}
                            - from: 2024-03-05
                              store: local
                              schema: v11
                              index: {prefix: index_b}
                              chunks: {prefix: chunks_b}
                        storage:
                          local: {directory: %s}
                        """
                                .formatted(dir.resolve("store")));
        this.destDir = dir.resolve("bucket");
        this.destConfig =
                CliRun.write(
                        dir,
                        "dest.yaml",
                        """
                        blocks_storage:
                          backend: filesystem
                          filesystem: {dir: %s}
                        """
                                .formatted(destDir));
        Random r = new Random(42);
        List<Chunk> chunks = new ArrayList<>();
        for (String tenant : TENANTS) {
            Map<Labels, List<Sample>> series = new TreeMap<>(Labels.ORDER);
            for (String metric : List.of("up", "requests_total")) {
                for (int i = 0; i < seriesPerMetric; i++) {
                    Labels l =
                            Labels.of(
                                    "__name__",
                                    metric,
                                    "instance",
                                    "host-" + i + (i == 1 ? "-ü\"q\\" : ""),
                                    "job",
                                    tenant.equals("t1") ? "api" : "db",
                                    "zone",
                                    "z" + (i % 3));
                    List<Sample> samples = samples(r, i);
                    series.put(l, samples);
                    chunks.addAll(replicas(tenant, l, samples, r));
                }
            }
            oracle.put(tenant, series);
        }
        ChunkstoreConfig cfg = ChunkstoreConfig.load(config);
        try (StoreBackends b = StoreBackends.open(cfg, null, null);
                CompositeStore store =
                        CompositeStore.builder(cfg.schemaConfig()).clients(b).build()) {
            for (String t : List.of("index_a", "chunks_a", "index_b", "chunks_b")) {
                b.tableClient("local").createTable(TableDesc.named(t));
            }
            chunks.forEach(store::put);
        }
    }

    /**
     * A series' samples over the three days (a few starting late, some with a gap), values of every
     * kind, a stale marker now and then.
     */
    private static List<Sample> samples(Random r, int i) {
        List<Sample> out = new ArrayList<>();
        long t = FROM_MS + (i % 4 == 1 ? DAY / 2 : 0) + r.nextInt(15_000);
        long end = TO_MS - (i % 5 == 2 ? DAY : 0);
        double v = 0;
        while (t < end) {
            if (i % 6 == 3 && t > FROM_MS + DAY + 3_600_000 && t < FROM_MS + DAY + 7_200_000) {
                t += 3_600_000; // a gap over an hour
                continue;
            }
            v =
                    r.nextInt(20) == 0
                            ? Double.longBitsToDouble(Sample.STALE_NAN_BITS)
                            : v + r.nextInt(100) / 4.0;
            if (Double.isNaN(v)) {
                out.add(new Sample(t, v));
                v = 0;
            } else {
                out.add(new Sample(t, i % 7 == 0 ? -v * 1e-9 : v));
            }
            t += 60_000 + r.nextInt(240_000);
        }
        return out;
    }

    /**
     * Three replicas of the series, each cut into chunks of its own lengths (so chunk boundaries,
     * and keys, differ and chunks overlap), replica 0 and 1 Bigchunk, replica 2 XOR.
     */
    private static List<Chunk> replicas(String tenant, Labels l, List<Sample> samples, Random r) {
        List<Chunk> out = new ArrayList<>();
        long fp = Fingerprints.fingerprint(l);
        for (int rep = 0; rep < 3; rep++) {
            ChunkEncoding enc = rep == 2 ? ChunkEncoding.PROMETHEUS_XOR : ChunkEncoding.BIGCHUNK;
            int i = 0;
            while (i < samples.size()) {
                int n = 20 + r.nextInt(200);
                int end = Math.min(samples.size(), i + n);
                // Replica 1 also repeats a few samples of the previous chunk: overlapping chunks.
                int start = rep == 1 && i > 0 ? Math.max(0, i - 5) : i;
                out.add(Chunk.fromSamples(tenant, fp, l, enc, samples.subList(start, end)));
                i = end;
            }
        }
        return out;
    }

    /** The oracle's samples of a tenant with time in [from, to). */
    Map<Labels, List<Sample>> oracle(String tenant, long from, long to) {
        Map<Labels, List<Sample>> out = new TreeMap<>(Labels.ORDER);
        oracle.get(tenant)
                .forEach(
                        (l, s) -> {
                            List<Sample> in =
                                    s.stream()
                                            .filter(
                                                    x ->
                                                            x.timestamp() >= from
                                                                    && x.timestamp() < to)
                                            .toList();
                            if (!in.isEmpty()) {
                                out.put(l, in);
                            }
                        });
        return out;
    }

    /** The block folders of a tenant in the destination (those with a meta.json). */
    List<Path> blocks(String tenant) {
        Path t = destDir.resolve(tenant);
        if (!Files.isDirectory(t)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(t)) {
            return s.filter(p -> Files.exists(p.resolve("meta.json"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A folder Prometheus and promtool open: the tenant's blocks side by side (flattened out of the
     * tenant prefix) and an empty wal/.
     */
    Path prometheusFolder(String tenant, Path target) throws IOException {
        Files.createDirectories(target.resolve("wal"));
        for (Path b : blocks(tenant)) {
            copyTree(b, target.resolve(b.getFileName().toString()));
        }
        return target;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path dst = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst);
                }
            }
        }
    }

    /** The convert blocks arguments for the whole fixture, plus {@code extra}. */
    String[] args(String... extra) {
        List<String> a =
                new ArrayList<>(
                        List.of(
                                "convert",
                                "blocks",
                                "--config",
                                config.toString(),
                                "--dest-config",
                                destConfig.toString(),
                                "--from",
                                FROM,
                                "--to",
                                TO,
                                "--user",
                                "t1",
                                "--user",
                                "t2",
                                "--match",
                                MATCH,
                                "--work-dir",
                                dir.resolve("work").toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }
}
