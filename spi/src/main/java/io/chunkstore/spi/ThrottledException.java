package io.chunkstore.spi;

/** The backend refused the request for capacity or rate reasons; retry with back-off. */
public class ThrottledException extends StorageException {
    private static final long serialVersionUID = 1L;

    public ThrottledException(String message) {
        super(message);
    }

    public ThrottledException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
