package io.chunkstore.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import io.chunkstore.testservers.RealServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The provider: found by store name, what it declares, what it opens, metrics under the namespace,
 * SSE on writes.
 */
@RealServer
class S3StorageProviderTest {

    @Test
    void itIsFoundByStoreNameS3AndClaimsNothingElse() {
        assertThat(StorageProviders.forStore("s3")).isInstanceOf(S3StorageProvider.class);
        assertThat(new S3StorageProvider().storeNames()).containsExactly("s3");
        // 'aws' as an index store is DynamoDB: when a provider claims it, it is never this one
        assertThat(StorageProviders.all())
                .filteredOn(p -> p.storeNames().contains("aws"))
                .noneMatch(p -> p instanceof S3StorageProvider);
    }

    @Test
    void itDeclaresChunksDeletesAndPersistenceWithoutIndexOrTables() {
        var caps = new S3StorageProvider().capabilities("s3");
        assertThat(caps.features())
                .containsExactlyInAnyOrder(
                        Feature.CHUNKS, Feature.CHUNK_DELETE, Feature.PERSISTENT);
        assertThat(caps.maxChunkSize()).isEqualTo(Integer.MAX_VALUE - 8L);
        assertThat(new S3StorageProvider().capabilities("aws")).isEqualTo(caps);
        assertThatThrownBy(() -> new S3StorageProvider().capabilities("cassandra"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cassandra");
    }

    @Test
    void openingWithoutS3SettingsIsAConfigError() {
        assertThatThrownBy(
                        () -> StorageProviders.open(new BackendContext("s3", Map.of(), null, null)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("aws:");
    }

    @Test
    void theBackendHasOnlyAChunkClientAndItsDataOutlivesIt() {
        String bucket = S3TestSupport.freshBucket("provider");
        try (S3AsyncClient plain = S3TestSupport.plainClient()) {
            S3TestSupport.createBuckets(plain, bucket);
        }
        Map<String, Object> storage = S3ConformanceTest.storageConfig(bucket, Map.of());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EncodedChunk chunk = new EncodedChunk("tenant/1:2:3:4", "", new byte[] {1, 2, 3});
        try (StorageBackend b =
                StorageProviders.open(new BackendContext("s3", storage, registry, "loki"))) {
            assertThat(b.storeName()).isEqualTo("s3");
            assertThatThrownBy(b::indexClient)
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("chunks only");
            assertThatThrownBy(b::tableClient).isInstanceOf(UnsupportedOperationException.class);
            b.chunkClient().putChunks(List.of(chunk));
        }
        assertThat(
                        registry.get("loki_s3_request_duration_seconds")
                                .tags("operation", "S3.PutObject", "status_code", "200")
                                .timer()
                                .count())
                .isEqualTo(1);
        try (StorageBackend b =
                StorageProviders.open(new BackendContext("s3", storage, null, null))) {
            assertThat(b.chunkClient().getChunks(List.of(chunk.location()))).containsExactly(chunk);
            b.chunkClient().deleteChunk(chunk.location());
            b.chunkClient().deleteChunk(new ChunkLocation("tenant/never:1:2:3", "")); // a no-op
        }
    }

    @Test
    void sseS3IsRequestedOnEveryWrite() {
        String bucket = S3TestSupport.freshBucket("sse");
        try (S3AsyncClient plain = S3TestSupport.plainClient()) {
            S3TestSupport.createBuckets(plain, bucket);
            try (StorageBackend b =
                    StorageProviders.open(
                            new BackendContext(
                                    "s3",
                                    S3ConformanceTest.storageConfig(
                                            bucket, Map.of("sse", Map.of("type", "SSE-S3"))),
                                    null,
                                    null))) {
                b.chunkClient()
                        .putChunks(List.of(new EncodedChunk("t/1:2:3:4", "", new byte[] {7})));
            }
            var head = plain.headObject(r -> r.bucket(bucket).key("t/1:2:3:4")).join();
            assertThat(head.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
            assertThat(
                            plain.getObject(
                                            r -> r.bucket(bucket).key("t/1:2:3:4"),
                                            AsyncResponseTransformer.toBytes())
                                    .join()
                                    .asByteArray())
                    .containsExactly(7);
        }
    }

    /**
     * S3Mock accepts only KMS keys it was started with (none here), so it refuses the write, naming
     * the key id it received: proof the key travelled. The headers of the request are checked as
     * sent.
     */
    @Test
    void sseKmsSendsTheKeyIdAndTheEncryptionContext() {
        String bucket = S3TestSupport.freshBucket("kms");
        String keyId = "arn:aws:kms:us-east-1:123456789012:key/test-key";
        String context =
                java.util.Base64.getEncoder()
                        .encodeToString(
                                "{\"team\":\"obs\"}"
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Map<String, List<String>> sent = new java.util.concurrent.ConcurrentHashMap<>();
        try (S3AsyncClient plain = S3TestSupport.plainClient()) {
            S3TestSupport.createBuckets(plain, bucket);
        }
        try (S3ObjectClient c =
                S3ObjectClient.builder(
                                S3TestSupport.config(bucket)
                                        .withSse(new S3Config.Sse("SSE-KMS", keyId, context)))
                        .addInterceptor(
                                new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                                    @Override
                                    public void beforeTransmission(
                                            software.amazon.awssdk.core.interceptor.Context
                                                            .BeforeTransmission
                                                    ctx,
                                            software.amazon.awssdk.core.interceptor
                                                            .ExecutionAttributes
                                                    attributes) {
                                        sent.putAll(ctx.httpRequest().headers());
                                    }
                                })
                        .build()) {
            assertThatThrownBy(() -> c.putObject("t/kms", new byte[] {8}))
                    .isInstanceOf(io.chunkstore.spi.InvalidRequestException.class)
                    .hasMessageContaining("KMS.NotFoundException")
                    .hasMessageContaining(keyId);
        }
        assertThat(sent.get("x-amz-server-side-encryption")).containsExactly("aws:kms");
        assertThat(sent.get("x-amz-server-side-encryption-aws-kms-key-id")).containsExactly(keyId);
        assertThat(sent.get("x-amz-server-side-encryption-context")).containsExactly(context);
    }
}
