package io.chunkstore.spi;

import java.util.Set;

/**
 * A backend, found by store name through {@link java.util.ServiceLoader}: a jar that lists its
 * provider in {@code META-INF/services/io.chunkstore.spi.StorageProvider} is a real plugin.
 */
public interface StorageProvider {

    /**
     * Store names this provider opens, as they appear in a period config's {@code store} / {@code
     * object_store}.
     */
    Set<String> storeNames();

    /** What a store of that name can do, without opening it. */
    Capabilities capabilities(String storeName);

    /**
     * Opens a store: connects, and returns its clients.
     *
     * @throws ConfigException when the provider's config block is missing or wrong
     */
    StorageBackend open(BackendContext context);
}
