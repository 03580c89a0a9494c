package io.chunkstore.loki.query;

import io.chunkstore.loki.LogEntry;
import java.util.List;
import java.util.function.Function;

/**
 * Loki's non-overlapping iterator: the chunks of one list (none overlaps the next) read one after
 * the other, each opened only when the previous one is exhausted. The list is already in query
 * order (reversed for BACKWARD).
 */
final class ConcatIterator extends Peeking<LogEntry> {
    private final List<OpenChunk> chunks;
    private final Function<OpenChunk, ChunkWindowIterator> open;
    private int next;
    private ChunkWindowIterator current;

    ConcatIterator(List<OpenChunk> chunks, Function<OpenChunk, ChunkWindowIterator> open) {
        this.chunks = chunks;
        this.open = open;
    }

    @Override
    protected LogEntry computeNext() {
        while (true) {
            if (current != null && current.hasNext()) {
                return current.next();
            }
            if (current != null) {
                current.close();
                current = null;
            }
            if (next >= chunks.size()) {
                return null;
            }
            current = open.apply(chunks.get(next++));
        }
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
