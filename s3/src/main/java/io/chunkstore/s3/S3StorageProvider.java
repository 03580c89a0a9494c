package io.chunkstore.s3;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProvider;
import java.util.Set;

/**
 * The S3 backend for the provider SPI: store {@code s3}, chunks only (a period's {@code
 * object_store: s3}, next to any index store). Config: the storage block's {@code aws:} block
 * (Cortex, Loki) or {@code s3:} block (Loki's common storage), see {@link S3Config}. Metrics:
 * {@code <namespace>_s3_request_duration_seconds}.
 *
 * <p>Only {@code s3} is claimed: {@code aws} as an index store is DynamoDB, whose provider claims
 * that name. Cortex reads {@code aws} as an object store as S3; code that opens chunk stores by
 * {@code object_store} maps that alias to {@code s3}, and {@link #open} accepts a context named
 * {@code aws} for it.
 */
public final class S3StorageProvider implements StorageProvider {
    public static final String S3 = "s3";

    /** Cortex's object-store alias for S3; opened here when a caller routes it, not claimed. */
    public static final String AWS_ALIAS = "aws";

    /**
     * The largest chunk, in bytes: objects are read and written whole as Java byte arrays, so the
     * bound is the largest array, below S3's 5 GiB single-PUT limit.
     */
    public static final long MAX_CHUNK_SIZE = Integer.MAX_VALUE - 8;

    static final Capabilities CAPABILITIES =
            Capabilities.of(Feature.CHUNKS, Feature.CHUNK_DELETE, Feature.PERSISTENT)
                    .withMaxChunkSize(MAX_CHUNK_SIZE);

    @Override
    public Set<String> storeNames() {
        return Set.of(S3);
    }

    @Override
    public Capabilities capabilities(String storeName) {
        check(storeName);
        return CAPABILITIES;
    }

    @Override
    public StorageBackend open(BackendContext context) {
        check(context.storeName());
        S3Config config = S3Config.fromStorageConfig(context.storageConfig(), System::getenv);
        S3ObjectClient objects =
                S3ObjectClient.builder(config)
                        .metrics(context.metrics(), context.metricName(S3RequestMetrics.NAME))
                        .build();
        return new S3Backend(context.storeName(), objects);
    }

    private static void check(String storeName) {
        if (!S3.equals(storeName) && !AWS_ALIAS.equals(storeName)) {
            throw new ConfigException(
                    "the S3 provider opens object store s3 (or its Cortex alias aws), not '"
                            + storeName
                            + "'");
        }
    }
}
