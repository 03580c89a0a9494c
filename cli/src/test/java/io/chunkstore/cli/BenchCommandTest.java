package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code chunkstore bench} through the real command line: option errors and one tiny local run. */
class BenchCommandTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void unknownBackendIsAUsageError() {
        Run r = run("bench", "--backend", "mongo");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("unknown backend 'mongo'");
    }

    @Test
    void aServerBackendNeedsAConfigOrAServer() {
        Run r = run("bench", "--backend", "cassandra");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--config FILE").contains("--start-server");
    }

    @Test
    void badWorkloadAndScaleAreNamed() {
        assertThat(run("bench", "--backend", "local", "--workload", "nope").err())
                .contains("unknown workload 'nope'");
        assertThat(run("bench", "--backend", "local", "--scale", "huge").err())
                .contains("unknown scale 'huge'");
    }

    @Test
    void aTinyLocalRunPrintsJson(@TempDir Path dir) throws Exception {
        Run r =
                run(
                        "bench",
                        "--backend",
                        "local",
                        "--scale",
                        "tiny",
                        "--rounds",
                        "1",
                        "--warmup",
                        "0",
                        "--workload",
                        "query-row,chunk-get-2k",
                        "--output",
                        "json",
                        "--work-dir",
                        dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("results")).hasSize(2);
        assertThat(j.get("results").get(0).get("workload").asText()).isEqualTo("query-row");
        assertThat(j.get("results").get(1).get("ours").get("medianPerSecond").asDouble())
                .isPositive();
        assertThat(r.err()).contains("query-row: ours vs raw");
    }
}
