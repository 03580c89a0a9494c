package io.chunkstore.cli.common;

import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.server.EmbeddedStore;
import io.chunkstore.server.QuerierYaml;
import io.chunkstore.spi.ConfigException;
import java.nio.file.Path;

/**
 * The config of a data command that reads a running {@code chunkstore serve} through its gRPC port
 * ({@code --server HOST:PORT}): the schema periods of {@code --config} when given (a served data
 * directory's {@code schema.yaml}, or serve's own config), else the embedded store's built-in
 * schema, all on store {@code grpc-store} at that address; the same YAML serve prints for a Loki
 * querier. So a newcomer reads what serve holds without stopping it (its data directory is locked
 * while it runs).
 */
public final class ServerOption {
    private ServerOption() {}

    /**
     * The effective config of {@code --config} and {@code --server}: a config file alone, or the
     * grpc_store client of a server.
     *
     * @throws ConfigException when neither is given, or the config is invalid
     */
    public static ChunkstoreConfig config(Path config, String server) {
        if (server == null) {
            if (config == null) {
                throw new ConfigException(
                        "give --config FILE (a Cortex or Loki config) or --server HOST:PORT (a"
                                + " running chunkstore serve, e.g. 127.0.0.1:9966)");
            }
            return ChunkstoreConfig.load(config);
        }
        if (server.isBlank() || server.lastIndexOf(':') <= 0) {
            throw new ConfigException(
                    "--server " + server + " is not HOST:PORT (e.g. 127.0.0.1:9966)");
        }
        SchemaConfig schema =
                config == null
                        ? ChunkstoreConfig.parse(EmbeddedStore.BUILT_IN_SCHEMA, "built-in schema")
                                .schemaConfig()
                        : ChunkstoreConfig.load(config).schemaConfig();
        return ChunkstoreConfig.parse(QuerierYaml.loki(schema, server), "--server " + server);
    }
}
