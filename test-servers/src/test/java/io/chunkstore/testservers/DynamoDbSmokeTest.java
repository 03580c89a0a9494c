package io.chunkstore.testservers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** DynamoDB Local starts and answers the real AWS SDK v2 client. */
@RealServer
class DynamoDbSmokeTest {

    @Test
    void createsATablePutsAndGetsWithTheRealSdk() {
        DynamoDbEndpoint ep = TestServers.dynamodb();
        try (DynamoDbClient client =
                DynamoDbClient.builder()
                        .endpointOverride(ep.endpoint())
                        .region(Region.of(ep.region()))
                        .credentialsProvider(
                                StaticCredentialsProvider.create(
                                        AwsBasicCredentials.create(
                                                ep.accessKeyId(), ep.secretAccessKey())))
                        .build()) {
            String table = "smoke_index";
            client.createTable(
                    b ->
                            b.tableName(table)
                                    .keySchema(
                                            KeySchemaElement.builder()
                                                    .attributeName("h")
                                                    .keyType(KeyType.HASH)
                                                    .build(),
                                            KeySchemaElement.builder()
                                                    .attributeName("r")
                                                    .keyType(KeyType.RANGE)
                                                    .build())
                                    .attributeDefinitions(
                                            AttributeDefinition.builder()
                                                    .attributeName("h")
                                                    .attributeType(ScalarAttributeType.S)
                                                    .build(),
                                            AttributeDefinition.builder()
                                                    .attributeName("r")
                                                    .attributeType(ScalarAttributeType.B)
                                                    .build())
                                    .billingMode(BillingMode.PAY_PER_REQUEST));
            for (int i = 0; i < 5; i++) {
                Map<String, AttributeValue> row =
                        Map.of(
                                "h", AttributeValue.fromS("series-1"),
                                "r", AttributeValue.fromB(SdkBytes.fromUtf8String("range-" + i)),
                                "c", AttributeValue.fromB(SdkBytes.fromUtf8String("value-" + i)));
                client.putItem(b -> b.tableName(table).item(row));
            }

            Map<String, AttributeValue> item =
                    client.getItem(
                                    b ->
                                            b.tableName(table)
                                                    .consistentRead(true)
                                                    .key(
                                                            Map.of(
                                                                    "h",
                                                                            AttributeValue.fromS(
                                                                                    "series-1"),
                                                                    "r",
                                                                            AttributeValue.fromB(
                                                                                    SdkBytes
                                                                                            .fromUtf8String(
                                                                                                    "range-3")))))
                            .item();
            assertThat(item.get("c").b().asUtf8String()).isEqualTo("value-3");

            QueryResponse page =
                    client.query(
                            b ->
                                    b.tableName(table)
                                            .keyConditionExpression("h = :h AND r >= :r")
                                            .expressionAttributeValues(
                                                    Map.of(
                                                            ":h",
                                                            AttributeValue.fromS("series-1"),
                                                            ":r",
                                                            AttributeValue.fromB(
                                                                    SdkBytes.fromUtf8String(
                                                                            "range-2")))));
            assertThat(page.items())
                    .extracting(i -> i.get("r").b().asUtf8String())
                    .isEqualTo(List.of("range-2", "range-3", "range-4"));
            assertThat(client.listTables().tableNames()).contains(table);
        }
    }
}
