package io.chunkstore.cli;

import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.PeriodRange;
import io.chunkstore.spi.InvalidRequestException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options every {@code schema} sub-command shares: the config, the tenant and the time range. */
final class SchemaRangeOptions {
    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "Cortex schema file (configs:), Cortex config (schema:) or Loki config (schema_config:).")
    Path config;

    @Option(names = "--user", required = true, paramLabel = "USER", description = "Tenant (org) ID.")
    String user;

    @Option(names = "--from", required = true, paramLabel = "MS",
            description = "Start of the range, milliseconds since the epoch (inclusive).")
    long from;

    @Option(names = "--through", required = true, paramLabel = "MS",
            description = "End of the range, milliseconds since the epoch (inclusive).")
    long through;

    /**
     * Loads the config and splits the range across its periods.
     *
     * @throws ParameterException when through is before from
     * @throws InvalidRequestException when the range ends before the first period
     */
    List<PeriodRange> periodRanges(CommandSpec spec) {
        if (through < from) {
            throw new ParameterException(spec.commandLine(), "--through " + through + " is before --from " + from);
        }
        ChunkstoreConfig cfg = ChunkstoreConfig.load(config);
        List<PeriodRange> ranges = cfg.schemaConfig().split(from, through);
        if (ranges.isEmpty()) {
            throw new InvalidRequestException("the range [" + from + ", " + through + "] ends before the first period"
                    + " of " + config + ", which starts " + cfg.schemaConfig().periods().get(0).from());
        }
        return ranges;
    }
}
