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
     * Stores the content of a local file under {@code key}, streamed from the file where the store
     * can, so a large object (a block's 512 MiB chunk segment) is not held in memory. The default
     * reads the file whole and calls {@link #putObject(String, byte[])}.
     *
     * @throws java.io.UncheckedIOException when the file cannot be read
     */
    default void putObject(String key, java.nio.file.Path file) {
        byte[] data;
        try {
            data = java.nio.file.Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(
                    "cannot read " + file + " to store it as " + key + ": " + e, e);
        }
        putObject(key, data);
    }

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
