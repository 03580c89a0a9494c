package io.chunkstore.s3;

import io.chunkstore.conformance.ConformanceSuite;
import io.chunkstore.conformance.TestScope;
import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import io.chunkstore.spi.memory.InMemoryBackend;
import io.chunkstore.spi.support.ComposedBackend;
import io.chunkstore.testservers.RealServer;
import io.chunkstore.testservers.S3Endpoint;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The whole conformance suite on a period-like composition: chunks in S3 (S3Mock, opened by store
 * name {@code s3} through the provider SPI from a Cortex {@code aws:} block), index and tables in
 * the in-memory reference backend. The chunk contracts exercise S3; the index contracts show that
 * the composition hands each client to the right store. One bucket, as most deployments have;
 * {@link S3ShardedChunksConformanceTest} runs the chunk contracts over sixteen.
 */
@RealServer
class S3ConformanceTest implements ConformanceSuite {

    /**
     * The storage block a user would write for S3Mock, plus {@code extra} keys in its {@code aws:}
     * block.
     */
    static Map<String, Object> storageConfig(String bucketnames, Map<String, Object> extra) {
        return Map.of("aws", awsBlock(bucketnames, extra));
    }

    /** The {@code aws:} block for S3Mock, plus {@code extra} keys. */
    static Map<String, Object> awsBlock(String bucketnames, Map<String, Object> extra) {
        S3Endpoint ep = S3TestSupport.endpoint();
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("bucketnames", bucketnames);
        aws.put("endpoint", ep.endpoint().toString());
        aws.put("region", ep.region());
        aws.put("access_key_id", ep.accessKeyId());
        aws.put("secret_access_key", ep.secretAccessKey());
        aws.put("s3forcepathstyle", ep.pathStyle());
        aws.putAll(extra);
        return aws;
    }

    /** Index and tables from the in-memory backend, chunks from {@code chunks}. */
    static StorageBackend compose(StorageBackend chunks) {
        InMemoryBackend index = new InMemoryBackend();
        EnumSet<Feature> features =
                EnumSet.of(Feature.INDEX, Feature.TABLES, Feature.MISSING_TABLE_ERRORS);
        features.addAll(chunks.capabilities().features());
        features.remove(Feature.PERSISTENT); // the index half is not
        return ComposedBackend.builder(
                        "inmemory+" + chunks.storeName(),
                        new Capabilities(features, chunks.capabilities().maxChunkSize()))
                .index(index)
                .tables(index)
                .chunks(chunks.chunkClient())
                .alsoClose(index)
                .alsoClose(chunks)
                .build();
    }

    @Override
    public StorageBackend openBackend() {
        String bucket = S3TestSupport.freshBucket("conformance");
        try (S3AsyncClient plain = S3TestSupport.plainClient()) {
            S3TestSupport.createBuckets(plain, bucket);
        }
        StorageBackend s3 =
                StorageProviders.open(
                        new BackendContext("s3", storageConfig(bucket, Map.of()), null, "cortex"));
        return compose(s3);
    }

    /**
     * S3Mock keeps a bucket's key index in one JSON file that it rewrites on every PUT, so 10,000
     * objects in one bucket cost it quadratic time and, at its 256 MB heap, run it out of memory
     * (seen here: 5 minutes, then OutOfMemoryError in S3Mock and read timeouts). Real S3 has no
     * such limit. The test runs in {@link S3ShardedChunksConformanceTest}, where the same 10,000
     * chunks spread over sixteen buckets.
     */
    @Override
    @Test
    @Disabled(
            "S3Mock rewrites a bucket's whole key index on every PUT: 10,000 objects in one bucket exhaust its heap;"
                    + " run over 16 buckets in S3ShardedChunksConformanceTest")
    public void tenThousandSmallChunksRoundTrip(TestScope s) {}

    /**
     * Writes 6,400 chunks; runs over sixteen buckets in {@link S3ShardedChunksConformanceTest} (see
     * there why).
     */
    @Override
    @Test
    @Disabled(
            "6,400 chunks in one S3Mock bucket cost it quadratic time; run over 16 buckets in"
                    + " S3ShardedChunksConformanceTest")
    public void schemaReadQueriesFindWhatTheStoreWroteV9ToV12(TestScope s) {}

    /**
     * Writes 6,400 chunks; runs over sixteen buckets in {@link S3ShardedChunksConformanceTest} (see
     * there why).
     */
    @Override
    @Test
    @Disabled(
            "6,400 chunks in one S3Mock bucket cost it quadratic time; run over 16 buckets in"
                    + " S3ShardedChunksConformanceTest")
    public void storeQueriesAcrossSchemasMatchTheOracle(TestScope s) {}
}
