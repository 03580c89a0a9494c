package io.chunkstore.loki;

import java.util.Iterator;

/**
 * A stream of log entries that may hold resources (open decompressors) until it is exhausted or
 * closed. Errors in the underlying data surface from {@link #hasNext()}, {@link #peek()} or {@link
 * #next()} as unchecked {@link io.chunkstore.spi.StorageException}s.
 */
public interface EntryIterator extends Iterator<LogEntry>, AutoCloseable {
    /** The entry {@link #next()} would return, without consuming it. */
    LogEntry peek();

    /** Releases held resources; idempotent. */
    @Override
    void close();
}
