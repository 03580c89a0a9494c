package io.chunkstore.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.spi.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code chunkstore serve} without a config: the embedded local store in a data directory, with the
 * schema config in {@code <data>/schema.yaml} (a Cortex schema file). On first start the built-in
 * schema is written there, so the user sees it and can edit it (for example to add a period); later
 * starts read it back. Its periods must use store {@code local}: anything else needs a real config
 * ({@code --config}).
 */
public final class EmbeddedStore {
    /** The store name of the embedded backend. */
    public static final String STORE = "local";

    /** The schema file inside the data directory. */
    public static final String SCHEMA_FILE = "schema.yaml";

    /** The metrics namespace of the embedded server. */
    public static final String METRICS_NAMESPACE = "chunkstore";

    /**
     * The built-in schema: one v11 period with weekly {@code index_} and {@code chunks_} tables
     * from a fixed date, so every fresh data directory gets the same table names (and a querier's
     * YAML stays valid).
     */
    public static final String BUILT_IN_SCHEMA =
            """
            # The schema config of this chunkstore data directory (a Cortex schema file). `chunkstore serve --data DIR`
            # wrote it on first start and reads it on every start; queriers pointed at the server must use the same
            # periods (serve prints their YAML). To change the schema later, append a period with a future `from`;
            # never edit a period that already holds data.
            configs:
              - from: 2020-01-01
                store: local
                object_store: local
                schema: v11
                index:
                  prefix: index_
                  period: 168h
                chunks:
                  prefix: chunks_
                  period: 168h
                row_shards: 16
            """;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private EmbeddedStore() {}

    /**
     * Creates the data directory and its schema file when missing, then reads the schema file and
     * returns the effective config: that schema with the local store in {@code dataDir}.
     *
     * @throws ConfigException when the schema file is invalid or names a store other than {@code
     *     local}
     */
    public static ChunkstoreConfig prepare(Path dataDir) {
        Path schemaFile = dataDir.resolve(SCHEMA_FILE);
        String text;
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(schemaFile)) {
                Files.writeString(schemaFile, BUILT_IN_SCHEMA, StandardCharsets.UTF_8);
            }
            text = Files.readString(schemaFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot prepare the data directory " + dataDir + ": " + e.getMessage(), e);
        }
        ChunkstoreConfig schemaOnly = ChunkstoreConfig.parse(text, schemaFile.toString());
        for (PeriodConfig p : schemaOnly.schemaConfig().periods()) {
            if (!p.store().equals(STORE) || !p.objectStore().equals(STORE)) {
                throw new ConfigException(
                        schemaFile
                                + ": the period from "
                                + p.from()
                                + " uses store "
                                + p.store()
                                + " / object_store "
                                + p.objectStore()
                                + "; without --config, serve runs only the embedded"
                                + " store 'local' (give a Cortex or Loki config with --config for other stores)");
            }
        }
        ObjectNode root = YAML.createObjectNode();
        JsonNode schema;
        try {
            schema = YAML.readTree(text);
        } catch (IOException e) {
            throw new ConfigException(schemaFile + " is not valid YAML: " + e.getMessage(), e);
        }
        root.set("schema", schema);
        root.putObject("storage")
                .putObject("local")
                .put("directory", dataDir.toAbsolutePath().toString());
        String effective;
        try {
            effective = YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return ChunkstoreConfig.parse(effective, schemaFile.toString())
                .withMetricsNamespace(METRICS_NAMESPACE);
    }
}
