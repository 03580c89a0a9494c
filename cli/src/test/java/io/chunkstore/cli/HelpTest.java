package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command of this branch answers {@code --help} with its options and exit codes. */
class HelpTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "serve",
                "tables",
                "tables plan",
                "tables sync",
                "query",
                "labels",
                "index",
                "index scan",
                "conformance",
                "backup"
            })
    void everyCommandHasHelp(String command) {
        String[] args = (command + " --help").split(" ");
        CliRun r = CliRun.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("Usage: chunkstore " + command).contains("--help");
        if (!command.equals("tables") && !command.equals("index")) {
            assertThat(r.out()).containsAnyOf("Exit codes", "HTTP", "--config");
        }
    }
}
