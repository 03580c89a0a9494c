package io.chunkstore.loki.query;

import io.chunkstore.core.model.Label;
import io.chunkstore.loki.Direction;
import io.chunkstore.loki.LogEntry;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Loki's de-duplicating merge within one stream (2.8+ {@code mergeEntryIterator} over a loser
 * tree): the lists of non-overlapping chunks merged by timestamp (ascending FORWARD, descending
 * BACKWARD; equal timestamps taken from the earlier list first), and an entry dropped when an entry
 * with the same timestamp and line was already emitted, from another list or from the same one.
 * With {@code compareMetadata} (Loki 3.7's {@code Entry.Equal}) the structured metadata must be
 * equal too.
 */
final class DedupeMergeIterator extends Peeking<LogEntry> {
    private record Head(Peeking<LogEntry> source, int index) {}

    private final PriorityQueue<Head> heap;
    private final boolean compareMetadata;
    private final QueryContext ctx;
    private final List<? extends Peeking<LogEntry>> sources;
    private final Set<Object> emittedAtTs = new HashSet<>();
    private long currentTs;
    private boolean any;

    DedupeMergeIterator(
            List<? extends Peeking<LogEntry>> sources,
            Direction direction,
            boolean compareMetadata,
            QueryContext ctx) {
        this.sources = sources;
        this.compareMetadata = compareMetadata;
        this.ctx = ctx;
        this.heap =
                new PriorityQueue<>(
                        Math.max(1, sources.size()),
                        (a, b) -> {
                            long ta = a.source.peek().timestamp();
                            long tb = b.source.peek().timestamp();
                            int c =
                                    direction == Direction.FORWARD
                                            ? Long.compare(ta, tb)
                                            : Long.compare(tb, ta);
                            return c != 0 ? c : Integer.compare(a.index, b.index);
                        });
        for (int i = 0; i < sources.size(); i++) {
            if (sources.get(i).hasNext()) {
                heap.add(new Head(sources.get(i), i));
            }
        }
    }

    @Override
    protected LogEntry computeNext() {
        while (!heap.isEmpty()) {
            Head h = heap.poll();
            LogEntry e = h.source.next();
            if (h.source.hasNext()) {
                heap.add(h);
            }
            if (!any || e.timestamp() != currentTs) {
                any = true;
                currentTs = e.timestamp();
                emittedAtTs.clear();
            }
            if (emittedAtTs.add(key(e))) {
                return e;
            }
            ctx.stats.duplicates.incrementAndGet();
        }
        return null;
    }

    private Object key(LogEntry e) {
        ByteBuffer line = ByteBuffer.wrap(e.line());
        if (!compareMetadata) {
            return line;
        }
        List<Label> sm = e.sortedStructuredMetadata();
        return List.of(line, sm);
    }

    @Override
    public void close() {
        for (Peeking<LogEntry> s : sources) {
            s.close();
        }
    }
}
