package io.chunkstore.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.chunkstore.spi.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A whole config file in any of the three shapes users have ({@link ConfigDialect}): a Cortex
 * schema file, a Cortex config, or a Loki config. It gives the validated {@link SchemaConfig} and
 * keeps the other blocks raw (the storage, table manager and limits blocks), for the modules that
 * bind them, and binds the keys of the limits and storage blocks that core reads ({@link
 * LimitsConfig}, {@link StorageSettings}). Unknown top-level keys are accepted, since real configs
 * hold the sections of every Cortex or Loki component ({@code ingester:}, {@code server:}, ...);
 * unknown keys inside a period config are errors, and so are misspellings of the keys read in the
 * limits and storage blocks.
 */
public final class ChunkstoreConfig {
    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory())
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String source;
    private final ConfigDialect dialect;
    private final SchemaConfig schemaConfig;
    private final Map<String, Object> storage;
    private final Map<String, Object> tableManager;
    private final Map<String, Object> limits;
    private final LimitsConfig limitsConfig;
    private final StorageSettings storageSettings;
    private final String metricsNamespace;

    private ChunkstoreConfig(
            String source,
            ConfigDialect dialect,
            SchemaConfig schemaConfig,
            Map<String, Object> storage,
            Map<String, Object> tableManager,
            Map<String, Object> limits,
            LimitsConfig limitsConfig,
            StorageSettings storageSettings,
            String metricsNamespace) {
        this.source = source;
        this.dialect = dialect;
        this.schemaConfig = schemaConfig;
        this.storage = storage;
        this.tableManager = tableManager;
        this.limits = limits;
        this.limitsConfig = limitsConfig;
        this.storageSettings = storageSettings;
        this.metricsNamespace = metricsNamespace;
    }

    /**
     * Loads and validates a config file.
     *
     * @throws ConfigException when the file is missing, is not YAML, has no schema config, or the
     *     schema config is invalid; the message names the file, the key and the entry
     */
    public static ChunkstoreConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /**
     * Parses and validates config text; {@code source} names it in messages (a file name).
     *
     * @throws ConfigException as {@link #load}
     */
    public static ChunkstoreConfig parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(
                    source
                            + " is not valid YAML: "
                            + e.getOriginalMessage()
                            + (e.getLocation() == null
                                    ? ""
                                    : " (line "
                                            + e.getLocation().getLineNr()
                                            + ", column "
                                            + e.getLocation().getColumnNr()
                                            + ")"),
                    e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException(
                    source
                            + " is empty: expected a schema config (configs:, schema: or"
                            + " schema_config:)");
        }
        if (!root.isObject()) {
            throw new ConfigException(
                    source + " must be a YAML mapping, not " + PeriodConfigReader.kind(root));
        }
        ConfigDialect dialect = detect(root, source);
        JsonNode periods;
        if (dialect == ConfigDialect.CORTEX_SCHEMA_FILE) {
            periods = root.get("configs");
        } else {
            JsonNode block = root.get(dialect.schemaKey());
            if (!block.isObject()) {
                throw new ConfigException(
                        source
                                + ": "
                                + dialect.schemaKey()
                                + " must be a mapping with a configs:"
                                + " list, not "
                                + PeriodConfigReader.kind(block));
            }
            block.fieldNames()
                    .forEachRemaining(
                            k -> {
                                if (!k.equals("configs")) {
                                    throw new ConfigException(
                                            source
                                                    + ": unknown key "
                                                    + dialect.schemaKey()
                                                    + "."
                                                    + k
                                                    + " (known: configs)");
                                }
                            });
            periods = block.get("configs");
        }
        SchemaConfig schema;
        try {
            schema =
                    PeriodConfigReader.read(periods, dialect.periodsKeyPath()).withDialect(dialect);
        } catch (ConfigException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
        Map<String, Object> storage = rawBlock(root, dialect.storageKey(), source);
        Map<String, Object> limits = rawBlock(root, dialect.limitsKey(), source);
        LimitsConfig limitsConfig;
        StorageSettings storageSettings;
        try {
            limitsConfig = LimitsConfig.bind(limits, dialect.limitsKey());
            storageSettings = StorageSettings.bind(storage, dialect.storageKey());
        } catch (ConfigException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
        return new ChunkstoreConfig(
                source,
                dialect,
                schema,
                storage,
                rawBlock(root, "table_manager", source),
                limits,
                limitsConfig,
                storageSettings,
                dialect.defaultMetricsNamespace());
    }

    private static ConfigDialect detect(JsonNode root, String source) {
        boolean loki = root.has("schema_config");
        boolean cortex = root.has("schema");
        if (loki && cortex) {
            throw new ConfigException(
                    source + " has both schema: (Cortex) and schema_config: (Loki); keep one");
        }
        if (loki) {
            return ConfigDialect.LOKI;
        }
        if (cortex) {
            return ConfigDialect.CORTEX;
        }
        if (root.has("configs")) {
            return ConfigDialect.CORTEX_SCHEMA_FILE;
        }
        throw new ConfigException(
                source
                        + " has no schema config: expected a top-level configs: list (Cortex"
                        + " schema file), schema: (Cortex config) or schema_config: (Loki config)");
    }

    private static Map<String, Object> rawBlock(JsonNode root, String key, String source) {
        if (key == null || !root.has(key) || root.get(key).isNull()) {
            return Map.of();
        }
        JsonNode block = root.get(key);
        if (!block.isObject()) {
            throw new ConfigException(
                    source
                            + ": "
                            + key
                            + " must be a mapping, not "
                            + PeriodConfigReader.kind(block));
        }
        Map<String, Object> map =
                YAML.convertValue(block, new TypeReference<LinkedHashMap<String, Object>>() {});
        return Collections.unmodifiableMap(map);
    }

    /** Where the config came from (a file name), for messages. */
    public String source() {
        return source;
    }

    public ConfigDialect dialect() {
        return dialect;
    }

    /** The validated schema config. */
    public SchemaConfig schemaConfig() {
        return schemaConfig;
    }

    /**
     * The storage block as read ({@code storage:} in Cortex, {@code storage_config:} in Loki);
     * empty when absent. Backends read their own sub-blocks ({@code cassandra:}, {@code bigtable:},
     * {@code aws:}, ...).
     */
    public Map<String, Object> storage() {
        return storage;
    }

    /** The {@code table_manager:} block as read; empty when absent. */
    public Map<String, Object> tableManager() {
        return tableManager;
    }

    /**
     * The limits block as read ({@code limits:} in Cortex, {@code limits_config:} in Loki); empty
     * when absent.
     */
    public Map<String, Object> limits() {
        return limits;
    }

    /** The keys of the limits block chunkstore reads, bound and checked. */
    public LimitsConfig limitsConfig() {
        return limitsConfig;
    }

    /** The keys at the top of the storage block core reads, bound and checked. */
    public StorageSettings storageSettings() {
        return storageSettings;
    }

    /**
     * The metric-name prefix: {@code cortex} for Cortex files, {@code loki} for Loki, unless
     * overridden.
     */
    public String metricsNamespace() {
        return metricsNamespace;
    }

    /** The same config with another metrics namespace ("" for none). */
    public ChunkstoreConfig withMetricsNamespace(String namespace) {
        return new ChunkstoreConfig(
                source,
                dialect,
                schemaConfig,
                storage,
                tableManager,
                limits,
                limitsConfig,
                storageSettings,
                Objects.requireNonNull(namespace, "namespace"));
    }

    @Override
    public String toString() {
        return "ChunkstoreConfig{" + source + ", " + dialect + ", " + schemaConfig + "}";
    }
}
