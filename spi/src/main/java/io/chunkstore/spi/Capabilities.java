package io.chunkstore.spi;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a backend can do (in the spirit of JanusGraph's StoreFeatures). The conformance suite skips,
 * visibly, the contracts a backend declares it lacks; it never passes them silently.
 *
 * @param features the features present
 * @param maxChunkSize the largest encoded chunk the store accepts, in bytes ({@link Long#MAX_VALUE}
 *     if unbounded)
 */
public record Capabilities(Set<Feature> features, long maxChunkSize) {

    /** One thing a backend may or may not do. */
    public enum Feature {
        /** Has an {@link IndexClient}. */
        INDEX,
        /** Has a {@link ChunkClient}. */
        CHUNKS,
        /** Has a {@link TableClient}. */
        TABLES,
        /**
         * Index reads and writes on a table that does not exist fail with {@link
         * TableNotFoundException}.
         */
        MISSING_TABLE_ERRORS,
        /** Tables honour provisioned throughput and billing mode (DynamoDB). */
        TABLE_PROVISIONING,
        /** Tables carry tags (DynamoDB). */
        TABLE_TAGS,
        /** {@link IndexClient#scan} lists a table's entries (by hash-value prefix). */
        INDEX_SCAN,
        /** Chunks can be deleted. */
        CHUNK_DELETE,
        /** Data survives closing and reopening the clients. */
        PERSISTENT
    }

    public Capabilities {
        features = features.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(features));
        if (maxChunkSize <= 0) {
            throw new IllegalArgumentException("maxChunkSize must be positive");
        }
    }

    public static Capabilities of(Feature... features) {
        return new Capabilities(
                features.length == 0 ? Set.of() : EnumSet.of(features[0], features),
                Long.MAX_VALUE);
    }

    public Capabilities withMaxChunkSize(long bytes) {
        return new Capabilities(features, bytes);
    }

    public boolean has(Feature f) {
        return features.contains(f);
    }
}
