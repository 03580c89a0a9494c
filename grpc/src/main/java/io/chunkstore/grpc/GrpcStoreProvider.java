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
 * storage_config:}; flag {@code -grpc-store.server-address}). For a server started with {@code
 * chunkstore serve --auth-file}, the environment variable {@value #TOKEN_FILE_ENV} names a file
 * holding the bearer token to send (the block itself keeps Cortex's one key, since Cortex and Loki
 * refuse keys they do not know in the same file).
 */
public final class GrpcStoreProvider implements StorageProvider {
    /** The storage config block this provider reads. */
    public static final String CONFIG_BLOCK = "grpc_store";

    /** Its one key: the plugin server's {@code host:port}. */
    public static final String SERVER_ADDRESS = "server_address";

    /** The environment variable naming the file of the bearer token the client sends. */
    public static final String TOKEN_FILE_ENV = "CHUNKSTORE_GRPC_STORE_TOKEN_FILE";

    private final java.util.function.UnaryOperator<String> env;

    /** A provider reading the token file from the process environment. */
    public GrpcStoreProvider() {
        this(System::getenv);
    }

    GrpcStoreProvider(java.util.function.UnaryOperator<String> env) {
        this.env = env;
    }

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
        GrpcStoreClient.Builder client =
                GrpcStoreClient.builder(address.toString()).storeName(context.storeName());
        String tokenFile = env.apply(TOKEN_FILE_ENV);
        if (tokenFile != null && !tokenFile.isBlank()) {
            client.bearerToken(readToken(java.nio.file.Path.of(tokenFile)));
        }
        return client.build();
    }

    /** The token in {@code file}: its content without surrounding white space. */
    private static String readToken(java.nio.file.Path file) {
        String token;
        try {
            token = java.nio.file.Files.readString(file).strip();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new ConfigException(
                    TOKEN_FILE_ENV + " names " + file + ", which cannot be read: " + e, e);
        }
        if (token.isEmpty() || token.chars().anyMatch(Character::isWhitespace)) {
            throw new ConfigException(
                    TOKEN_FILE_ENV
                            + " names "
                            + file
                            + ", which must hold one bearer token (no spaces or line breaks"
                            + " inside it)");
        }
        return token;
    }
}
