package io.chunkstore.s3;

import io.chunkstore.conformance.ChunkContract;
import io.chunkstore.conformance.SeriesStoreContract;
import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.testservers.RealServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The chunk and series-store contracts with chunks spread over sixteen buckets under Loki's {@code
 * object_prefix}, opened for the Cortex object-store alias {@code aws} (as the period code routes
 * {@code object_store: aws} to this provider): every chunk must come back from whichever bucket
 * FNV-32a put it in.
 *
 * <p>The contracts that write thousands of chunks run here rather than in the one-bucket {@link
 * S3ConformanceTest}: S3Mock rewrites a bucket's whole key index on every PUT, so its cost grows
 * with the square of the objects in one bucket (the series-store fixture's 6,400 chunks in one
 * bucket took over two minutes on two cores and then timed out); sixteen buckets cut that
 * sixteen-fold. Real S3 has no such limit.
 */
@RealServer
class S3ShardedChunksConformanceTest implements ChunkContract, SeriesStoreContract {
    static final int BUCKETS = 16;

    @Override
    public StorageBackend openBackend() {
        List<String> buckets = new ArrayList<>();
        for (int i = 0; i < BUCKETS; i++) {
            buckets.add(S3TestSupport.freshBucket("sharded-" + i));
        }
        try (S3AsyncClient plain = S3TestSupport.plainClient()) {
            S3TestSupport.createBuckets(plain, buckets.toArray(String[]::new));
        }
        Map<String, Object> storage =
                new HashMap<>(S3ConformanceTest.storageConfig(String.join(",", buckets), Map.of()));
        storage.put("object_prefix", "loki/"); // Loki's place for it: the top of storage_config
        storage.put("max_parallel_get_chunk", 32); // S3Mock shares two cores with everything else
        return S3ConformanceTest.compose(
                new S3StorageProvider().open(new BackendContext("aws", storage, null, "loki")));
    }
}
