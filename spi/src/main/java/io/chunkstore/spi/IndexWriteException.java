package io.chunkstore.spi;

import java.util.List;

/**
 * A batch write failed part-way. Nothing is silently dropped: {@link #notWritten()} lists every put
 * and delete of the batch that is not known to be applied, so the caller can retry exactly those
 * (all index writes are idempotent).
 */
public class IndexWriteException extends StorageException {
    private static final long serialVersionUID = 1L;
    private final transient List<IndexEntry> notWrittenPuts;
    private final transient List<IndexEntry> notWrittenDeletes;

    public IndexWriteException(
            String message,
            List<IndexEntry> notWrittenPuts,
            List<IndexEntry> notWrittenDeletes,
            Throwable cause) {
        super(
                message
                        + " ("
                        + notWrittenPuts.size()
                        + " puts and "
                        + notWrittenDeletes.size()
                        + " deletes not written)",
                cause);
        this.notWrittenPuts = List.copyOf(notWrittenPuts);
        this.notWrittenDeletes = List.copyOf(notWrittenDeletes);
    }

    public List<IndexEntry> notWrittenPuts() {
        return notWrittenPuts;
    }

    public List<IndexEntry> notWrittenDeletes() {
        return notWrittenDeletes;
    }

    /** A write batch holding exactly what was not written, ready to retry. */
    public WriteBatch notWritten() {
        WriteBatch b = new WriteBatch();
        notWrittenPuts.forEach(b::add);
        notWrittenDeletes.forEach(e -> b.delete(e.tableName(), e.hashValue(), e.rangeValue()));
        return b;
    }

    @Override
    public boolean isRetryable() {
        return getCause() instanceof StorageException s && s.isRetryable();
    }
}
