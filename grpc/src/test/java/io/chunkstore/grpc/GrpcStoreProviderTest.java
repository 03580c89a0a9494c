package io.chunkstore.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.memory.InMemoryBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store {@code grpc-store} is found on the class path and opened from Cortex's / Loki's {@code
 * grpc_store} block.
 */
class GrpcStoreProviderTest {

    @Test
    void grpcStoreIsFoundByName() {
        assertThat(StorageProviders.forStore("grpc-store")).isInstanceOf(GrpcStoreProvider.class);
    }

    @Test
    void opensAClientToTheServerAddressOfTheStorageBlock() throws Exception {
        InMemoryBackend backend = new InMemoryBackend();
        backend.createTable(TableDesc.named("index_2700"));
        try (TestHarness h = TestHarness.start(s -> s.backend(backend))) {
            // storage_config: {grpc_store: {server_address: 127.0.0.1:PORT}}
            BackendContext context =
                    new BackendContext(
                            "grpc-store",
                            Map.of(
                                    "grpc_store",
                                    Map.of("server_address", "127.0.0.1:" + h.server.port())),
                            null,
                            "loki");
            try (StorageBackend remote = StorageProviders.open(context)) {
                assertThat(remote.storeName()).isEqualTo("grpc-store");
                assertThat(remote).isInstanceOf(GrpcStoreClient.class);
                assertThat(((GrpcStoreClient) remote).target())
                        .isEqualTo("127.0.0.1:" + h.server.port());
                assertThat(remote.tableClient().listTables()).containsExactly("index_2700");
            }
        }
    }

    @Test
    void aMissingServerAddressIsAConfigErrorNamingTheKey() {
        for (Map<String, Object> storage :
                java.util.List.<Map<String, Object>>of(
                        Map.of(),
                        Map.of("grpc_store", Map.of()),
                        Map.of("grpc_store", Map.of("server_address", " ")))) {
            BackendContext context = new BackendContext("grpc-store", storage, null, null);
            assertThatThrownBy(() -> new GrpcStoreProvider().open(context))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("grpc_store.server_address");
        }
    }

    @Test
    void aTokenFileNamedByTheEnvironmentAuthenticatesTheClient(@TempDir Path dir) throws Exception {
        String token = "s3cret-token";
        TokenCheck check =
                t -> t.equals(token) ? java.util.Optional.of("tools") : java.util.Optional.empty();
        InMemoryBackend backend = new InMemoryBackend();
        backend.createTable(TableDesc.named("index_1"));
        Path file = Files.writeString(dir.resolve("token"), token + "\n");
        try (TestHarness h = TestHarness.start(s -> s.backend(backend).tokens(check))) {
            BackendContext context =
                    new BackendContext(
                            "grpc-store",
                            Map.of(
                                    "grpc_store",
                                    Map.of("server_address", "127.0.0.1:" + h.server.port())),
                            null,
                            "cortex");
            Map<String, String> env = Map.of(GrpcStoreProvider.TOKEN_FILE_ENV, file.toString());
            try (StorageBackend remote = new GrpcStoreProvider(env::get).open(context)) {
                assertThat(remote.tableClient().listTables()).containsExactly("index_1");
            }
            try (StorageBackend remote = new GrpcStoreProvider(k -> null).open(context)) {
                assertThatThrownBy(() -> remote.tableClient().listTables())
                        .hasMessageContaining("UNAUTHENTICATED");
            }
            Path empty = Files.writeString(dir.resolve("empty"), "\n");
            assertThatThrownBy(
                            () ->
                                    new GrpcStoreProvider(
                                                    Map.of(
                                                                    GrpcStoreProvider
                                                                            .TOKEN_FILE_ENV,
                                                                    empty.toString())
                                                            ::get)
                                            .open(context))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(GrpcStoreProvider.TOKEN_FILE_ENV)
                    .hasMessageContaining("one bearer token");
            assertThatThrownBy(
                            () ->
                                    new GrpcStoreProvider(
                                                    Map.of(
                                                                    GrpcStoreProvider
                                                                            .TOKEN_FILE_ENV,
                                                                    dir.resolve("missing")
                                                                            .toString())
                                                            ::get)
                                            .open(context))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("cannot be read")
                    .hasMessageNotContaining(token);
        }
    }
}
