package io.chunkstore.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's arithmetic and its three formats, on made-up numbers. */
class ReportWriterTest {

    private static BenchReport report() {
        WorkloadResult write =
                new WorkloadResult(
                        Workload.WRITE,
                        new SideStats(
                                "ours",
                                new double[] {90, 80, 100},
                                new double[] {9, 8, 10},
                                new double[] {2000, 2200, 1800}),
                        new SideStats(
                                "raw",
                                new double[] {100, 100, 120},
                                new double[] {10, 10, 12},
                                new double[] {1000, 1000, 1000}),
                        1000,
                        100_000);
        WorkloadResult grpc =
                new WorkloadResult(
                        Workload.GRPC_QUERY_ROW,
                        new SideStats(
                                "ours-grpc",
                                new double[] {50, 60, 70},
                                new double[] {1, 1, 1},
                                new double[] {5, 5, 5}),
                        new SideStats(
                                "ours",
                                new double[] {100, 100, 100},
                                new double[] {2, 2, 2},
                                new double[] {4, 4, 4}),
                        10,
                        10);
        HeapResult heap =
                new HeapResult(
                        1_000_000,
                        List.of(
                                new HeapResult.Side(
                                        "ours",
                                        List.of(new HeapProbe.Result(0, 10 << 20, 200 << 20, 3))),
                                new HeapResult.Side(
                                        "raw",
                                        List.of(new HeapProbe.Result(0, -1, 100 << 20, 0)))));
        Environment env =
                new Environment(
                        2, "cpu", 1.5, 1L << 30, "jvm", "G1", "linux", Map.of("driver", "1.0"));
        BenchOptions o = BenchOptions.builder().backend("local").rounds(3).build();
        return new BenchReport(
                env,
                o,
                "embedded",
                1.5,
                2.5,
                12.0,
                42,
                List.of(write, grpc),
                heap,
                List.of("chunk-get-1m failed: boom"));
    }

    @Test
    void ratiosAreMediansOverMediansAndTargetsAreChecked() {
        BenchReport r = report();
        WorkloadResult write = r.results().get(0);
        assertThat(write.ratio()).isEqualTo(0.9);
        assertThat(write.meetsTarget()).isTrue();
        assertThat(write.pairedRatios()).containsExactly(0.9, 0.8, 100.0 / 120);
        assertThat(write.cpuRatio()).isEqualTo(0.5);
        WorkloadResult grpc = r.results().get(1);
        assertThat(grpc.ratio()).isEqualTo(0.6);
        assertThat(grpc.meetsTarget()).isFalse();
        HeapResult.Side ours = r.heap().sides().get(0);
        assertThat(ours.growth()).isEqualTo(10 << 20);
        assertThat(ours.meetsTarget()).isTrue();
        HeapResult.Side raw = r.heap().sides().get(1);
        assertThat(raw.maxRetained()).isEqualTo(-1);
        assertThat(raw.growth()).isEqualTo(100 << 20);
        assertThat(raw.meetsTarget()).isFalse();
    }

    private static String print(OutputFormat f) {
        StringWriter s = new StringWriter();
        ReportWriter.write(report(), f, new PrintWriter(s));
        return s.toString();
    }

    @Test
    void textIsATableWithTheEnvironment() {
        String t = print(OutputFormat.TEXT);
        assertThat(t)
                .contains("backend local (store local), scale small, 3 rounds after 3 warm-up")
                .contains("2 CPUs (cpu), load average 1.50 before, 2.50 after")
                .contains("driver 1.0");
        assertThat(t.lines().filter(l -> l.startsWith("write ")).findFirst().orElseThrow())
                .contains("ours / raw")
                .contains("90")
                .contains("100")
                .contains("0.90")
                .contains("ok 0.90")
                .contains("0.80-0.90")
                .contains("2.00")
                .contains("1.00")
                .contains("0.50");
        assertThat(t.lines().filter(l -> l.startsWith("grpc-query-row")).findFirst().orElseThrow())
                .contains("0.60")
                .contains("MISS 0.70");
        assertThat(t.lines().filter(l -> l.startsWith("heap")).findFirst().orElseThrow())
                .contains("10.0")
                .contains("100.0")
                .contains("ok < 64 MiB");
        assertThat(t).contains("FAILED: chunk-get-1m failed: boom");
    }

    @Test
    void markdownHasOneRowPerResult() {
        List<String> rows =
                print(OutputFormat.MARKDOWN).lines().filter(l -> l.startsWith("|")).toList();
        assertThat(rows).hasSize(2 + 3);
        assertThat(print(OutputFormat.MARKDOWN)).contains("FAILED: chunk-get-1m failed: boom");
        assertThat(rows.get(2)).startsWith("| write | ours / raw |");
    }

    @Test
    void jsonCarriesEveryRound() throws Exception {
        JsonNode j = new ObjectMapper().readTree(print(OutputFormat.JSON));
        assertThat(j.get("backend").asText()).isEqualTo("local");
        JsonNode w = j.get("results").get(0);
        assertThat(w.get("workload").asText()).isEqualTo("write");
        assertThat(w.get("ratio").asDouble()).isEqualTo(0.9);
        assertThat(w.get("ours").get("perSecond")).hasSize(3);
        assertThat(w.get("ours").get("medianPerSecond").asDouble()).isEqualTo(90);
        assertThat(w.get("meetsTarget").asBoolean()).isTrue();
        assertThat(w.get("cpuRatio").asDouble()).isEqualTo(0.5);
        assertThat(w.get("ours").get("cpuNanosPerItem")).hasSize(3);
        assertThat(j.get("heap").get("sides").get(0).get("maxRetainedGrowthMiB").asDouble())
                .isEqualTo(10.0);
        assertThat(j.get("heap").get("sides").get(1).get("maxRetainedGrowthMiB").isNull()).isTrue();
        assertThat(j.get("environment").get("cpus").asInt()).isEqualTo(2);
        assertThat(j.get("errors").get(0).asText()).isEqualTo("chunk-get-1m failed: boom");
    }
}
