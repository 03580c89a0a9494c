package io.chunkstore.server.prom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.ChunkEncoding;
import io.chunkstore.core.chunk.Fingerprints;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.chunk.SampleIterator;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.read.ReadLimits;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.PeriodClientResolver;
import io.chunkstore.core.store.PeriodClients;
import io.chunkstore.grpc.GrpcStoreClient;
import io.chunkstore.server.ChunkstoreServer;
import io.chunkstore.server.PromApiMount;
import io.chunkstore.server.ServeSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A generated store for the Prometheus API tests, with what it holds kept independently of the read
 * path: two tenants; counters with resets (Bigchunk and PrometheusXorChunk chunks, one series
 * written twice with different chunk cuts, as replicas), histogram buckets, a gauge with a stale
 * marker and a gap, and the 24 Cortex v1.13.2 chunks of testdata/golden/cortex-encodings
 * (DoubleDelta, one of them stored as Delta, and Varbit) moved to recent times by shifting their
 * headers' base times, every other bit as Cortex wrote it. The data spans 26 hours before now over
 * two schema periods (v10 until the last midnight at least 2 h ago, v11 from there), so a
 * Prometheus that keeps recent data (the oracle, fed by remote write) can hold the same samples.
 */
final class PromTestStore {
    static final String TENANT = "team-a";
    static final String OTHER_TENANT = "team-b";
    static final long STEP = 30_000;
    static final String[] LE = {"0.1", "0.5", "1", "5", "+Inf"};

    final long start;
    final long end;
    final long boundary;

    /** Tenant to series to time to raw value bits: what a reader must return. */
    final Map<String, Map<Labels, TreeMap<Long, Long>>> expected = new LinkedHashMap<>();

    final List<Chunk> chunks = new ArrayList<>();

    PromTestStore(long now) {
        this.end = (now - 120_000) / STEP * STEP;
        this.start = end - 26 * 3_600_000L;
        this.boundary =
                Instant.ofEpochMilli(now - 2 * 3_600_000L)
                        .atZone(ZoneOffset.UTC)
                        .truncatedTo(ChronoUnit.DAYS)
                        .toInstant()
                        .toEpochMilli();
        generate();
    }

    /** The schema: v10 until {@link #boundary}, v11 after, both in the embedded local store. */
    String schemaYaml(Path dir) {
        String first = Instant.ofEpochMilli(start - 2 * 86_400_000L).toString().substring(0, 10);
        String second = Instant.ofEpochMilli(boundary).toString().substring(0, 10);
        return """
                schema:
                  configs:
                    - from: %s
                      store: local
                      object_store: local
                      schema: v10
                      index: {prefix: index_, period: 24h}
                      chunks: {prefix: chunks_, period: 24h}
                    - from: %s
                      store: local
                      object_store: local
                      schema: v11
                      index: {prefix: index11_, period: 24h}
                      chunks: {prefix: chunks11_, period: 24h}
                storage:
                  local:
                    directory: %s
                """
                .formatted(first, second, dir);
    }

