package io.chunkstore.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A chunk write that stored some chunks and not others: {@link #written()} names the chunks known
 * to be stored, {@link #notWritten()} every other chunk of the call with the error that kept it
 * out. (A backend that stores a chunk as several items also raises it, with nothing written, for a
 * delete that removed only some of them.) Retrying exactly the not-written ones is safe (chunk keys
 * are content-addressed, so a write is idempotent). Every backend's {@link ChunkClient#putChunks}
 * raises it through {@link #check}, so the rule is the same everywhere: when no chunk of the call
 * is known to be stored, the call throws the typed error of the first failed chunk instead (the
 * others suppressed), as a call that failed as a whole does.
 */
public class ChunkWriteException extends StorageException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> written;
    private final transient Map<String, StorageException> notWritten;

    /**
     * @param message what was being written, and where
     * @param written external keys of the chunks stored
     * @param notWritten external key to the error for each chunk not (known to be) stored; not
     *     empty
     */
    public ChunkWriteException(
            String message, List<String> written, Map<String, StorageException> notWritten) {
        super(
                message
                        + ": "
                        + notWritten.size()
                        + " of "
                        + (written.size() + notWritten.size())
                        + " chunk(s) not written; first: "
                        + first(notWritten),
                notWritten.values().iterator().next());
        this.written = List.copyOf(written);
        this.notWritten = Collections.unmodifiableMap(new LinkedHashMap<>(notWritten));
    }

    private static String first(Map<String, StorageException> notWritten) {
        Map.Entry<String, StorageException> e = notWritten.entrySet().iterator().next();
        return e.getKey() + ": " + e.getValue().getMessage();
    }

    /**
     * The one rule for a finished {@code putChunks}: returns when every chunk was written; throws a
     * {@link ChunkWriteException} when some were and some were not; throws the first chunk's own
     * error (the rest suppressed) when none was.
     *
     * @param message what was being written, and where ({@code "putChunks to DynamoDB"})
     * @param chunks the chunks of the call
     * @param notWritten external key to error, for the chunks not (known to be) written
     */
    public static void check(
            String message, List<EncodedChunk> chunks, Map<String, StorageException> notWritten) {
        if (notWritten.isEmpty()) {
            return;
        }
        Set<String> written = new LinkedHashSet<>();
        for (EncodedChunk c : chunks) {
            if (!notWritten.containsKey(c.key())) {
                written.add(c.key());
            }
        }
        if (!written.isEmpty()) {
            throw new ChunkWriteException(message, List.copyOf(written), notWritten);
        }
        StorageException first = null;
        for (StorageException e : notWritten.values()) {
            if (first == null) {
                first = e;
            } else if (e != first) {
                first.addSuppressed(e);
            }
        }
        throw first;
    }

    /** External keys of the chunks that were stored. */
    public List<String> written() {
        return written;
    }

    /** External key to the error that kept it from being written. */
    public Map<String, StorageException> notWritten() {
        return notWritten;
    }

    /** External keys of the chunks not written. */
    public List<String> keys() {
        return List.copyOf(notWritten.keySet());
    }

    @Override
    public boolean isRetryable() {
        return notWritten.values().stream().allMatch(StorageException::isRetryable);
    }
}
