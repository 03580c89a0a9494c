package io.chunkstore.grpc;

import io.chunkstore.conformance.ConformanceSuite;
import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import io.chunkstore.spi.support.ComposedBackend;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certifies the plugin protocol end to end: the whole conformance suite runs through the Java
 * client, over a real Netty connection, into the server, and on into the local backend. A chunk too
 * large for one 4 MiB message is a documented limit of the protocol, declared through the client's
 * capabilities.
 */
class GrpcConformanceTest implements ConformanceSuite {
    @TempDir static Path dir;

    @Override
    public StorageBackend openBackend() throws Exception {
        StorageBackend local =
                StorageProviders.open(
                        new BackendContext(
                                "local",
                                Map.of("local", Map.of("directory", dir.toString())),
                                null,
                                null));
        // The Java client names the chunk table on every delete, so the Go-style resolver must
        // never be needed.
        GrpcStoreServer server =
                GrpcStoreServer.builder()
                        .allowTableDeletion(true) // the suite drops its tables
                        .backend(local)
                        .chunkTableResolver(
                                key -> {
                                    throw new InvalidRequestException(
                                            "DeleteChunks without a table header: " + key);
                                })
                        .build()
                        .start();
        Capabilities caps =
                new Capabilities(
                        local.capabilities().features(),
                        Math.min(
                                local.capabilities().maxChunkSize(),
                                GrpcStoreClient.DEFAULT_MAX_CHUNK_SIZE));
        GrpcStoreClient client =
                GrpcStoreClient.builder("127.0.0.1:" + server.port()).capabilities(caps).build();
        return ComposedBackend.builder(GrpcStoreClient.STORE_NAME, caps)
                .index(client.indexClient())
                .chunks(client.chunkClient())
                .tables(client.tableClient())
                .alsoClose(client)
                .alsoClose(server)
                .alsoClose(local)
                .build();
    }
}
