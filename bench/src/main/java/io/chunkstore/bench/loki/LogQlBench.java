package io.chunkstore.bench.loki;

import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.PeriodClientResolver;
import io.chunkstore.core.store.PeriodClients;
import io.chunkstore.local.LocalBackend;
import io.chunkstore.loki.Direction;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.LokiChunk;
import io.chunkstore.loki.chunkenc.ChunkFormat;
import io.chunkstore.loki.chunkenc.Codec;
import io.chunkstore.loki.logql.Expr;
import io.chunkstore.loki.logql.LogQL;
import io.chunkstore.loki.query.LogIterator;
import io.chunkstore.loki.query.LogQuerier;
import io.chunkstore.loki.query.MetricQuerier;
import io.chunkstore.loki.query.MetricResult;
import io.chunkstore.loki.query.PipelineLogIterator;
import io.chunkstore.loki.query.QueryGuard;
import io.chunkstore.loki.query.QueryOptions;
import io.chunkstore.loki.query.StoreLogChunkSource;
import io.chunkstore.spi.TableDesc;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * LogQL over the embedded store (RocksDB index + chunk files) at size: writes {@code lines} logfmt
 * lines in {@code streams} streams over one day (chunks of about 1.5 MB, snappy, 256 KiB blocks),
 * then times a filter query ({@code {job="bench"} |= "error"}, every line read) and {@code sum by
 * (app) (rate({job="bench"} |= "e" [1m]))} over the day at Loki's default step, each with the heap
 * used while it runs (sampled every 10 ms). Run by hand (see docs/benchmarks.md): {@code LogQlBench
 * DIR [lines] [streams]}; a DIR that already holds the data is reused.
 */
public final class LogQlBench {
    private static final long DAY_NS = 86_400_000_000_000L;
    private static final long START =
            Instant.parse("2024-03-01T00:00:00Z").toEpochMilli() * 1_000_000L;

