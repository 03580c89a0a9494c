package io.chunkstore.loki.query;

import io.chunkstore.loki.Direction;
import io.chunkstore.loki.EntryIterator;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.chunkenc.BlockMeta;
import io.chunkstore.loki.chunkenc.LokiChunkException;
import io.chunkstore.loki.logql.LogQuery;
import io.chunkstore.spi.InvalidChunkException;

/**
 * The entries of one chunk in {@code [from, to)}, in the query direction, that pass the line
 * filters (the filters run here, per entry, before any merge). The chunk decompresses only the
 * blocks that overlap the window, lazily.
 *
 * <p>A block that fails while it is read (it does not decompress or parse) fails the query with the
 * chunk's {@link LokiChunkException}, naming the chunk and block; with "skip corrupt" the block is
 * reported with the time range left unread, and reading goes on past it (FORWARD: from its maxt + 1
 * ns; BACKWARD: below its mint - 1 ns).
 */
final class ChunkWindowIterator extends Peeking<LogEntry> {
    private final OpenChunk chunk;
    private final Direction direction;
    private final LogQuery query;
    private final QueryContext ctx;
    private long from;
    private long to;
    private EntryIterator it;

    ChunkWindowIterator(
            OpenChunk chunk,
            long from,
            long to,
            Direction direction,
            LogQuery query,
            QueryContext ctx) {
        this.chunk = chunk;
        this.from = from;
        this.to = to;
        this.direction = direction;
        this.query = query;
        this.ctx = ctx;
    }

    @Override
    protected LogEntry computeNext() {
        while (true) {
            if (from >= to) {
                return null;
            }
            try {
                if (it == null) {
                    it = chunk.chunk().iterator(from, to, direction);
                }
                while (it.hasNext()) {
                    LogEntry e = it.next();
                    ctx.stats.linesScanned.incrementAndGet();
                    ctx.stats.bytesScanned.addAndGet(e.line().length);
                    if (query.test(e.line())) {
                        return e;
                    }
                }
                return null;
            } catch (LokiChunkException e) {
                int block = e.blockIndex();
                closeIterator();
                BlockMeta meta = meta(block);
                if (!ctx.skipCorrupt() || meta == null) {
                    ctx.skipOrThrow(chunk.key(), block, e);
                    return null;
                }
                long skipFrom = direction == Direction.FORWARD ? meta.mint() : meta.mint() - 1;
                long skipThrough = meta.maxt();
                ctx.skipOrThrow(
                        chunk.key(),
                        block,
                        new LokiChunkException(
                                e.problem(),
                                e.chunkName(),
                                block,
                                "entries from "
                                        + skipFrom
                                        + " to "
                                        + skipThrough
                                        + " ns were not read: "
                                        + e.getMessage(),
                                e));
                if (!resumeAfter(meta)) {
                    return null;
                }
            } catch (InvalidChunkException e) {
                ctx.skipOrThrow(chunk.key(), -1, e);
                return null;
            }
        }
    }

    private BlockMeta meta(int blockIndex) {
        for (BlockMeta b : chunk.chunk().memChunk().blocks()) {
            if (b.index() == blockIndex) {
                return b;
            }
        }
        return null;
    }

    /**
     * Narrows the window past a failed block so that Loki's inclusive block selection no longer
     * picks it; false when nothing is left to read. FORWARD goes on from its maxt + 1 ns; BACKWARD
     * below its mint - 1 ns (a block may start at the previous block's maxt, so entries of a
     * neighbour block at exactly those nanoseconds are lost with it; the skip report gives the
     * range).
     */
    private boolean resumeAfter(BlockMeta meta) {
        if (direction == Direction.FORWARD) {
            if (meta.maxt() == Long.MAX_VALUE || meta.maxt() + 1 <= from) {
                return false;
            }
            from = meta.maxt() + 1;
        } else {
            if (meta.mint() == Long.MIN_VALUE || meta.mint() - 1 >= to) {
                return false;
            }
            to = meta.mint() - 1;
        }
        return from < to;
    }

    private void closeIterator() {
        if (it != null) {
            it.close();
            it = null;
        }
    }

    @Override
    public void close() {
        closeIterator();
    }
}
