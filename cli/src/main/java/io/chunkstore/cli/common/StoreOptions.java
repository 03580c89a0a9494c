package io.chunkstore.cli.common;

import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.StoreBackends;
import io.chunkstore.core.store.StoreConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} and what commands build from it: the config, its backends (each store name opened once, by
 * its provider), and the store over them. A picocli mixin: {@code @Mixin StoreOptions store;}.
 *
 * <p>Errors follow the cli's exit codes through the typed exceptions: a bad config is a
 * {@link io.chunkstore.spi.ConfigException} (exit 2), an unreachable store a
 * {@link io.chunkstore.spi.StorageException} (exit 3).
 */
public final class StoreOptions {
    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "Cortex config (schema: + storage:), Loki config (schema_config: + storage_config:) or"
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
     * The config's backends, opened lazily by store name, without an index cache (the commands stream). Close them.
     */
    public StoreBackends openBackends(MeterRegistry registry) {
        ChunkstoreConfig c = load();
        return StoreBackends.open(c, registry, null);
    }

    /** The store over all the config's periods, with its limits block. Close it before the backends. */
    public CompositeStore openStore(StoreBackends backends, MeterRegistry registry) {
        ChunkstoreConfig c = load();
        return CompositeStore.builder(c.schemaConfig())
                .clients(backends)
                .config(StoreConfig.fromLimits(c.limits()))
                .metrics(registry, c.metricsNamespace())
                .build();
    }
}
