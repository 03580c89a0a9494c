package io.chunkstore.loki;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.purge.LogChunkRewriter;
import io.chunkstore.loki.chunkenc.MemChunk;
import io.chunkstore.loki.chunkenc.MemChunkWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a Loki chunk without the entries of a delete's range (for {@code chunkstore delete
 * series}): every entry is decoded (a chunk with a block that cannot be read fails instead, so
 * nothing unread is dropped), the entries outside the range are encoded again in the chunk's own
 * format and codec, in blocks of Loki's default size, under the same tenant, labels and
 * fingerprint. The new chunk's {@code from}/{@code through} follow its entries, as Loki's flush
 * sets them, so its key and index entries are those of a chunk Loki would have written.
 */
public final class LokiChunkRewriter implements LogChunkRewriter {

    @Override
    public Rewritten without(Chunk chunk, String externalKey, long fromMs, long toMs) {
        LokiChunk lc = LokiChunk.of(chunk, externalKey, null);
        MemChunk mc = lc.memChunk();
        List<LogEntry> kept = new ArrayList<>();
        long removed = 0;
        for (LogEntry e : mc.entries()) {
            long ms = Math.floorDiv(e.timestamp(), 1_000_000L);
            if (ms >= fromMs && ms < toMs) {
                removed++;
            } else {
                kept.add(e);
            }
        }
        if (removed == 0 || kept.isEmpty()) {
            return new Rewritten(kept.size(), removed, null);
        }
        byte[] memChunk =
                MemChunkWriter.encode(
                        mc.format(), mc.codec(), MemChunkWriter.DEFAULT_BLOCK_SIZE, kept);
        return new Rewritten(
                kept.size(),
                removed,
                LokiChunk.encode(
                        chunk.userId(), lc.streamLabels(), chunk.fingerprint(), memChunk, null));
    }
}
