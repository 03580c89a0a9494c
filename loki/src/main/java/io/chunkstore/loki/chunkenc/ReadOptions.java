package io.chunkstore.loki.chunkenc;

import java.util.function.Consumer;

/**
 * How {@link MemChunk#decode} reads a chunk.
 *
 * @param chunkName the chunk's name for errors and reports (its external key, say); may be null
 * @param skipCorruptBlocks false (the default): a block whose CRC-32C does not match fails the
 *     chunk with {@link LokiChunkException.Problem#BLOCK_CHECKSUM}. True: the block is left out,
 *     the rest is read (Loki's own behaviour), and the block is reported to {@code onCorruptBlock}
 *     and listed in {@link MemChunk#skippedBlocks()}
 * @param onCorruptBlock called once per skipped block while decoding; may be null
 * @param maxLineLength the longest line accepted, in bytes; Loki refuses lines of 1 GiB or more
 */
public record ReadOptions(
        String chunkName,
        boolean skipCorruptBlocks,
        Consumer<CorruptBlock> onCorruptBlock,
        int maxLineLength) {
    /** Loki's limit: lines of 1 GiB or more are refused. */
    public static final int LOKI_MAX_LINE_LENGTH = (1 << 30) - 1;

    /** No name, fail on a corrupt block, Loki's line limit. */
    public static final ReadOptions DEFAULT =
            new ReadOptions(null, false, null, LOKI_MAX_LINE_LENGTH);

    public ReadOptions {
        if (maxLineLength < 0) {
            throw new IllegalArgumentException("maxLineLength must be >= 0, got " + maxLineLength);
        }
    }

    /** The defaults, with the chunk named {@code chunkName} in errors. */
    public static ReadOptions named(String chunkName) {
        return DEFAULT.withChunkName(chunkName);
    }

    public ReadOptions withChunkName(String name) {
        return new ReadOptions(name, skipCorruptBlocks, onCorruptBlock, maxLineLength);
    }

    /** Skip blocks whose CRC does not match, reporting each to {@code listener} (may be null). */
    public ReadOptions skippingCorruptBlocks(Consumer<CorruptBlock> listener) {
        return new ReadOptions(chunkName, true, listener, maxLineLength);
    }

    public ReadOptions withMaxLineLength(int max) {
        return new ReadOptions(chunkName, skipCorruptBlocks, onCorruptBlock, max);
    }
}
