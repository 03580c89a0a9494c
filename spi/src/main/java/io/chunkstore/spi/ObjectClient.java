package io.chunkstore.spi;

import java.time.Instant;
import java.util.List;

/**
 * A generic blob store (Cortex's {@code ObjectClient}): S3, the local filesystem, and others.
 * Chunks live in object stores through an adapter that names each object by the chunk's external
 * key.
 */
public interface ObjectClient extends AutoCloseable {

    void putObject(String key, byte[] data);

    /**
     * @throws ObjectNotFoundException when there is no object under the key
     */
    byte[] getObject(String key);

    /**
     * Lists objects under {@code prefix}. With a non-empty {@code delimiter}, keys that continue
     * past the prefix with the delimiter are rolled up into common prefixes (which end with the
     * delimiter), as S3 does.
     */
    ListResult list(String prefix, String delimiter);

    /**
     * @throws ObjectNotFoundException when there is no object under the key
     */
    void deleteObject(String key);

    @Override
    void close();

    /** One stored object. */
    record StorageObject(String key, Instant modifiedAt) {}

    /** What {@link #list} returns. */
    record ListResult(List<StorageObject> objects, List<String> commonPrefixes) {
        public ListResult {
            objects = List.copyOf(objects);
            commonPrefixes = List.copyOf(commonPrefixes);
        }
    }
}
