package io.chunkstore.loki.query;

import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.Direction;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.logql.LogQuery;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;

/**
 * The store side of Loki's querier ({@code batchChunkIterator} in {@code pkg/storage/batch.go}):
 * chunk references in query order (by {@code from} FORWARD, by {@code through} descending BACKWARD)
 * are fetched in batches, and the query window is cut into consecutive time windows so that each
 * window needs only the chunks of one batch plus those carried over from the previous one.
 *
 * <p>FORWARD, a batch's window ends at the {@code from} of the first chunk not taken yet (every
 * later chunk starts there or after); chunks that reach past it are carried into the next window. A
 * batch takes {@code batchSize} chunks, and more while the next chunk starts at or before the
 * window's start, so every window is non-empty. BACKWARD mirrors this with {@code through}: the
 * window starts just after the {@code through} of the next chunk. Windows are disjoint, so entries
 * with equal timestamps always meet in one window and de-duplication is exact.
 *
 * <p>In each window the chunks are grouped by stream; per stream, sorted by {@code from} and
 * partitioned into lists of non-overlapping chunks (Loki's {@code partitionOverlappingChunks});
 * each list is read by a concatenating iterator (reversed BACKWARD), the lists are merged with
 * de-duplication, and the streams with a heap. The next batch is prefetched while the current one
 * is read.
 */
final class BatchedLogIterator implements LogIterator {
    private static final long NS_PER_MS = 1_000_000L;

    private final LogQuery query;
    private final long start;
    private final long end;
    private final Direction direction;
    private final int batchSize;
    private final boolean dedupeMetadata;
    private final QueryContext ctx;
    private final ChunkLoader loader;
    private final List<LogChunkRef> refs;
    private int nextRef;
    private List<OpenChunk> carried = new ArrayList<>();
    private long bound;
    private StreamHeapIterator current;
    private boolean finished;
    private CompletableFuture<ChunkLoader.Loaded> prefetch;
    private int prefetchFrom;
    private int prefetchTo;
    private boolean closed;

    BatchedLogIterator(
            List<LogChunkRef> refs,
            LogQuery query,
            long start,
            long end,
            Direction direction,
            QueryOptions options,
            ChunkLoader loader,
            QueryContext ctx) {
        this.query = query;
        this.start = start;
        this.end = end;
        this.direction = direction;
        this.batchSize = options.batchSize();
        this.dedupeMetadata = options.dedupeStructuredMetadata();
        this.loader = loader;
        this.ctx = ctx;
        List<LogChunkRef> sorted = new ArrayList<>(refs);
        Comparator<LogChunkRef> byKey = Comparator.comparing(LogChunkRef::externalKey);
        if (direction == Direction.FORWARD) {
            sorted.sort(
                    Comparator.comparingLong(LogChunkRef::from)
                            .thenComparingLong(LogChunkRef::through)
                            .thenComparing(byKey));
        } else {
            sorted.sort(
                    Comparator.comparingLong(LogChunkRef::through)
                            .reversed()
                            .thenComparing(Comparator.comparingLong(LogChunkRef::from).reversed())
                            .thenComparing(byKey));
        }
        this.refs = sorted;
        this.bound = direction == Direction.FORWARD ? start : end;
        this.finished = start >= end;
    }

    static long msToNs(long ms) {
        if (ms > Long.MAX_VALUE / NS_PER_MS) {
            return Long.MAX_VALUE;
        }
        if (ms < Long.MIN_VALUE / NS_PER_MS) {
            return Long.MIN_VALUE;
        }
        return ms * NS_PER_MS;
    }

    @Override
    public boolean hasNext() {
        while (true) {
            if (closed) {
                return false;
            }
            if (current != null && current.hasNext()) {
                return true;
            }
            if (current != null) {
                current.close();
                current = null;
            }
            if (!nextWindow()) {
                return false;
            }
        }
    }

