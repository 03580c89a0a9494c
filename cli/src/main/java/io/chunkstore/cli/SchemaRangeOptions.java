package io.chunkstore.cli;

import io.chunkstore.cli.common.UserOption;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.PeriodRange;
import io.chunkstore.spi.InvalidRequestException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options every {@code schema} sub-command shares: the config, the tenant and the time range.
 */
final class SchemaRangeOptions {
    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description =
                    "Cortex schema file (configs:), Cortex config (schema:) or Loki config (schema_config:).")
    Path config;

    @Mixin UserOption user;

    @Option(
            names = "--from",
            required = true,
            paramLabel = "MS",
            description = "Start of the range, milliseconds since the epoch (inclusive).")
    long from;

    @Option(
            names = "--through",
            required = true,
            paramLabel = "MS",
            description = "End of the range, milliseconds since the epoch (inclusive).")
    long through;

    /** The loaded config; loaded once. */
    ChunkstoreConfig config() {
        if (loaded == null) {
            loaded = ChunkstoreConfig.load(config);
        }
        return loaded;
    }

    private ChunkstoreConfig loaded;

    /**
     * Loads the config and splits the range across its periods, for a write: a chunk before the
     * first period has no schema (Cortex's {@code SchemaForTime} fails the same way).
     *
     * @throws ParameterException when through is before from
     * @throws InvalidRequestException when the range ends before the first period
     */
    List<PeriodRange> writeRanges(CommandSpec spec) {
        List<PeriodRange> ranges = split(spec);
        if (ranges.isEmpty()) {
            throw new InvalidRequestException(
                    beforeFirstPeriod() + ": no schema writes entries there");
        }
        return ranges;
    }

    /**
     * Loads the config and splits the range across its periods, for a read: a range entirely before
     * the first period reads nothing (Cortex's queries split by period and find none), with a note
     * on stderr saying why.
     *
     * @throws ParameterException when through is before from
     */
    List<PeriodRange> readRanges(CommandSpec spec) {
        List<PeriodRange> ranges = split(spec);
        if (ranges.isEmpty()) {
            spec.commandLine().getErr().println("note: " + beforeFirstPeriod() + ": no queries");
        }
        return ranges;
    }

    private List<PeriodRange> split(CommandSpec spec) {
        if (through < from) {
            throw new ParameterException(
                    spec.commandLine(), "--through " + through + " is before --from " + from);
        }
        return config().schemaConfig().split(from, through);
    }

    private String beforeFirstPeriod() {
        return "the range ["
                + from
                + ", "
                + through
                + "] ends before the first period of "
                + config
                + ", which starts "
                + config().schemaConfig().periods().get(0).from();
    }
}
