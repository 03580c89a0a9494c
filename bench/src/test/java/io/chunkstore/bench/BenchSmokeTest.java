package io.chunkstore.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every workload end to end on the local backend at the tiny scale: the store, the raw RocksDB
 * baseline, the gRPC server and client, the heap probe. Proves the harness runs and every side
 * reads back exactly the data loaded; it asserts nothing about speed.
 */
class BenchSmokeTest {

    @Test
    void everyWorkloadRunsOnTheLocalBackend(@TempDir Path dir) throws Exception {
        BenchOptions o =
                BenchOptions.builder()
                        .backend("local")
                        .scale(Scale.TINY)
                        .rounds(1)
                        .warmup(0)
                        .workDir(dir)
                        .build();
        StringWriter log = new StringWriter();
        BenchReport r = Bench.run(o, new PrintWriter(log));
        EnumSet<Workload> ran = EnumSet.noneOf(Workload.class);
        r.results().forEach(w -> ran.add(w.workload()));
        assertThat(ran).isEqualTo(EnumSet.complementOf(EnumSet.of(Workload.HEAP)));
        assertThat(r.results())
                .allSatisfy(
                        w -> {
                            assertThat(w.ours().medianItems()).isPositive();
                            assertThat(w.baseline().medianItems()).isPositive();
                            assertThat(w.ratio()).isPositive();
                        });
        assertThat(r.heap()).isNotNull();
        assertThat(r.heap().sides())
                .extracting(HeapResult.Side::label)
                .containsExactly("ours", "raw");
        assertThat(r.loadedItems())
                .isEqualTo(
                        new BenchData(Scale.TINY, 0).loadEntries()
                                + Scale.TINY.smallChunks()
                                + Scale.TINY.largeChunks());
        assertThat(log.toString())
                .contains("query-row: ours vs raw")
                .contains("grpc-query-rows: ours-grpc vs ours");
        assertThat(dir.resolve("raw-index")).isDirectory();
        assertThat(Files.list(dir.resolve("local").resolve("chunks")).count()).isPositive();
    }
}
