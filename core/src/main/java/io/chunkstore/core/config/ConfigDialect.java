package io.chunkstore.core.config;

/**
 * Which kind of file a config came from; it decides the key names of the blocks and the metrics
 * namespace.
 */
public enum ConfigDialect {
    /**
     * A Cortex schema file ({@code -schema-config-file}): a top-level {@code configs:} list and
     * nothing else.
     */
    CORTEX_SCHEMA_FILE("configs", null, null, "cortex"),
    /**
     * A Cortex config: {@code schema:}, {@code storage:}, {@code table_manager:}, {@code limits:}.
     */
    CORTEX("schema", "storage", "limits", "cortex"),
    /**
     * A Loki config: {@code schema_config:}, {@code storage_config:}, {@code table_manager:},
     * {@code limits_config:}.
     */
    LOKI("schema_config", "storage_config", "limits_config", "loki");

    private final String schemaKey;
    private final String storageKey;
    private final String limitsKey;
    private final String metricsNamespace;

    ConfigDialect(String schemaKey, String storageKey, String limitsKey, String metricsNamespace) {
        this.schemaKey = schemaKey;
        this.storageKey = storageKey;
        this.limitsKey = limitsKey;
        this.metricsNamespace = metricsNamespace;
    }

    /**
     * The top-level key of the schema: {@code configs}, {@code schema} or {@code schema_config}.
     */
    public String schemaKey() {
        return schemaKey;
    }

    /** The top-level key of the storage block, or null when the file has none (a schema file). */
    public String storageKey() {
        return storageKey;
    }

    /** The top-level key of the limits block, or null when the file has none (a schema file). */
    public String limitsKey() {
        return limitsKey;
    }

    /** The key path of the period list in messages: {@code configs}, {@code schema.configs}, ... */
    public String periodsKeyPath() {
        return this == CORTEX_SCHEMA_FILE ? "configs" : schemaKey + ".configs";
    }

    /**
     * The metric-name prefix users of this dialect dashboard on: {@code cortex} or {@code loki}.
     */
    public String defaultMetricsNamespace() {
        return metricsNamespace;
    }
}
