package io.chunkstore.spi;

/**
 * The root of every error the storage contracts raise. Unchecked, so it crosses lambdas and
 * consumers; every concrete subclass says what went wrong in words a user can act on, and {@link
 * #isRetryable()} says whether the same operation may simply be tried again.
 */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether repeating the same operation may succeed (throttling, a server fault, a timeout). */
    public boolean isRetryable() {
        return false;
    }
}
