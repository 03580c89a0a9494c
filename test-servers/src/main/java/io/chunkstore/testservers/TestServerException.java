package io.chunkstore.testservers;

/**
 * A test server could not be started, reached or stopped; the message says what to check or set.
 */
public class TestServerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TestServerException(String message) {
        super(message);
    }

    public TestServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
