package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * A tenant that Cortex and Loki would refuse is a usage error on every command that takes one,
 * before any work.
 */
class TenantOptionsTest {
    static final List<List<String>> COMMANDS =
            List.of(
                    List.of("logs", "query", "--config", "missing.yaml", "{a=\"b\"}"),
                    List.of("labels", "--config", "missing.yaml", "--metric", "m"),
                    List.of("query", "--config", "missing.yaml", "--from", "0", "m"),
                    List.of(
                            "schema",
                            "queries",
                            "--config",
                            "missing.yaml",
                            "--from",
                            "0",
                            "--through",
                            "1",
                            "--lookup",
                            "metric",
                            "--metric",
                            "m"));

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "..", "a/b", "a b", "x=y"})
    void aTenantCortexRefusesIsAUsageError(String tenant) {
        for (List<String> command : COMMANDS) {
            StringWriter err = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setErr(new PrintWriter(err, true));
            cl.setOut(new PrintWriter(new StringWriter(), true));
            java.util.ArrayList<String> args = new java.util.ArrayList<>(command);
            args.add("--user=" + tenant);
            int exit = cl.execute(args.toArray(String[]::new));
            assertThat(exit).as("%s: %s", args, err).isEqualTo(ExitCodes.USAGE);
            assertThat(err.toString())
                    .as("%s", args)
                    .contains("--user")
                    .containsAnyOf("tenant ID", "no org id");
        }
    }

    @org.junit.jupiter.api.Test
    void aTenantOf5000CharactersIsRefused() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        int exit =
                cl.execute(
                        "logs",
                        "query",
                        "--config",
                        "missing.yaml",
                        "--user",
                        "a".repeat(5000),
                        "{a=\"b\"}");
        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("max 150 characters");
    }
}
