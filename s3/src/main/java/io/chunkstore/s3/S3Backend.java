package io.chunkstore.s3;

import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.support.ObjectChunkClient;
import io.chunkstore.spi.support.SimpleBackend;

/**
 * An opened S3 store: chunks only. The chunk client is {@link ObjectChunkClient} over {@link
 * S3ObjectClient} with no key encoder, so every chunk is the object named by its external key
 * (under {@code object_prefix}), exactly where Cortex and Loki put it, and a fetch reads up to
 * {@code max_parallel_get_chunk} objects at once.
 */
public final class S3Backend extends SimpleBackend {
    private final S3ObjectClient objects;
    private final ObjectChunkClient chunks;

    /** Takes ownership of {@code objects}: closing the backend closes it. */
    public S3Backend(String storeName, S3ObjectClient objects) {
        this(
                storeName,
                objects,
                new ObjectChunkClient(
                        objects,
                        ObjectChunkClient.KeyEncoder.IDENTITY,
                        objects.config().maxParallelGetChunk()));
    }

    private S3Backend(String storeName, S3ObjectClient objects, ObjectChunkClient chunks) {
        super(storeName, S3StorageProvider.CAPABILITIES, null, chunks, null);
        this.objects = objects;
        this.chunks = chunks;
    }

    @Override
    protected String lacking(Feature client) {
        return client == Feature.INDEX
                ? "store '"
                        + storeName()
                        + "' holds chunks only; give the period an index store (store: aws,"
                        + " cassandra, bigtable, ...) and s3 as its object_store"
                : "store '" + storeName() + "' has no tables; S3 chunks live in buckets";
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
