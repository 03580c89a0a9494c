package io.chunkstore.cli;

import io.chunkstore.cli.common.CliTime;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --from} / {@code --to} in any form {@link CliTime} reads, as milliseconds. */
final class TimeRangeOptions {
    @Option(
            names = "--from",
            required = true,
            paramLabel = "TIME",
            converter = CliTime.MillisConverter.class,
            description = "Start (inclusive): RFC 3339, a date, Unix seconds or ms, or now-1h.")
    long from;

    @Option(
            names = {"--to", "--through"},
            paramLabel = "TIME",
            defaultValue = "now",
            converter = CliTime.MillisConverter.class,
            description = "End (inclusive), same forms. Default: now.")
    long to;

    /**
     * @throws ParameterException when the range is reversed
     */
    void check(CommandSpec spec) {
        if (to < from) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--to " + CliTime.format(to) + " is before --from " + CliTime.format(from));
        }
    }
}
