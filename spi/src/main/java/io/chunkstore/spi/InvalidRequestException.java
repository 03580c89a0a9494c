package io.chunkstore.spi;

/** The request itself is wrong (an argument, a name, a size); repeating it cannot succeed. */
public class InvalidRequestException extends StorageException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message);
    }

    public InvalidRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
