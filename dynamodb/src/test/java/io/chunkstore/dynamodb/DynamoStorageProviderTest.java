package io.chunkstore.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DynamoStorageProviderTest {

    @Test
    void foundByStoreName() {
        assertThat(StorageProviders.forStore("aws-dynamo"))
                .isInstanceOf(DynamoStorageProvider.class);
        assertThat(StorageProviders.forStore("aws")).isInstanceOf(DynamoStorageProvider.class);
    }

    @Test
    void capabilities() {
        Capabilities dynamo = new DynamoStorageProvider().capabilities("aws-dynamo");
        assertThat(dynamo.features())
                .containsExactlyInAnyOrder(
                        Feature.INDEX,
                        Feature.INDEX_SCAN,
                        Feature.CHUNKS,
                        Feature.TABLES,
                        Feature.MISSING_TABLE_ERRORS,
                        Feature.TABLE_PROVISIONING,
                        Feature.TABLE_TAGS,
                        Feature.CHUNK_DELETE,
                        Feature.PERSISTENT);
        assertThat(dynamo.maxChunkSize()).isEqualTo(64L << 20);
        Capabilities aws = new DynamoStorageProvider().capabilities("aws");
        assertThat(aws.has(Feature.CHUNKS)).isFalse();
        assertThat(aws.has(Feature.CHUNK_DELETE)).isFalse();
        assertThat(aws.has(Feature.INDEX)).isTrue();
        assertThatThrownBy(() -> new DynamoStorageProvider().capabilities("cassandra"))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void openingWithoutAnAwsBlockSaysWhatIsMissing() {
        assertThatThrownBy(
                        () ->
                                new DynamoStorageProvider()
                                        .open(
                                                new BackendContext(
                                                        "aws-dynamo", Map.of(), null, "cortex")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("aws:");
        assertThatThrownBy(
                        () ->
                                new DynamoStorageProvider()
                                        .open(
                                                new BackendContext(
                                                        "aws-dynamo",
                                                        Map.of(
                                                                "aws",
                                                                Map.of(
                                                                        "dynamodb",
                                                                        Map.of(
                                                                                "dynamodb_url",
                                                                                "inmemory:///"))),
                                                        null,
                                                        "cortex")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mock");
    }

    /** Opening builds the SDK client without calling DynamoDB, so this runs without a server. */
    @Test
    void theAwsStoreHasNoChunkClient() {
        try (StorageBackend b =
                new DynamoStorageProvider()
                        .open(
                                new BackendContext(
                                        "aws",
                                        Map.of(
                                                "aws",
                                                Map.of(
                                                        "dynamodb",
                                                        Map.of(
                                                                "dynamodb_url",
                                                                "dynamodb://k:s@us-east-1"))),
                                        null,
                                        "cortex"))) {
            assertThat(b.storeName()).isEqualTo("aws");
            assertThat(b.indexClient()).isNotNull();
            assertThat(b.tableClient()).isNotNull();
            assertThatThrownBy(b::chunkClient)
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("S3")
                    .hasMessageContaining("aws-dynamo");
        }
    }
}
