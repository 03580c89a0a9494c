package io.chunkstore.core.config;

import io.chunkstore.spi.support.ConfigBinder;
import io.chunkstore.spi.support.ConfigKey;
import java.time.Duration;
import java.util.Map;

/**
 * The keys core reads at the top of the storage block ({@code storage:} in Cortex, {@code
 * storage_config:} in Loki). The block's other keys are the backends' sub-blocks ({@code
 * cassandra:}, {@code aws:}, ..., each bound by its backend) and keys of Cortex and Loki components
 * chunkstore does not run, accepted unread; a key so close to one of these that it must be a
 * misspelling is refused.
 *
 * @param indexCacheValidity {@code index_cache_validity}
 */
public record StorageSettings(
        @ConfigKey(
                        value = "index_cache_validity",
                        dflt = "5m",
                        doc =
                                "How long an index row read for a query of"
                                        + " recent data stays in the index cache (rows of older, immutable queries never expire).")
                Duration indexCacheValidity) {

    /**
     * Binds a storage block's top level; {@code path} is its key ({@code storage}, {@code
     * storage_config}).
     */
    public static StorageSettings bind(Map<String, Object> block, String path) {
        return ConfigBinder.bindShared(StorageSettings.class, block, path);
    }
}
