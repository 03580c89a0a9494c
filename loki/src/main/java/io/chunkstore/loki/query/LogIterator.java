package io.chunkstore.loki.query;

import java.util.Iterator;
import java.util.List;

/**
 * Log entries of many streams in query order, read lazily from the store. Errors surface from
 * {@link #hasNext()}, {@link #peek()} and {@link #next()} as unchecked {@link
 * io.chunkstore.spi.StorageException}s. Close it when done early: it may hold fetched chunks and a
 * pending prefetch.
 */
public interface LogIterator extends Iterator<StreamEntry>, AutoCloseable {
    /** The entry {@link #next()} would return, without consuming it. */
    StreamEntry peek();

    /** The query's counters so far. */
    QueryStats stats();

    /** What "skip corrupt" left out so far, each chunk or block once, sorted by key and block. */
    List<SkippedChunk> skipped();

    @Override
    void close();
}