    private LogQlBench() {}

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long lines = args.length > 1 ? Long.parseLong(args[1]) : 5_000_000L;
        int streams = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Files.createDirectories(dir);
        Path config = dir.resolve("loki.yaml");
        Files.writeString(
                config,
                """
                schema_config:
                  configs:
                    - from: 2024-01-01
                      store: local
                      schema: v12
                      index: {prefix: index_, period: 24h}
                      chunks: {prefix: chunks_, period: 24h}
                storage_config:
                  local:
                    directory: %s
                """
                        .replace("%s", dir.resolve("data").toString()));
        ChunkstoreConfig cfg = ChunkstoreConfig.load(config);
        boolean fresh = !Files.exists(dir.resolve("written"));
        try (LocalBackend backend = LocalBackend.open(dir.resolve("data"))) {
            for (PeriodConfig p : cfg.schemaConfig().periods()) {
                for (String t :
                        p.index()
                                .tablesFor(
                                        (START - DAY_NS) / 1_000_000L,
                                        (START + 2 * DAY_NS) / 1_000_000L)) {
                    if (!backend.tableClient().listTables().contains(t)) {
                        backend.tableClient().createTable(TableDesc.named(t));
                    }
                }
            }
            try (CompositeStore store =
                    CompositeStore.builder(cfg.schemaConfig())
                            .clients(
                                    PeriodClientResolver.of(
                                            new PeriodClients(
                                                    backend.indexClient(), backend.chunkClient())))
                            .build()) {
                if (fresh) {
                    long t0 = System.nanoTime();
                    write(store, lines, streams);
                    Files.writeString(dir.resolve("written"), Long.toString(lines));
                    System.out.printf(
                            Locale.ROOT,
                            "wrote %,d lines in %d streams in %.1f s%n",
                            lines,
                            streams,
                            (System.nanoTime() - t0) / 1e9);
                }
                try (LogQuerier q =
                        new LogQuerier(new StoreLogChunkSource(store), QueryOptions.DEFAULT)) {
                    for (int round = 0; round < 2; round++) {
                        filter(q);
                        metric(q);
                    }
                }
            }
        }
    }

    private static void write(CompositeStore store, long lines, int streams) {
        Random rnd = new Random(1);
        String[] levels = {"info", "info", "info", "debug", "warn", "error"};
        long perStream = lines / streams;
        long gap = DAY_NS / perStream;
        for (int s = 0; s < streams; s++) {
            Labels labels = Labels.of("job", "bench", "app", "app" + (s % 5), "pod", "pod-" + s);
            List<LogEntry> chunk = new ArrayList<>();
            long bytes = 0;
            for (long i = 0; i < perStream; i++) {
                String line =
                        "ts=2024-03-01T00:00:00Z level="
                                + levels[rnd.nextInt(levels.length)]
                                + " caller=handler.go:"
                                + rnd.nextInt(500)
                                + " msg=\"request done\" path=/api/v1/"
                                + (char) ('a' + rnd.nextInt(26))
                                + " status="
                                + (200 + rnd.nextInt(4) * 100)
                                + " took="
                                + rnd.nextInt(900)
                                + "ms";
                chunk.add(LogEntry.of(START + i * gap + s, line));
                bytes += line.length();
                if (bytes >= 1_500_000 || i == perStream - 1) {
                    store.put(
                            List.of(
                                    LokiChunk.encode(
                                            "fake",
                                            labels,
                                            ChunkFormat.V4,
                                            Codec.SNAPPY,
                                            256 * 1024,
                                            chunk)));
                    chunk = new ArrayList<>();
                    bytes = 0;
                }
            }
        }
    }

    /** Samples the used heap every 10 ms while a query runs. */
    private static final class HeapSampler {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong max = new AtomicLong();
        private final Thread thread;

        HeapSampler() {
            MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
            thread =
                    new Thread(
                            () -> {
                                while (!stop.get()) {
                                    max.accumulateAndGet(
                                            mem.getHeapMemoryUsage().getUsed(), Math::max);
                                    try {
                                        Thread.sleep(10);
                                    } catch (InterruptedException e) {
                                        return;
                                    }
                                }
                            });
            thread.setDaemon(true);
            thread.start();
        }

        long maxMiB() {
            return max.get() >> 20;
        }

        void stop() {
            stop.set(true);
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void filter(LogQuerier q) throws Exception {
        Expr.LogExpr e = LogQL.parseLog("{job=\"bench\"} |= \"error\"");
        long t0 = System.nanoTime();
        long matched = 0;
        long scanned;
        HeapSampler heap = new HeapSampler();
        try (LogIterator it =
                new PipelineLogIterator(
                        q.select(
                                "fake", e.selector(), START, START + DAY_NS + 1, Direction.FORWARD),
                        e.pipeline(),
                        QueryGuard.unlimited())) {
            while (it.hasNext()) {
                it.next();
                matched++;
            }
            scanned = it.stats().linesScanned();
            double s = (System.nanoTime() - t0) / 1e9;
            heap.stop();
            System.out.printf(
                    Locale.ROOT,
                    "filter |= \"error\": %,d lines scanned, %,d matched, %.1f"
                            + " s, %,.0f lines/s, max heap used %d MiB%n",
                    scanned,
                    matched,
                    s,
                    scanned / s,
                    heap.maxMiB());
        }
    }

    private static void metric(LogQuerier q) throws Exception {
        Expr.SampleExpr e =
                (Expr.SampleExpr) LogQL.parse("sum by (app) (rate({job=\"bench\"} |= \"e\" [1m]))");
        long end = START + DAY_NS;
        long step = Math.max(DAY_NS / 250 / 1_000_000_000L, 1) * 1_000_000_000L;
        long t0 = System.nanoTime();
        HeapSampler heap = new HeapSampler();
        try {
            MetricResult r =
                    new MetricQuerier(q)
                            .query(
                                    "fake",
                                    e,
                                    START,
                                    end,
                                    step,
                                    false,
                                    QueryOptions.DEFAULT,
                                    QueryGuard.unlimited());
            double s = (System.nanoTime() - t0) / 1e9;
            heap.stop();
            System.out.printf(
                    Locale.ROOT,
                    "sum by (app) (rate(... |= \"e\" [1m])), step %d s: %d"
                            + " series x %d points, %,d lines scanned, %.1f s, %,.0f lines/s, max heap"
                            + " used %d MiB%n",
                    step / 1_000_000_000L,
                    r.series().size(),
                    r.series().isEmpty() ? 0 : r.series().get(0).values().length,
                    r.stats().linesScanned(),
                    s,
                    r.stats().linesScanned() / s,
                    heap.maxMiB());
        } finally {
            heap.stop();
        }
    }
}
