package io.chunkstore.server.prom;

import static io.chunkstore.server.prom.RemoteReadClient.query;
import static io.chunkstore.server.prom.RemoteReadClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.ChunkEncoding;
import io.chunkstore.core.chunk.Fingerprints;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.PeriodClientResolver;
import io.chunkstore.core.store.PeriodClients;
import io.chunkstore.grpc.GrpcStoreClient;
import io.chunkstore.server.ChunkstoreServer;
import io.chunkstore.server.PromApiMount;
import io.chunkstore.server.ServeSettings;
import io.chunkstore.server.prompb.ReadRequest;
import io.chunkstore.server.prompb.ReadRequest.ResponseType;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Remote-read throughput and serve's heap for docs/benchmarks.md, by hand only (tests never time
 * anything): 10,000 series x 24 h at a 30 s interval (28.8 M samples) in the embedded store, read
 * by one request for the metric, in both response types.
 *
 * <pre>
 * CHUNKSTORE_BENCH_REMOTE_READ=1 ./mvnw -o -B -ntp -pl server -am test -Dtest=RemoteReadBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfEnvironmentVariable(named = "CHUNKSTORE_BENCH_REMOTE_READ", matches = "1")
class RemoteReadBenchmark {
    static final int SERIES = 10_000;
    static final long STEP = 30_000;
    static final long DAY = 86_400_000L;

    @Test
    void tenThousandSeriesOneDay() throws Exception {
        Path dir = Files.createTempDirectory("rr-bench");
        long now = System.currentTimeMillis();
        long end = now / STEP * STEP - 60_000;
        long start = end - DAY + STEP;
        String yaml =
                """
                schema:
                  configs:
                    - from: %s
                      store: local
                      object_store: local
                      schema: v11
                      index: {prefix: index_, period: 24h}
                      chunks: {prefix: chunks_, period: 24h}
                storage:
                  local:
                    directory: %s
                """
                        .formatted(
                                java.time.Instant.ofEpochMilli(start - 2 * DAY)
                                        .toString()
                                        .substring(0, 10),
                                dir);
        ChunkstoreConfig config = ChunkstoreConfig.parse(yaml, "bench.yaml");
        try (ChunkstoreServer server =
                ChunkstoreServer.start(
                        ServeSettings.of(
                                        config,
                                        new InetSocketAddress("127.0.0.1", 0),
                                        new InetSocketAddress("127.0.0.1", 0))
                                .withLazyTables(true)
                                .withMounts(
                                        List.of(
                                                new PromApiMount(
                                                        PromApiConfig.DEFAULT.withDefaultTenant(
                                                                "bench")))))) {
            long t0 = System.nanoTime();
            long chunks = write(server, config, start, end);
            System.out.printf(
                    Locale.ROOT,
                    "wrote %d series, %d chunks in %.1f s%n",
                    SERIES,
                    chunks,
                    (System.nanoTime() - t0) / 1e9);
            RemoteReadClient client = new RemoteReadClient(server.httpPort());
            ReadRequest samples =
                    request(List.of(query(start, end, "EQ", "__name__", "bench_requests_total")));
            ReadRequest streamed =
                    request(
                            List.of(query(start, end, "EQ", "__name__", "bench_requests_total")),
                            ResponseType.STREAMED_XOR_CHUNKS);
            for (int round = 0; round < 3; round++) {
                run("SAMPLES", client, samples);
                run("STREAMED_XOR_CHUNKS", client, streamed);
            }
        }
    }

    static long write(ChunkstoreServer server, ChunkstoreConfig config, long start, long end) {
        Random rnd = new Random(1);
        long n = 0;
        try (GrpcStoreClient grpc =
                        GrpcStoreClient.builder("127.0.0.1:" + server.grpcPort()).build();
                CompositeStore store =
                        CompositeStore.builder(config.schemaConfig())
                                .clients(
                                        PeriodClientResolver.of(
                                                new PeriodClients(
                                                        grpc.indexClient(), grpc.chunkClient())))
                                .build()) {
            List<ChunkCodec.Encoded> batch = new ArrayList<>();
            for (int s = 0; s < SERIES; s++) {
                Labels l =
                        Labels.of(
                                "__name__", "bench_requests_total",
                                "instance", "host-" + s,
                                "job", "bench");
                long fp = Fingerprints.fingerprint(l);
                double v = 0;
                List<Sample> part = new ArrayList<>();
                for (long t = start; t <= end; t += STEP) {
                    v += rnd.nextInt(50);
                    part.add(new Sample(t, v));
                    if (part.size() == 720) { // 6 h chunks
                        batch.add(
                                ChunkCodec.encode(
                                        Chunk.fromSamples(
                                                "bench", fp, l, ChunkEncoding.BIGCHUNK, part)));
                        part = new ArrayList<>();
                    }
                }
                if (!part.isEmpty()) {
                    batch.add(
                            ChunkCodec.encode(
                                    Chunk.fromSamples(
                                            "bench", fp, l, ChunkEncoding.BIGCHUNK, part)));
                }
                if (batch.size() >= 2000) {
                    store.put(batch);
                    n += batch.size();
                    batch.clear();
                }
            }
            store.put(batch);
            n += batch.size();
        }
        return n;
    }

    static void run(String name, RemoteReadClient client, ReadRequest request) throws Exception {
        System.gc();
        List<MemoryPoolMXBean> heap = new ArrayList<>();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
                heap.add(p);
            }
        }
        long before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long t0 = System.nanoTime();
        RemoteReadClient.Exchange e = client.read(request, "bench");
        double secs = (System.nanoTime() - t0) / 1e9;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        assertThat(e.status()).as(e.text()).isEqualTo(200);
        long samples;
        if (name.equals("SAMPLES")) {
            samples =
                    RemoteReadClient.samples(e).get(0).stream()
                            .mapToLong(s -> s.samples().size())
                            .sum();
        } else {
            samples =
                    RemoteReadClient.streamed(e).queries().get(0).stream()
                            .mapToLong(s -> s.samples().size())
                            .sum();
        }
        assertThat(samples).isEqualTo(SERIES * 2880L);
        System.out.printf(
                Locale.ROOT,
                "%-20s %,d samples, %,d bytes in %.2f s: %,.0f samples/s; heap before %d MiB, peak"
                        + " %d MiB (the JVM holds serve and this client)%n",
                name,
                samples,
                e.body().length,
                secs,
                samples / secs,
                before >> 20,
                peak >> 20);
        Arrays.fill(e.body(), (byte) 0);
    }
}
