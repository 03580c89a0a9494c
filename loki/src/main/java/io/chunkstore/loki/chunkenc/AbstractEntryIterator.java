package io.chunkstore.loki.chunkenc;

import io.chunkstore.loki.EntryIterator;
import io.chunkstore.loki.LogEntry;
import java.util.NoSuchElementException;

/**
 * Look-ahead plumbing for the chunk iterators: subclasses produce entries one at a time and release
 * resources.
 */
abstract class AbstractEntryIterator implements EntryIterator {
    private LogEntry next;
    private boolean finished;
    private boolean closed;

    /** The next entry, or null when there are no more. */
    protected abstract LogEntry advance();

    /** Releases what the iterator holds; called once. */
    protected void release() {}

    @Override
    public final boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (finished) {
            return false;
        }
        try {
            next = advance();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (next == null) {
            close();
            return false;
        }
        return true;
    }

    @Override
    public final LogEntry peek() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more entries");
        }
        return next;
    }

    @Override
    public final LogEntry next() {
        LogEntry e = peek();
        next = null;
        return e;
    }

    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            finished = true;
            next = null;
            release();
        }
    }
}
