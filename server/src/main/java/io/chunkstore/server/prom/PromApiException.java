package io.chunkstore.server.prom;

/**
 * A request the Prometheus API refuses, with its HTTP status and a message for the user
 * (Prometheus' remote-read client shows the body of an error in its warning).
 */
public final class PromApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public PromApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public PromApiException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status to answer with. */
    public int status() {
        return status;
    }
}
