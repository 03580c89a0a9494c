package io.chunkstore.bench.local;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.StoreBackends;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A soak of a running {@code chunkstore serve} through the grpc_store protocol, as Cortex's
 * ingesters and queriers load it: chunk writes with their index entries into weekly tables spread
 * over six years (so the server makes and fills hundreds of tables), and series queries, for a
 * number of minutes; every minute it prints the server's resident memory (VmRSS of the given pid)
 * and the rates. Run by {@code bench/scripts/soak.sh}, by hand (issue 21: memory bounded by
 * configuration, not by the number of tables, over a long load).
 *
 * <p>Arguments: {@code ADDRESS SERVE_PID MINUTES [RATE]}: the server's gRPC address, its process
 * id, how long, and the chunk writes per second to aim at (default 200).
 */
public final class ServeSoak {
    private static final long SIX_YEARS_MS = 6L * 365 * 86_400_000L;
    private static final int SERIES = 2_000;

    private ServeSoak() {}

    public static void main(String[] args) throws Exception {
        String address = args[0];
        long pid = Long.parseLong(args[1]);
        int minutes = Integer.parseInt(args[2]);
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        URI metrics = args.length > 4 ? URI.create(args[4]) : null;
        ChunkstoreConfig config =
                ChunkstoreConfig.parse(
                        """
                        schema:
                          configs:
                            - from: 2020-01-01
                              store: grpc-store
                              object_store: grpc-store
                              schema: v11
                              index:
                                prefix: index_
                                period: 168h
                              chunks:
                                prefix: chunks_
                                period: 168h
                              row_shards: 16
                        storage:
                          engine: chunks
                          grpc_store:
                            server_address: ADDRESS
                        """
                                .replace("ADDRESS", address),
                        "soak");
        long start2020 = Instant.parse("2020-01-06T00:00:00Z").toEpochMilli();
        Random random = new Random(21);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (StoreBackends backends = StoreBackends.open(config, registry, null);
                CompositeStore store =
                        CompositeStore.builder(config.schemaConfig()).clients(backends).build()) {
            System.out.printf(
                    Locale.ROOT,
                    "soak: %d min against %s, serve pid %d, %d chunk writes/s aimed;"
                            + " start RSS %d MiB%n",
                    minutes,
                    address,
                    pid,
                    rate,
                    rssMiB(pid));
            long end = System.nanoTime() + minutes * 60_000_000_000L;
            long nextReport = System.nanoTime() + 60_000_000_000L;
            long writes = 0;
            long queries = 0;
            long chunksRead = 0;
            long windowWrites = 0;
            long windowStart = System.nanoTime();
            while (System.nanoTime() < end) {
                long t0 = start2020 + (long) (random.nextDouble() * SIX_YEARS_MS);
                int series = random.nextInt(SERIES);
                Labels labels =
                        Labels.of(
                                "__name__",
                                "soak_metric_" + (series % 50),
                                "instance",
                                "host-" + series,
                                "job",
                                "soak");
                List<Sample> samples = new ArrayList<>(120);
                double v = random.nextInt(1000);
                for (int i = 0; i < 120; i++) {
                    v += random.nextInt(10);
                    samples.add(new Sample(t0 + i * 15_000L, v));
                }
                store.put(Chunk.fromSamples("soak", labels, samples));
                writes++;
                windowWrites++;
                if (writes % 10 == 0) {
                    List<Chunk> got =
                            store.get(
                                    "soak",
                                    t0 - 3_600_000L,
                                    t0 + 3_600_000L,
                                    List.of(
                                            LabelMatcher.equal("__name__", labels.metricName()),
                                            LabelMatcher.equal("instance", "host-" + series)));
                    if (got.isEmpty()) {
                        throw new IllegalStateException("a chunk just written was not found");
                    }
                    queries++;
                    chunksRead += got.size();
                }
                // Pace the writes at the rate asked for (one core's worth of load at most).
                long due = windowStart + windowWrites * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                }
                if (System.nanoTime() >= nextReport) {
                    nextReport += 60_000_000_000L;
                    System.out.printf(
                            Locale.ROOT,
                            "soak: %s writes %d, queries %d (chunks read %d), serve RSS %d MiB%s%n",
                            Instant.now(),
                            writes,
                            queries,
                            chunksRead,
                            rssMiB(pid),
                            heap(metrics));
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "soak: done: %d chunk writes, %d queries; end RSS %d MiB%n",
                    writes,
                    queries,
                    rssMiB(pid));
        }
    }

    /**
     * ", heap committed C MiB, used U MiB; rocksdb block cache ..." from the server's metrics, or
     * "" without them.
     */
    private static String heap(URI metrics) throws IOException, InterruptedException {
        if (metrics == null) {
            return "";
        }
        String body =
                HttpClient.newHttpClient()
                        .send(HttpRequest.newBuilder(metrics).build(), BodyHandlers.ofString())
                        .body();
        double committed = 0;
        double used = 0;
        double cache = 0;
        double memtables = 0;
        double readers = 0;
        for (String line : body.split("\n")) {
            if (isGauge(line, "local_index_block_cache_usage_bytes")) {
                cache += value(line);
            } else if (isGauge(line, "local_index_memtables_bytes")) {
                memtables += value(line);
            } else if (isGauge(line, "local_index_table_readers_bytes")) {
                readers += value(line);
            }
            if (line.contains("area=\"heap\"")) {
                double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                if (line.startsWith("jvm_memory_committed_bytes")) {
                    committed += v;
                } else if (line.startsWith("jvm_memory_used_bytes")) {
                    used += v;
                }
            }
        }
        return String.format(
                Locale.ROOT,
                ", heap committed %.0f MiB, used %.0f MiB; rocksdb block cache %.0f MiB (memtables"
                        + " %.0f MiB), table readers %.1f MiB",
                committed / (1 << 20),
                used / (1 << 20),
                cache / (1 << 20),
                memtables / (1 << 20),
                readers / (1 << 20));
    }

    /** A sample of the named gauge under any metrics namespace (serve's config chooses it). */
    private static boolean isGauge(String line, String name) {
        int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
        return end > 0 && !line.startsWith("#") && line.substring(0, end).endsWith(name);
    }

    private static double value(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    private static long rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }
}
