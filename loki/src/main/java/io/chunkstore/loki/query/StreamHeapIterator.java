package io.chunkstore.loki.query;

import io.chunkstore.loki.Direction;
import io.chunkstore.loki.LogEntry;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Loki's non-de-duplicating heap merge across streams: min-heap on the timestamp FORWARD, max-heap
 * BACKWARD, equal timestamps ordered by stream hash ascending (unsigned, in both directions), then
 * by labels string.
 */
final class StreamHeapIterator extends Peeking<StreamEntry> {
    /** One stream's entries. */
    record Source(LogStream stream, Peeking<LogEntry> entries) {}

    private final PriorityQueue<Source> heap;
    private final List<Source> sources;

    StreamHeapIterator(List<Source> sources, Direction direction) {
        this.sources = sources;
        this.heap = new PriorityQueue<>(Math.max(1, sources.size()), order(direction));
        for (Source s : sources) {
            if (s.entries.hasNext()) {
                heap.add(s);
            }
        }
    }

    /**
     * The order of heads: time in the direction, then stream hash (unsigned) and labels string
     * ascending.
     */
    static Comparator<Source> order(Direction direction) {
        return (a, b) -> {
            long ta = a.entries.peek().timestamp();
            long tb = b.entries.peek().timestamp();
            int c = direction == Direction.FORWARD ? Long.compare(ta, tb) : Long.compare(tb, ta);
            if (c != 0) {
                return c;
            }
            c = Long.compareUnsigned(a.stream.hash(), b.stream.hash());
            return c != 0 ? c : a.stream.labelsString().compareTo(b.stream.labelsString());
        };
    }

    @Override
    protected StreamEntry computeNext() {
        Source s = heap.poll();
        if (s == null) {
            return null;
        }
        LogEntry e = s.entries.next();
        if (s.entries.hasNext()) {
            heap.add(s);
        }
        return new StreamEntry(s.stream, e);
    }

    @Override
    public void close() {
        for (Source s : sources) {
            s.entries.close();
        }
    }
}
