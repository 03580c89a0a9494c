package io.chunkstore.grpc;

import io.chunkstore.spi.StorageException;

/**
 * One item of a streamed response (an index row) is larger than the largest message the protocol
 * may carry to a Go client (4 MiB by default), so it cannot be sent at all. Splitting cannot help;
 * the server answers {@code FAILED_PRECONDITION}. Chunks that are too large are reported as {@link
 * io.chunkstore.spi.InvalidChunkException} with reason {@code TOO_LARGE} instead.
 */
public class MessageTooLargeException extends StorageException {
    private static final long serialVersionUID = 1L;

    public MessageTooLargeException(String message) {
        super(message);
    }
}
