package io.chunkstore.grpc;

import io.chunkstore.conformance.ConformanceSuite;
import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import io.chunkstore.spi.support.ComposedBackend;
import io.chunkstore.testservers.DynamoDbEndpoint;
import io.chunkstore.testservers.RealServer;
import io.chunkstore.testservers.TestServers;
import java.util.Map;

/**
 * The whole conformance suite through the plugin into a real server: Java client, Netty, the
 * grpc_store server, the DynamoDB backend (opened through its provider with a Cortex-shaped {@code
 * aws:} block), DynamoDB Local. What the local-backend run ({@link GrpcConformanceTest}) cannot
 * show: the server's streaming and error mapping over a backend with real network paging,
 * throttling retries and typed missing tables.
 */
@RealServer
class GrpcDynamoConformanceTest implements ConformanceSuite {

    @Override
    public StorageBackend openBackend() {
        DynamoDbEndpoint ep = TestServers.dynamodb();
        String url = ep.dynamodbUrl();
        Map<String, Object> aws =
                Map.of(
                        "region",
                        ep.region(),
                        "dynamodb",
                        Map.of(
                                "dynamodb_url",
                                url,
                                "api_limit",
                                0, // the suite creates a table per test
                                "backoff_config",
                                Map.of(
                                        "min_period",
                                        "5ms",
                                        "max_period",
                                        "200ms",
                                        "max_retries",
                                        20)));
        StorageBackend dynamo =
                StorageProviders.open(
                        new BackendContext("aws-dynamo", Map.of("aws", aws), null, "cortex"));
        GrpcStoreServer server =
                GrpcStoreServer.builder()
                        .allowTableDeletion(true) // the suite drops its tables
                        .backend(dynamo)
                        // The Java client names the chunk table on every delete, so the Go-style
                        // resolver is never needed.
                        .chunkTableResolver(
                                key -> {
                                    throw new InvalidRequestException(
                                            "DeleteChunks without a table header: " + key);
                                })
                        .build()
                        .start();
        Capabilities caps =
                new Capabilities(
                        dynamo.capabilities().features(),
                        Math.min(
                                dynamo.capabilities().maxChunkSize(),
                                GrpcStoreClient.DEFAULT_MAX_CHUNK_SIZE));
        GrpcStoreClient client =
                GrpcStoreClient.builder("127.0.0.1:" + server.port()).capabilities(caps).build();
        return ComposedBackend.builder(GrpcStoreClient.STORE_NAME + "+aws-dynamo", caps)
                .index(client.indexClient())
                .chunks(client.chunkClient())
                .tables(client.tableClient())
                .alsoClose(client)
                .alsoClose(server)
                .alsoClose(dynamo)
                .build();
    }
}