    /** Starts serve over a new embedded store in {@code dir} and writes the chunks through it. */
    ChunkstoreServer serve(Path dir, PromApiConfig api) {
        ChunkstoreConfig config = ChunkstoreConfig.parse(schemaYaml(dir), "prom-test.yaml");
        ServeSettings settings =
                ServeSettings.of(
                                config,
                                new InetSocketAddress("127.0.0.1", 0),
                                new InetSocketAddress("127.0.0.1", 0))
                        .withLazyTables(true)
                        .withMounts(List.of(new PromApiMount(api)));
        ChunkstoreServer server = ChunkstoreServer.start(settings);
        try (GrpcStoreClient client =
                        GrpcStoreClient.builder("127.0.0.1:" + server.grpcPort()).build();
                CompositeStore writer =
                        CompositeStore.builder(config.schemaConfig())
                                .clients(
                                        PeriodClientResolver.of(
                                                new PeriodClients(
                                                        client.indexClient(),
                                                        client.chunkClient())))
                                .build()) {
            for (Chunk c : chunks) {
                writer.put(c);
            }
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    static PromApiConfig api() {
        return PromApiConfig.DEFAULT.withLimits(ReadLimits.DEFAULT);
    }

    private void generate() {
        Random rnd = new Random(17);
        for (String tenant : List.of(TENANT, OTHER_TENANT)) {
            double scale = tenant.equals(TENANT) ? 1 : 10;
            for (int inst = 0; inst < 3; inst++) {
                for (String code : List.of("200", "500")) {
                    Labels l =
                            Labels.of(
                                    "__name__",
                                    "http_requests_total",
                                    "job",
                                    "api",
                                    "instance",
                                    "i" + inst,
                                    "code",
                                    code);
                    List<Sample> s = counter(rnd, scale * (code.equals("200") ? 5 : 0.5), true);
                    ChunkEncoding enc =
                            code.equals("500")
                                    ? ChunkEncoding.PROMETHEUS_XOR
                                    : ChunkEncoding.BIGCHUNK;
                    add(tenant, l, s, enc, 240, 0);
                    if (inst == 0) {
                        add(
                                tenant,
                                l,
                                s,
                                ChunkEncoding.BIGCHUNK,
                                200,
                                90); // a replica, cut elsewhere
                    }
                }
            }
            if (!tenant.equals(TENANT)) {
                continue;
            }
            // Histogram buckets: cumulative counters, larger for larger le.
            List<Sample> base = counter(rnd, 1, false);
            for (int b = 0; b < LE.length; b++) {
                List<Sample> s = new ArrayList<>(base.size());
                double f = b + 1;
                for (Sample x : base) {
                    s.add(new Sample(x.timestamp(), Math.floor(x.value() * f * (1 + b * 0.3))));
                }
                add(
                        tenant,
                        Labels.of(
                                "__name__", "request_duration_seconds_bucket",
                                "job", "api",
                                "le", LE[b]),
                        s,
                        ChunkEncoding.BIGCHUNK,
                        240,
                        0);
            }
            // A gauge that goes away (stale marker) for 40 minutes in the middle, and one that does
            // not.
            for (String room : List.of("a", "b")) {
                List<Sample> s = new ArrayList<>();
                long gapFrom = start + 13 * 3_600_000L;
                long gapTo = gapFrom + 40 * 60_000L;
                double v = 20;
                for (long t = start; t <= end; t += STEP) {
                    v += rnd.nextGaussian() * 0.2;
                    if (room.equals("b") && t >= gapFrom && t < gapTo) {
                        if (t == gapFrom) {
                            s.add(new Sample(t, Double.longBitsToDouble(Sample.STALE_NAN_BITS)));
                        }
                        continue;
                    }
                    s.add(new Sample(t, Math.round(v * 100) / 100.0));
                }
                add(
                        tenant,
                        Labels.of("__name__", "room_temperature", "room", room),
                        s,
                        ChunkEncoding.PROMETHEUS_XOR,
                        240,
                        0);
            }
            goldens(tenant);
            // A chunk whose XOR payload ends before the samples its header counts: it verifies
            // (the checksum covers what was stored) but does not decode.
            Labels broken = Labels.of("__name__", "broken_samples", "job", "api");
            List<Sample> few = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                few.add(new Sample(start + i * STEP, i));
            }
            byte[] xor = io.chunkstore.core.chunk.XorChunk.encode(few);
            chunks.add(
                    Chunk.of(
                            tenant,
                            Fingerprints.fingerprint(broken),
                            broken,
                            start,
                            start + 9 * STEP,
                            ChunkEncoding.PROMETHEUS_XOR,
                            java.util.Arrays.copyOf(xor, 12)));
        }
    }

    /** A counter every STEP over the whole range, with resets (when asked) every few hours. */
    private List<Sample> counter(Random rnd, double rate, boolean resets) {
        List<Sample> s = new ArrayList<>();
        double v = rnd.nextInt(100);
        int n = 0;
        for (long t = start; t <= end; t += STEP) {
            if (resets && n > 0 && n % 1000 == 0) {
                v = rnd.nextInt(3); // a restart: the counter starts again
            } else {
                v += Math.floor(rnd.nextDouble() * rate * 2 * STEP / 1000);
            }
            s.add(new Sample(t, v));
            n++;
        }
        return s;
    }

    /**
     * Stores {@code samples} as chunks of {@code perChunk} samples in {@code encoding}, the first
     * chunk {@code offset} samples shorter, and records them as expected.
     */
    private void add(
            String tenant,
            Labels labels,
            List<Sample> samples,
            ChunkEncoding encoding,
            int perChunk,
            int offset) {
        TreeMap<Long, Long> want =
                expected.computeIfAbsent(tenant, k -> new LinkedHashMap<>())
                        .computeIfAbsent(labels, k -> new TreeMap<>());
        for (Sample s : samples) {
            want.put(s.timestamp(), Double.doubleToRawLongBits(s.value()));
        }
        long fp = Fingerprints.fingerprint(labels);
        int i = 0;
        int first = offset > 0 ? offset : perChunk;
        while (i < samples.size()) {
            int n = i == 0 ? first : perChunk;
            List<Sample> part = samples.subList(i, Math.min(samples.size(), i + n));
            ChunkEncoding e = encoding;
            if (e == ChunkEncoding.PROMETHEUS_XOR && part.size() > 120) {
                // One XOR chunk is one Prometheus chunk: keep 120 at most as Cortex did.
                part = samples.subList(i, i + 120);
            }
            chunks.add(Chunk.fromSamples(tenant, fp, labels, e, part));
            i += part.size();
        }
    }

    /** The golden Cortex chunks, each moved to start 30 min after the previous one. */
    private void goldens(String tenant) {
        Path dir = golden();
        List<Path> bins = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.bin")) {
            ds.forEach(bins::add);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        bins.sort(null);
        assertThat(bins).hasSize(24);
        ObjectMapper json = new ObjectMapper();
        int k = 0;
        for (Path bin : bins) {
            String name = bin.getFileName().toString().replace(".bin", "");
            JsonNode meta;
            Chunk original;
            try {
                meta = json.readTree(bin.resolveSibling(name + ".json").toFile());
                original =
                        ChunkCodec.decode(
                                meta.get("user").asText(),
                                meta.get("key").asText(),
                                Files.readAllBytes(bin));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            long shift = start + k * 30 * 60_000L - meta.get("from").asLong();
            k++;
            byte[] data = original.data().clone();
            if (original.encoding() == ChunkEncoding.VARBIT) {
                ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN);
                b.putLong(0, b.getLong(0) + shift);
                b.putLong(16, b.getLong(16) + shift);
            } else {
                ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
                assertThat(data[2]).as("%s stores times as deltas", name).isLessThan((byte) 8);
                b.putLong(5, b.getLong(5) + shift);
            }
            ChunkEncoding enc =
                    name.equals("doubledelta-07") ? ChunkEncoding.DELTA : original.encoding();
            Labels labels =
                    Labels.of(
                            "__name__", "legacy_samples", "golden", name, "encoding", enc.goName());
            Chunk c =
                    Chunk.of(
                            tenant,
                            Fingerprints.fingerprint(labels),
                            labels,
                            original.from() + shift,
                            original.through() + shift,
                            enc,
                            data);
            TreeMap<Long, Long> want = new TreeMap<>();
            for (JsonNode s : meta.get("samples")) {
                want.put(
                        s.get("t").asLong() + shift,
                        Long.parseUnsignedLong(s.get("bits").asText(), 16));
            }
            // The shift moved every sample and changed nothing else.
            TreeMap<Long, Long> decoded = new TreeMap<>();
            SampleIterator it = c.sampleIterator();
            while (it.next()) {
                decoded.put(it.timestamp(), it.valueBits());
            }
            assertThat(decoded).as("%s moved by %d ms", name, shift).isEqualTo(want);
            assertThat(want.lastKey()).isLessThanOrEqualTo(end);
            expected.computeIfAbsent(tenant, t -> new LinkedHashMap<>()).put(labels, want);
            chunks.add(c);
        }
    }

    static Path golden() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("testdata/golden/cortex-encodings"))) {
            p = p.getParent();
        }
        assertThat(p)
                .as("testdata/golden/cortex-encodings above the working directory")
                .isNotNull();
        return p.resolve("testdata/golden/cortex-encodings");
    }

    /** Stale markers among the expected samples of a tenant. */
    long staleMarkers(String tenant) {
        return expected.get(tenant).values().stream()
                .flatMap(m -> m.values().stream())
                .filter(b -> b == Sample.STALE_NAN_BITS)
                .count();
    }
}
