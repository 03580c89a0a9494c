package io.chunkstore.dynamodb;

import io.chunkstore.conformance.ConformanceSuite;
import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import io.chunkstore.testservers.DynamoDbEndpoint;
import io.chunkstore.testservers.RealServer;
import io.chunkstore.testservers.TestServers;
import java.util.Map;

/**
 * The whole conformance suite against DynamoDB Local, through the provider SPI and the
 * Cortex-shaped {@code aws:} config block, as a user opens the store.
 */
@RealServer
class DynamodbConformanceTest implements ConformanceSuite {

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
                                0, // no rate limit on table calls: the suite creates a table per
                                // test
                                "backoff_config",
                                Map.of(
                                        "min_period",
                                        "5ms",
                                        "max_period",
                                        "200ms",
                                        "max_retries",
                                        20)));
        return StorageProviders.open(
                new BackendContext("aws-dynamo", Map.of("aws", aws), null, "cortex"));
    }
}
