package io.chunkstore.cli;

import io.chunkstore.cli.common.CliTime;
import java.time.Clock;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The required half-open range {@code [--from, --to)} of the commands that act on the stored data
 * of a range: {@code migrate}, {@code convert blocks} and {@code delete series}. Unlike {@link
 * TimeRangeOptions} (a query window: inclusive end, {@code --to} defaults to now), both ends must
 * be given and the end is exclusive, so consecutive runs over {@code [a, b)} and {@code [b, c)}
 * never act on a sample twice. Times are read by {@link CliTime}.
 */
final class HalfOpenRangeOptions {
    @Option(
            names = "--from",
            required = true,
            paramLabel = "TIME",
            description =
                    "Start of the range (inclusive): RFC 3339 (2024-01-01T00:00:00Z), a date (UTC"
                            + " midnight), Unix seconds or milliseconds, or now-DURATION.")
    String from;

    @Option(
            names = "--to",
            required = true,
            paramLabel = "TIME",
            description = "End of the range (exclusive), same forms.")
    String to;

    /**
     * The range in milliseconds since the epoch.
     *
     * @param fromMs the start, inclusive
     * @param toMs the end, exclusive; after {@code fromMs}
     */
    record Millis(long fromMs, long toMs) {}

    /**
     * Reads both ends.
     *
     * @throws IllegalArgumentException naming the option and the accepted forms when a time does
     *     not parse (a usage error, exit 2)
     * @throws ParameterException when the range is empty ({@code --to} not after {@code --from})
     */
    Millis millis(CommandSpec spec, Clock clock) {
        long fromMs = CliTime.parseMillis("--from", from, clock);
        long toMs = CliTime.parseMillis("--to", to, clock);
        if (toMs <= fromMs) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--to "
                            + CliTime.format(toMs)
                            + " must be after --from "
                            + CliTime.format(fromMs)
                            + ": the range [--from, --to) is empty");
        }
        return new Millis(fromMs, toMs);
    }

    /** {@link #millis(CommandSpec, Clock)} with the system clock (for {@code now-1h}). */
    Millis millis(CommandSpec spec) {
        return millis(spec, Clock.systemUTC());
    }
}
