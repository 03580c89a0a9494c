package io.chunkstore.loki.query;

import io.chunkstore.loki.Direction;
import io.chunkstore.loki.EntryIterator;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.chunkenc.BlockMeta;
import io.chunkstore.loki.chunkenc.LokiChunkException;
import io.chunkstore.loki.logql.LogQuery;
import io.chunkstore.spi.InvalidChunkException;

/**
 * The entries of one chunk in {@code [from, to)}, in the query direction, that pass the line filters (the filters run
 * here, per entry, before any merge). The chunk decompresses only the blocks that overlap the window, lazily.
 *
 * <p>A block that fails while it is read (it does not decompress or parse) fails the query with the chunk's
 * {@link LokiChunkException}, naming the chunk and block; with "skip corrupt" the block is reported and reading goes
 * on after the block's time range (FORWARD: from its maxt + 1 ns; BACKWARD: below its mint).
 */
final class ChunkWindowIterator extends Peeking<LogEntry> {
    private final OpenChunk chunk;
    private final Direction direction;
    private final LogQuery query;
    private final QueryContext ctx;
    private long from;
    private long to;
    private EntryIterator it;

    ChunkWindowIterator(OpenChunk chunk, long from, long to, Direction direction, LogQuery query, QueryContext ctx) {
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
                ctx.skipOrThrow(chunk.key(), block, e);
                closeIterator();
                if (!resumeAfter(block)) {
                    return null;
                }
            } catch (InvalidChunkException e) {
                ctx.skipOrThrow(chunk.key(), -1, e);
                return null;
            }
        }
    }

    /** Narrows the window past a failed block; false when nothing can be read past it. */
    private boolean resumeAfter(int blockIndex) {
        BlockMeta meta = null;
        for (BlockMeta b : chunk.chunk().memChunk().blocks()) {
            if (b.index() == blockIndex) {
                meta = b;
            }
        }
        if (meta == null) {
            return false;
        }
        if (direction == Direction.FORWARD) {
            if (meta.maxt() == Long.MAX_VALUE) {
                return false;
            }
            from = Math.max(from, meta.maxt() + 1);
        } else {
            to = Math.min(to, meta.mint());
        }
        return true;
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
