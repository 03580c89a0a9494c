package io.chunkstore.bigtable;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProvider;
import java.util.Set;

/**
 * The Bigtable backend, found by {@link java.util.ServiceLoader} for the store names {@code gcp},
 * {@code gcp-columnkey}, {@code bigtable} and {@code bigtable-hashed}. It reads the {@code
 * bigtable:} block of the storage config ({@link BigtableConfig}) and registers {@code
 * <namespace>_bigtable_request_duration_seconds}.
 */
public final class BigtableStorageProvider implements StorageProvider {

    @Override
    public Set<String> storeNames() {
        return IndexLayout.STORE_NAMES;
    }

    /**
     * The same for every store name: index, chunks (up to 100 MiB), tables, typed missing tables,
     * chunk delete.
     */
    @Override
    public Capabilities capabilities(String storeName) {
        IndexLayout.forStore(storeName);
        return BigtableBackend.CAPABILITIES;
    }

    @Override
    public StorageBackend open(BackendContext context) {
        IndexLayout.forStore(context.storeName());
        BigtableConfig config = BigtableConfig.bind(context.block("bigtable"));
        return BigtableBackend.open(
                context.storeName(),
                config,
                context.metrics(),
                context.metricName(RequestMetrics.NAME));
    }
}
