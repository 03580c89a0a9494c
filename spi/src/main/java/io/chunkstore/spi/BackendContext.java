package io.chunkstore.spi;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link StorageProvider} gets to open a store.
 *
 * @param storeName the store name from the period config ({@code store} or {@code object_store})
 * @param storageConfig the whole storage block of the config file as a YAML tree (Cortex {@code
 *     storage:}, Loki {@code storage_config:}); the provider reads its own part ({@code
 *     cassandra:}, {@code bigtable:}, {@code aws:}, ...)
 * @param metrics where to register metrics
 * @param metricsNamespace prefix of metric names ({@code cortex}, {@code loki}, {@code chunkstore})
 */
public record BackendContext(
        String storeName,
        Map<String, Object> storageConfig,
        MeterRegistry metrics,
        String metricsNamespace) {

    public BackendContext {
        Objects.requireNonNull(storeName, "storeName");
        storageConfig = storageConfig == null ? Map.of() : storageConfig;
        metrics = metrics == null ? new SimpleMeterRegistry() : metrics;
        metricsNamespace = metricsNamespace == null ? "chunkstore" : metricsNamespace;
    }

    /** The named sub-block of the storage config, or an empty map when absent. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> block(String key) {
        Object v = storageConfig.get(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map)) {
            throw new ConfigException(
                    "storage config key '" + key + "' must be a mapping, not " + v);
        }
        return (Map<String, Object>) v;
    }

    /** A metric name under the namespace: {@code <namespace>_<name>}. */
    public String metricName(String name) {
        return metricsNamespace.isEmpty() ? name : metricsNamespace + "_" + name;
    }
}
