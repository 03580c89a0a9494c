package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The {@code [--from, --to)} mixin of migrate, convert blocks and delete series: one parser, one
 * validation, the same options and texts in all three.
 */
class HalfOpenRangeOptionsTest {
    /** The smallest command holding the mixin. */
    @Command(name = "probe")
    static final class Probe implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Mixin HalfOpenRangeOptions range;

        HalfOpenRangeOptions.Millis read;

        @Override
        public Integer call() {
            read =
                    range.millis(
                            spec,
                            Clock.fixed(Instant.parse("2019-05-20T12:00:00Z"), ZoneOffset.UTC));
            return 0;
        }
    }

    private static Probe parse(String... args) {
        Probe p = new Probe();
        new CommandLine(p).parseArgs(args);
        return p;
    }

    @Test
    void readsBothEndsInEveryFormOfCliTime() {
        Probe p = parse("--from", "2019-05-01", "--to", "1558310400");
        assertThat(p.range.millis(p.spec))
                // 2019-05-01T00:00:00Z and 2019-05-20T00:00:00Z (date -u -d ... +%s).
                .isEqualTo(new HalfOpenRangeOptions.Millis(1556668800_000L, 1558310400_000L));
        Probe rel = new Probe();
        CommandLine cl = new CommandLine(rel);
        assertThat(cl.execute("--from", "now-12h", "--to", "2019-05-20T12:00:00.001Z")).isZero();
        assertThat(rel.read)
                .isEqualTo(new HalfOpenRangeOptions.Millis(1558310400_000L, 1558353600_001L));
    }

    @Test
    void anEmptyOrReversedRangeIsRefusedNamingBothEnds() {
        for (String to : List.of("2019-05-01", "2019-04-30")) {
            Probe p = parse("--from", "2019-05-01", "--to", to);
            assertThatThrownBy(() -> p.range.millis(p.spec))
                    .isInstanceOf(CommandLine.ParameterException.class)
                    .hasMessage(
                            "--to "
                                    + to
                                    + "T00:00:00.000Z must be after --from 2019-05-01T00:00:00.000Z:"
                                    + " the range [--from, --to) is empty");
        }
        // One millisecond is a range.
        Probe one = parse("--from", "1556668800000", "--to", "1556668800001");
        assertThat(one.range.millis(one.spec).toMs() - one.range.millis(one.spec).fromMs())
                .isEqualTo(1);
    }

    @Test
    void aTimeThatDoesNotParseNamesItsOption() {
        Probe p = parse("--from", "yesterday", "--to", "2019-05-01");
        assertThatThrownBy(() -> p.range.millis(p.spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--from: cannot read time \"yesterday\"");
        Probe q = parse("--from", "2019-05-01", "--to", "2019-13-01");
        assertThatThrownBy(() -> q.range.millis(q.spec))
                .hasMessageStartingWith("--to: cannot read time \"2019-13-01\"");
    }

    @Test
    void bothEndsAreRequired() {
        assertThatThrownBy(() -> parse("--from", "2019-05-01"))
                .isInstanceOf(CommandLine.MissingParameterException.class)
                .hasMessageContaining("--to");
    }

    static Stream<List<String>> commands() {
        return Stream.of(
                List.of(
                        "migrate",
                        "--source-config",
                        "absent-src.yaml",
                        "--dest-config",
                        "absent-dst.yaml",
                        "--tenant",
                        "a"),
                List.of(
                        "convert",
                        "blocks",
                        "--config",
                        "absent.yaml",
                        "--dest-config",
                        "absent-dst.yaml",
                        "--user",
                        "a",
                        "--match",
                        "up"),
                List.of("delete", "series", "--config", "absent.yaml", "--user", "a", "up"));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandRefusesAReversedRangeWithTheSameText(List<String> command) {
        String[] args =
                Stream.concat(
                                command.stream(),
                                Stream.of("--from", "2019-05-20", "--to", "2019-05-01"))
                        .toArray(String[]::new);
        CliRun r = CliRun.run(args);
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err())
                .contains(
                        "--to 2019-05-01T00:00:00.000Z must be after --from"
                                + " 2019-05-20T00:00:00.000Z: the range [--from, --to) is empty");
    }

    @Test
    void theThreeCommandsDeclareTheSameOptions() {
        CommandLine main = Main.commandLine();
        List<CommandLine.Model.CommandSpec> specs =
                List.of(
                        main.getSubcommands().get("migrate").getCommandSpec(),
                        main.getSubcommands()
                                .get("convert")
                                .getSubcommands()
                                .get("blocks")
                                .getCommandSpec(),
                        main.getSubcommands()
                                .get("delete")
                                .getSubcommands()
                                .get("series")
                                .getCommandSpec());
        CommandLine.Model.CommandSpec probe = new CommandLine(new Probe()).getCommandSpec();
        for (String name : List.of("--from", "--to")) {
            OptionSpec want = probe.findOption(name);
            for (CommandLine.Model.CommandSpec s : specs) {
                OptionSpec got = s.findOption(name);
                assertThat(got).as(s.qualifiedName() + " " + name).isNotNull();
                assertThat(got.required()).isTrue();
                assertThat(got.paramLabel()).isEqualTo("TIME");
                assertThat(got.names()).containsExactly(name);
                assertThat(got.description()).containsExactly(want.description());
            }
        }
    }
}
