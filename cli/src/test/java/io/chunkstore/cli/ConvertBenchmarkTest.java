package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.bench.HeapProbe;
import io.chunkstore.core.blocks.BlockConverter;
import io.chunkstore.core.blocks.ConversionUnit;
import io.chunkstore.core.blocks.UnitResult;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.ChunkEncoding;
import io.chunkstore.core.chunk.Fingerprints;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.migrate.MigrationPlan;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.StoreBackends;
import io.chunkstore.local.FilesystemObjectClient;
import io.chunkstore.server.ConfigStores;
import io.chunkstore.spi.TableDesc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The numbers of docs/benchmarks.md for {@code convert blocks}: one tenant-day of N series (2 XOR
 * chunks of 120 samples each) in the embedded store, converted without and with --verify, with
 * samples/s, series/s and the heap's growth ({@link HeapProbe}). Runs only when asked: {@code
 * -Dchunkstore.bench.convert=100000}, with {@code -Dchunkstore.bench.store=mem-a} for the in-memory
 * reference backend (no I/O, so the heap growth is the converter's, quickly) instead of the
 * embedded store.
 */
@EnabledIfSystemProperty(named = "chunkstore.bench.convert", matches = "\\d+")
class ConvertBenchmarkTest {
    static final long DAY_START = 1_709_510_400_000L; // 2024-03-04T00:00:00Z

    @Test
    void convertOneDayOfManySeries(@TempDir Path tmp) throws Exception {
        int n = Integer.parseInt(System.getProperty("chunkstore.bench.convert"));
        String storeName = System.getProperty("chunkstore.bench.store", "local");
        Path config =
                CliRun.write(
                        tmp,
                        "cortex.yaml",
                        """
                        schema:
                          configs:
                            - from: 2024-01-01
                              store: %s
                              schema: v11
                              index: {prefix: index}
                              chunks: {prefix: chunks}
                        storage:
                          local: {directory: %s, sync_writes: false}
                        """
                                .formatted(storeName, tmp.resolve("store")));
        ChunkstoreConfig cfg = ChunkstoreConfig.load(config);
        long t0 = System.nanoTime();
        StoreBackends b = StoreBackends.open(cfg, null, null);
        try (CompositeStore store = CompositeStore.builder(cfg.schemaConfig()).clients(b).build()) {
            b.tableClient(storeName).createTable(TableDesc.named("index"));
            b.tableClient(storeName).createTable(TableDesc.named("chunks"));
            List<ChunkCodec.Encoded> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Labels l =
                        Labels.of(
                                "__name__",
                                "bench_metric",
                                "instance",
                                "host-" + i,
                                "job",
                                "job" + (i % 50));
                for (int c = 0; c < 2; c++) {
                    List<Sample> s = new ArrayList<>(120);
                    for (int k = 0; k < 120; k++) {
                        long t = DAY_START + (c * 120L + k) * 300_000L + (i % 1000);
                        s.add(new Sample(t, (i + k) * 0.5));
                    }
                    batch.add(
                            ChunkCodec.encode(
                                    Chunk.fromSamples(
                                            "bench",
                                            Fingerprints.fingerprint(l),
                                            l,
                                            ChunkEncoding.PROMETHEUS_XOR,
                                            s)));
                }
                if (batch.size() >= 2000) {
                    store.put(batch);
                    batch.clear();
                }
            }
            store.put(batch);
        }
        if (storeName.equals("local")) {
            b.close();
        }
        System.out.printf(
                Locale.ROOT,
                "%s store written: %d series in %.1f s%n",
                storeName,
                n,
                (System.nanoTime() - t0) / 1e9);
        MigrationPlan sel =
                MigrationPlan.builder(0, Long.MAX_VALUE)
                        .tenant("bench", "bench")
                        .match("{__name__=\"bench_metric\"}")
                        .build();
        ConversionUnit unit =
                ConversionUnit.plan(List.of("bench"), DAY_START, DAY_START + 86_400_000L).get(0);
        // The in-memory backend's data lives in its instance: read through the one written to.
        try (ConfigStores stores =
                        storeName.equals("local")
                                ? ConfigStores.open(cfg, new SimpleMeterRegistry())
                                : null;
                CompositeStore memStore =
                        stores != null
                                ? null
                                : CompositeStore.builder(cfg.schemaConfig()).clients(b).build()) {
            CompositeStore source = stores != null ? stores.unlimited() : memStore;
            for (boolean verify : new boolean[] {false, true, false}) {
                try (FilesystemObjectClient dest =
                        new FilesystemObjectClient(
                                tmp.resolve("bucket-" + verify + "-" + System.nanoTime()), false)) {
                    BlockConverter c =
                            new BlockConverter(
                                            source,
                                            dest,
                                            sel.lookups(),
                                            sel::selects,
                                            tmp.resolve("work"))
                                    .verify(verify);
                    AtomicReference<UnitResult> result = new AtomicReference<>();
                    long start = System.nanoTime();
                    HeapProbe.Result heap = HeapProbe.measure(() -> result.set(c.convert(unit)));
                    double secs = (System.nanoTime() - start) / 1e9;
                    UnitResult r = result.get();
                    assertThat(r.ok()).as(r.toString()).isTrue();
                    assertThat(r.series()).isEqualTo(n);
                    System.out.printf(
                            Locale.ROOT,
                            "convert%s: %d series, %d samples in %.1f s: %.0f samples/s, %.0f series/s; heap retained"
                                    + " growth %.0f MiB, peak growth %.0f MiB (%d GCs)%n",
                            verify ? " --verify" : "",
                            r.series(),
                            r.samples(),
                            secs,
                            r.samples() / secs,
                            r.series() / secs,
                            heap.retainedGrowth() / 1048576.0,
                            heap.peakGrowth() / 1048576.0,
                            heap.collections());
                }
            }
        }
    }
}
