package io.chunkstore.s3;

import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.support.ObjectChunkClient;

/**
 * An opened S3 store: chunks only. The chunk client is {@link ObjectChunkClient} over {@link S3ObjectClient} with no
 * key encoder, so every chunk is the object named by its external key (under {@code object_prefix}), exactly where
 * Cortex and Loki put it, and a fetch reads up to {@code max_parallel_get_chunk} objects at once.
 */
public final class S3Backend implements StorageBackend {
    private final String storeName;
    private final S3ObjectClient objects;
    private final ObjectChunkClient chunks;

    /** Takes ownership of {@code objects}: closing the backend closes it. */
    public S3Backend(String storeName, S3ObjectClient objects) {
        this.storeName = storeName;
        this.objects = objects;
        this.chunks = new ObjectChunkClient(objects, ObjectChunkClient.KeyEncoder.IDENTITY,
                objects.config().maxParallelGetChunk());
    }

    @Override
    public String storeName() {
        return storeName;
    }

    @Override
    public Capabilities capabilities() {
        return S3StorageProvider.CAPABILITIES;
    }

    @Override
    public IndexClient indexClient() {
        throw new UnsupportedOperationException("store '" + storeName + "' holds chunks only; give the period an"
                + " index store (store: aws, cassandra, bigtable, ...) and s3 as its object_store");
    }

    @Override
    public ChunkClient chunkClient() {
        return chunks;
    }

    @Override
    public TableClient tableClient() {
        throw new UnsupportedOperationException("store '" + storeName + "' has no tables; S3 chunks live in buckets");
    }

    /** The object client under the chunk client, for tools that list or copy buckets. */
    public S3ObjectClient objectClient() {
        return objects;
    }

    @Override
    public void close() {
        chunks.close();
    }
}
