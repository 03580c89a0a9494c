package io.chunkstore.dynamodb;

import io.chunkstore.spi.StorageException;
import java.util.List;
import java.util.Map;

/**
 * Some chunks of a {@code putChunks} call were not written (or a {@code deleteChunk} did not finish).
 * {@link #notWritten()} names them (external keys) with their errors; retrying exactly those is safe (chunk writes
 * and deletes are idempotent). A split chunk whose head item was not written is invisible to readers, whatever parts
 * were written.
 */
public class ChunkWriteException extends StorageException {
    private static final long serialVersionUID = 1L;
    private final transient Map<String, StorageException> notWritten;

    public ChunkWriteException(String message, Map<String, StorageException> notWritten) {
        super(message, notWritten.values().stream().findFirst().orElse(null));
        this.notWritten = Map.copyOf(notWritten);
    }

    /** External key to the error that kept it from being written. */
    public Map<String, StorageException> notWritten() {
        return notWritten;
    }

    public List<String> keys() {
        return List.copyOf(notWritten.keySet());
    }

    @Override
    public boolean isRetryable() {
        return !notWritten.isEmpty() && notWritten.values().stream().allMatch(StorageException::isRetryable);
    }
}
