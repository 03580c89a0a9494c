package io.chunkstore.core.schema;

import io.chunkstore.spi.StorageException;

/**
 * A stored index range value (or its value column) that does not parse: too few components, an
 * unknown marker, bad base64 or JSON. The message carries the range value in hex.
 */
public class InvalidRangeValueException extends StorageException {
    private static final long serialVersionUID = 1L;

    public InvalidRangeValueException(String message) {
        super(message);
    }

    public InvalidRangeValueException(String message, Throwable cause) {
        super(message, cause);
    }
}
