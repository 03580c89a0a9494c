package io.chunkstore.core.chunk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The samples of one series read from all of its chunks, in time order, each timestamp once: what a
 * Cortex querier returned for a series that three ingesters each wrote into their own, overlapping
 * chunks.
 *
 * <p>Cortex merged a series' chunks by time and kept one sample per timestamp, whichever stream
 * held it ({@code mergeStreams} in cortexproject/cortex {@code pkg/querier/batch/stream.go}, over
 * the chunks sorted by start in {@code pkg/querier/batch/merge.go}). Replicas hold the same value
 * at the same timestamp, so which one is kept does not change a result; here the rule is exact and
 * repeatable: the sample of the chunk that starts first wins, chunks that start together in the
 * order given.
 *
 * <p>Values keep their raw bits (stale markers included). Chunks are decoded lazily, one sample
 * ahead per chunk; a chunk that does not decode throws its {@link
 * io.chunkstore.spi.InvalidChunkException} (naming it) from {@link #next()}.
 */
public final class MergedSamples implements SampleIterator {
    private final PriorityQueue<Cursor> heap =
            new PriorityQueue<>(
                    Comparator.comparingLong((Cursor c) -> c.timestamp)
                            .thenComparingInt(c -> c.order));
    private final long from;
    private final long through;
    private final List<Cursor> pending;
    private boolean started;
    private boolean emittedAny;
    private long timestamp;
    private long valueBits;

    private MergedSamples(List<SampleIterator> sources, long from, long through) {
        this.from = from;
        this.through = through;
        this.pending = new ArrayList<>(sources.size());
        for (int i = 0; i < sources.size(); i++) {
            pending.add(new Cursor(sources.get(i), i));
        }
    }

    /**
     * The merged samples of {@code chunks} (all of one series) with timestamps in {@code [from,
     * through]} (inclusive ms, as the store's queries). The chunks are taken in start order, ties
     * in the order given.
     */
    public static MergedSamples of(List<Chunk> chunks, long from, long through) {
        List<Chunk> byStart = new ArrayList<>(chunks);
        byStart.sort(Comparator.comparingLong(Chunk::from));
        List<SampleIterator> sources = new ArrayList<>(byStart.size());
        for (Chunk c : byStart) {
            if (c.through() >= from && c.from() <= through) {
                sources.add(c.sampleIterator());
            }
        }
        return new MergedSamples(sources, from, through);
    }

    /**
     * The merged samples of sample streams already in priority order (the first wins a tie), each
     * in time order.
     */
    public static MergedSamples ofIterators(List<SampleIterator> sources, long from, long through) {
        return new MergedSamples(sources, from, through);
    }

    @Override
    public boolean next() {
        if (!started) {
            started = true;
            for (Cursor c : pending) {
                if (c.advance()) {
                    heap.add(c);
                }
            }
            pending.clear();
        }
        while (!heap.isEmpty()) {
            Cursor c = heap.poll();
            long ts = c.timestamp;
            long bits = c.valueBits;
            if (c.advance()) {
                heap.add(c);
            }
            if (emittedAny && ts == timestamp) {
                continue; // a replica's copy of the sample just returned
            }
            emittedAny = true;
            timestamp = ts;
            valueBits = bits;
            return true;
        }
        return false;
    }

    @Override
    public long timestamp() {
        return timestamp;
    }

    @Override
    public long valueBits() {
        return valueBits;
    }

    /** One chunk's samples within the range, one ahead. */
    private final class Cursor {
        final SampleIterator it;
        final int order;
        long timestamp;
        long valueBits;

        Cursor(SampleIterator it, int order) {
            this.it = it;
            this.order = order;
        }

        boolean advance() {
            while (it.next()) {
                long ts = it.timestamp();
                if (ts > through) {
                    return false;
                }
                if (ts >= from) {
                    timestamp = ts;
                    valueBits = it.valueBits();
                    return true;
                }
            }
            return false;
        }
    }
}
