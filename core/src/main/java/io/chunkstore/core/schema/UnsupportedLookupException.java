package io.chunkstore.core.schema;

import io.chunkstore.spi.InvalidQueryException;

/**
 * A lookup or write the period's schema does not have, for example the label names of a series
 * below v11 (Cortex's {@code ErrNotSupported}; the store then falls back to reading chunks) or
 * chunks-of-series below v9.
 */
public class UnsupportedLookupException extends InvalidQueryException {
    private static final long serialVersionUID = 1L;

    public UnsupportedLookupException(String message) {
        super(message);
    }
}
