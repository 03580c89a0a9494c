package io.chunkstore.spi;

/**
 * An index query (or a query built from a user's matchers and times) that cannot be answered as
 * asked.
 */
public class InvalidQueryException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    public InvalidQueryException(String message) {
        super(message);
    }

    public InvalidQueryException(String message, Throwable cause) {
        super(message, cause);
    }
}
