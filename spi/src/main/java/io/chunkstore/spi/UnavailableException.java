package io.chunkstore.spi;

/**
 * The server could not be reached, timed out or failed transiently; the operation may succeed when
 * retried.
 */
public class UnavailableException extends StorageException {
    private static final long serialVersionUID = 1L;

    public UnavailableException(String message) {
        super(message);
    }

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
