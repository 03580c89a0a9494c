package io.chunkstore.grpc;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProvider;
import java.util.Map;
import java.util.Set;

/**
 * Opens store {@code grpc-store}: a {@link GrpcStoreClient} to the server named by the storage
 * block's {@code grpc_store: {server_address: host:port}} (Cortex {@code storage:}, Loki {@code
 * storage_config:}; flag {@code -grpc-store.server-address}).
 */
public final class GrpcStoreProvider implements StorageProvider {
    /** The storage config block this provider reads. */
    public static final String CONFIG_BLOCK = "grpc_store";

    /** Its one key: the plugin server's {@code host:port}. */
    public static final String SERVER_ADDRESS = "server_address";

    @Override
    public Set<String> storeNames() {
        return Set.of(GrpcStoreClient.STORE_NAME);
    }

    @Override
    public Capabilities capabilities(String storeName) {
        return GrpcStoreClient.DEFAULT_CAPABILITIES;
    }

    /**
     * @throws ConfigException when {@code grpc_store.server_address} is missing or empty
     */
    @Override
    public StorageBackend open(BackendContext context) {
        Map<String, Object> block = context.block(CONFIG_BLOCK);
        Object address = block.get(SERVER_ADDRESS);
        if (address == null || address.toString().isBlank()) {
            throw new ConfigException(
                    "store '"
                            + context.storeName()
                            + "' needs "
                            + CONFIG_BLOCK
                            + "."
                            + SERVER_ADDRESS
                            + " (host:port of the grpc_store plugin server) in the storage config,"
                            + " e.g. grpc_store: {server_address: localhost:9966}");
        }
        return GrpcStoreClient.builder(address.toString()).storeName(context.storeName()).build();
    }
}
