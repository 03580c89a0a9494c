package io.chunkstore.spi;

/**
 * The store has no room left for a write: its disk (or quota) is full. Reads still work, and writes
 * resume once space is freed; retrying without freeing space does not help. Served over gRPC as
 * {@code RESOURCE_EXHAUSTED}, and reported by {@code /ready}.
 */
public class StorageFullException extends StorageException {
    private static final long serialVersionUID = 1L;

    public StorageFullException(String message) {
        super(message);
    }

    public StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
