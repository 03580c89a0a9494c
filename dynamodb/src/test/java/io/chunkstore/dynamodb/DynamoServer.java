package io.chunkstore.dynamodb;

import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.support.Backoff;
import io.chunkstore.testservers.DynamoDbEndpoint;
import io.chunkstore.testservers.TestServers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/** Opens DynamoBackends on the DynamoDB Local that test-servers runs, and reads tables raw. */
final class DynamoServer {
    private static final AtomicInteger TABLES = new AtomicInteger();

    private DynamoServer() {}

    /**
     * Settings for the test server, with a short back-off and no API rate limit so tests stay
     * quick.
     */
    static DynamoConfig config() {
        DynamoDbEndpoint ep = TestServers.dynamodb();
        return DynamoConfig.forEndpoint(
                        ep.endpoint(), ep.region(), ep.accessKeyId(), ep.secretAccessKey())
                .withApiLimit(0)
                .withBackoff(new Backoff.Config(Duration.ofMillis(1), Duration.ofMillis(50), 20));
    }

    static DynamoBackend open(String store) {
        return open(store, config(), new SimpleMeterRegistry(), null);
    }

    static DynamoBackend open(
            String store,
            DynamoConfig config,
            MeterRegistry registry,
            Consumer<DynamoDbAsyncClientBuilder> customizer) {
        UnaryOperator<String> namer = n -> "cortex_" + n;
        return DynamoBackend.open(store, config, registry, namer, customizer);
    }

    /** A table name no other test uses. */
    static String table(String prefix) {
        return prefix + "_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet();
    }

    static String createTable(DynamoBackend backend, String prefix) {
        String name = table(prefix);
        backend.tableClient().createTable(new TableDesc(name, true, 0, 0, Map.of(), null, null));
        return name;
    }

    /** Every item under one hash key, in range order, read raw with the SDK (all pages). */
    static List<Map<String, AttributeValue>> items(
            DynamoDbAsyncClient client, String table, String hash) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder b =
                    QueryRequest.builder()
                            .tableName(table)
                            .consistentRead(true)
                            .keyConditionExpression("h = :h")
                            .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(hash)));
            if (start != null) {
                b.exclusiveStartKey(start);
            }
            QueryResponse resp = client.query(b.build()).join();
            out.addAll(resp.items());
            start =
                    resp.hasLastEvaluatedKey() && !resp.lastEvaluatedKey().isEmpty()
                            ? resp.lastEvaluatedKey()
                            : null;
        } while (start != null);
        return out;
    }

    /** Every item of a table, read raw with the SDK. */
    static List<Map<String, AttributeValue>> scan(DynamoDbAsyncClient client, String table) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder b = ScanRequest.builder().tableName(table).consistentRead(true);
            if (start != null) {
                b.exclusiveStartKey(start);
            }
            ScanResponse resp = client.scan(b.build()).join();
            out.addAll(resp.items());
            start =
                    resp.hasLastEvaluatedKey() && !resp.lastEvaluatedKey().isEmpty()
                            ? resp.lastEvaluatedKey()
                            : null;
        } while (start != null);
        return out;
    }
}
