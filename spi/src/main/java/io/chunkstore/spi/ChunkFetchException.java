package io.chunkstore.spi;

import java.util.List;
import java.util.Map;

/**
 * A chunk fetch that got some chunks but not all: Cortex's "partial results plus an error", made
 * explicit. The chunks that were read are in {@link #fetched()}; every key that failed is in {@link
 * #failures()} with its own typed error ({@link ChunkNotFoundException} for a missing chunk).
 */
public class ChunkFetchException extends StorageException {
    private static final long serialVersionUID = 1L;
    private final transient List<EncodedChunk> fetched;
    private final transient Map<String, StorageException> failures;

    public ChunkFetchException(List<EncodedChunk> fetched, Map<String, StorageException> failures) {
        super(describe(failures), failures.values().stream().findFirst().orElse(null));
        this.fetched = List.copyOf(fetched);
        this.failures = Map.copyOf(failures);
    }

    private static String describe(Map<String, StorageException> failures) {
        long missing =
                failures.values().stream().filter(e -> e instanceof ChunkNotFoundException).count();
        String first = failures.values().stream().findFirst().map(Throwable::getMessage).orElse("");
        return failures.size()
                + " chunk(s) could not be fetched ("
                + missing
                + " not found); first: "
                + first;
    }

    /** The chunks read successfully. */
    public List<EncodedChunk> fetched() {
        return fetched;
    }

    /** External key to the error for that key. */
    public Map<String, StorageException> failures() {
        return failures;
    }

    /** Whether every failure is a missing chunk (the rest of the result is complete). */
    public boolean onlyNotFound() {
        return failures.values().stream().allMatch(e -> e instanceof ChunkNotFoundException);
    }

    @Override
    public boolean isRetryable() {
        return failures.values().stream().anyMatch(StorageException::isRetryable);
    }
}
