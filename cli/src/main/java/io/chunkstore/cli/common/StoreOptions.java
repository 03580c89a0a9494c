package io.chunkstore.cli.common;

import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.server.BackendHealth;
import io.chunkstore.server.ConfigStores;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} or {@code --server HOST:PORT} ({@link ServerOption}) and what commands
 * build from it: the config and its stores ({@link ConfigStores}). A picocli mixin: {@code @Mixin
 * StoreOptions store;}.
 *
 * <p>Errors follow the cli's exit codes through the typed exceptions: a bad config is a {@link
 * io.chunkstore.spi.ConfigException} (exit 2), an unreachable store a {@link
 * io.chunkstore.spi.StorageException} (exit 3).
 */
public final class StoreOptions {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "Cortex config (schema: + storage:), Loki config (schema_config: + storage_config:) or"
                            + " Cortex schema file (configs:). With --server: only its schema periods are read.")
    Path config;

    @Option(
            names = "--server",
            paramLabel = "HOST:PORT",
            description =
                    "Read through a running chunkstore serve's gRPC port (e.g. 127.0.0.1:9966) instead of"
                            + " opening the stores: the schema of --config, or serve's built-in one.")
    String server;

    private ChunkstoreConfig loaded;

    /** The config file given. */
    public Path path() {
        return config;
    }

    /**
     * The loaded config (read once).
     *
     * @throws io.chunkstore.spi.ConfigException when it is missing or invalid, or neither --config
     *     nor --server is given
     */
    public synchronized ChunkstoreConfig load() {
        if (loaded == null) {
            loaded = ServerOption.config(config, server);
        }
        return loaded;
    }

    /**
     * The config's stores ({@link ConfigStores}): its backends, opened by store name when first
     * used, and the composite stores over them. Close them.
     */
    public ConfigStores open(MeterRegistry registry) {
        return openChecked(load(), registry);
    }

    /**
     * The stores of {@code config}, each checked to answer first ({@link BackendHealth}), so an
     * unreachable one fails at once with exit 3 naming it instead of hanging in retries.
     *
     * @throws io.chunkstore.spi.UnavailableException when a store does not answer
     */
    public static ConfigStores openChecked(ChunkstoreConfig config, MeterRegistry registry) {
        ConfigStores stores = ConfigStores.open(config, registry);
        try (BackendHealth health =
                BackendHealth.of(
                        stores.backends(),
                        config.schemaConfig().periods(),
                        BackendHealth.DEFAULT_TIMEOUT)) {
            health.requireAnswering();
        } catch (RuntimeException e) {
            try {
                stores.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return stores;
    }
}
