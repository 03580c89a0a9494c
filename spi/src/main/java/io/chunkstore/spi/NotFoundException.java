package io.chunkstore.spi;

/** Something asked for by name does not exist. */
public class NotFoundException extends StorageException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