    @Override
    public StreamEntry peek() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.peek();
    }

    @Override
    public StreamEntry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }

    /** Sets up the next window's iterator; false when the query is done. */
    private boolean nextWindow() {
        if (finished) {
            return false;
        }
        if (nextRef >= refs.size() && carried.isEmpty()) {
            finished = true;
            return false;
        }
        boolean forward = direction == Direction.FORWARD;
        int takeTo = Math.min(refs.size(), nextRef + batchSize);
        while (takeTo < refs.size() && !beyond(refs.get(takeTo))) {
            takeTo++;
        }
        long lo;
        long hi;
        if (forward) {
            lo = bound;
            hi = takeTo < refs.size() ? Math.min(end, msToNs(refs.get(takeTo).from())) : end;
        } else {
            hi = bound;
            lo =
                    takeTo < refs.size()
                            ? Math.max(start, satAdd(msToNs(refs.get(takeTo).through()), 1))
                            : start;
        }
        List<OpenChunk> batch = new ArrayList<>(carried);
        batch.addAll(load(nextRef, takeTo));
        nextRef = takeTo;
        startPrefetch();
        List<OpenChunk> inWindow = new ArrayList<>();
        List<OpenChunk> carry = new ArrayList<>();
        for (OpenChunk c : batch) {
            long cFrom = msToNs(c.ref().from());
            long cThrough = msToNs(c.ref().through());
            if (cThrough >= lo && cFrom < hi) {
                inWindow.add(c);
            }
            if (forward ? hi < end && cThrough >= hi : lo > start && cFrom < lo) {
                carry.add(c);
            }
        }
        carried = carry;
        bound = forward ? hi : lo;
        if (forward ? hi >= end : lo <= start) {
            finished = true;
        }
        current = windowIterator(inWindow, lo, hi);
        return true;
    }

    /**
     * Whether a chunk not taken yet lies past the current bound, so the window up to it is not
     * empty.
     */
    private boolean beyond(LogChunkRef r) {
        return direction == Direction.FORWARD
                ? msToNs(r.from()) > bound
                : satAdd(msToNs(r.through()), 1) < bound;
    }

    private static long satAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private List<OpenChunk> load(int from, int to) {
        List<OpenChunk> out = new ArrayList<>(to - from);
        if (from >= to) {
            return out;
        }
        Map<String, OpenChunk> loaded = new java.util.HashMap<>();
        int syncFrom = from;
        if (prefetch != null && prefetchFrom == from) {
            loaded.putAll(loader.await(prefetch));
            syncFrom = Math.min(to, prefetchTo);
        } else if (prefetch != null) {
            prefetch.cancel(false);
        }
        prefetch = null;
        if (syncFrom < to) {
            loaded.putAll(loader.await(loader.start(refs.subList(syncFrom, to))));
        }
        for (int i = from; i < to; i++) {
            OpenChunk c = loaded.get(refs.get(i).externalKey());
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    private void startPrefetch() {
        if (nextRef < refs.size()) {
            prefetchFrom = nextRef;
            prefetchTo = Math.min(refs.size(), nextRef + batchSize);
            prefetch = loader.start(refs.subList(prefetchFrom, prefetchTo));
        }
    }

    private StreamHeapIterator windowIterator(List<OpenChunk> chunks, long lo, long hi) {
        Map<Labels, List<OpenChunk>> byStream = new LinkedHashMap<>();
        for (OpenChunk c : chunks) {
            byStream.computeIfAbsent(c.stream().labels(), k -> new ArrayList<>()).add(c);
        }
        List<StreamHeapIterator.Source> sources = new ArrayList<>(byStream.size());
        for (List<OpenChunk> streamChunks : byStream.values()) {
            List<ConcatIterator> lists = new ArrayList<>();
            for (List<OpenChunk> list : partitionOverlapping(streamChunks)) {
                if (direction == Direction.BACKWARD) {
                    Collections.reverse(list);
                }
                lists.add(
                        new ConcatIterator(
                                list,
                                c -> new ChunkWindowIterator(c, lo, hi, direction, query, ctx)));
            }
            Peeking<LogEntry> merged =
                    new DedupeMergeIterator(lists, direction, dedupeMetadata, ctx);
            sources.add(new StreamHeapIterator.Source(streamChunks.get(0).stream(), merged));
        }
        return new StreamHeapIterator(sources, direction);
    }

    /**
     * Loki's {@code partitionOverlappingChunks}: chunks sorted by {@code from}; each joins the
     * first list whose last chunk's {@code through} is before its {@code from}, or starts a new
     * list.
     */
    static List<List<OpenChunk>> partitionOverlapping(List<OpenChunk> chunks) {
        List<OpenChunk> sorted = new ArrayList<>(chunks);
        sorted.sort(
                Comparator.comparingLong((OpenChunk c) -> c.ref().from())
                        .thenComparingLong(c -> c.ref().through())
                        .thenComparing(OpenChunk::key));
        List<List<OpenChunk>> lists = new ArrayList<>();
        outer:
        for (OpenChunk c : sorted) {
            for (List<OpenChunk> l : lists) {
                if (l.get(l.size() - 1).ref().through() < c.ref().from()) {
                    l.add(c);
                    continue outer;
                }
            }
            List<OpenChunk> l = new ArrayList<>();
            l.add(c);
            lists.add(l);
        }
        return lists;
    }

    @Override
    public QueryStats stats() {
        return ctx.stats;
    }

    @Override
    public List<SkippedChunk> skipped() {
        return ctx.skipped();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (current != null) {
            current.close();
            current = null;
        }
        if (prefetch != null) {
            prefetch.cancel(false);
            prefetch = null;
        }
        carried = List.of();
    }
}
