package io.chunkstore.cli.common;

import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.server.ConfigStores;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} and what commands build from it: the config and its stores ({@link
 * ConfigStores}). A picocli mixin: {@code @Mixin StoreOptions store;}.
 *
 * <p>Errors follow the cli's exit codes through the typed exceptions: a bad config is a {@link
 * io.chunkstore.spi.ConfigException} (exit 2), an unreachable store a {@link
 * io.chunkstore.spi.StorageException} (exit 3).
 */
public final class StoreOptions {
    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description =
                    "Cortex config (schema: + storage:), Loki config (schema_config: + storage_config:) or"
                            + " Cortex schema file (configs:).")
    Path config;

    private ChunkstoreConfig loaded;

    /** The config file given. */
    public Path path() {
        return config;
    }

    /**
     * The loaded config (read once).
     *
     * @throws io.chunkstore.spi.ConfigException when it is missing or invalid
     */
    public synchronized ChunkstoreConfig load() {
        if (loaded == null) {
            loaded = ChunkstoreConfig.load(config);
        }
        return loaded;
    }

    /**
     * The config's stores ({@link ConfigStores}): its backends, opened by store name when first
     * used, and the composite stores over them. Close them.
     */
    public ConfigStores open(MeterRegistry registry) {
        return ConfigStores.open(load(), registry);
    }
}
