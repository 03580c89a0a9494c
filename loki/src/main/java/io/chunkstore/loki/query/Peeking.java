package io.chunkstore.loki.query;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** An iterator with {@link #peek()} over a {@link #computeNext()} that returns null at the end. */
abstract class Peeking<T> implements Iterator<T>, AutoCloseable {
    private T next;
    private boolean done;

    /** The next element, or null when there is none. */
    protected abstract T computeNext();

    @Override
    public final boolean hasNext() {
        if (next == null && !done) {
            next = computeNext();
            if (next == null) {
                done = true;
                close();
            }
        }
        return next != null;
    }

    public final T peek() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return next;
    }

    @Override
    public final T next() {
        T t = peek();
        next = null;
        return t;
    }

    /** Releases resources; idempotent; called at the end too. */
    @Override
    public void close() {}
}
