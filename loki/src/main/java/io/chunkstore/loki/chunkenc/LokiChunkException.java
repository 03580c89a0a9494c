package io.chunkstore.loki.chunkenc;

import io.chunkstore.spi.InvalidChunkException;

/**
 * A Loki MemChunk that does not decode. It names the chunk (the key or label the caller passed in
 * {@link ReadOptions#chunkName()}, or none), the block when the problem is in one ({@link
 * #blockIndex()}, the block's position in the chunk's metas, or -1), and which check failed ({@link
 * #problem()}).
 */
public class LokiChunkException extends InvalidChunkException {
    private static final long serialVersionUID = 1L;

    /** Which check failed. */
    public enum Problem {
        /** The chunk does not start with the MemChunk magic number 0x012EE56A. */
        BAD_MAGIC,
        /** The format version byte is not 1, 2, 3 or 4. */
        UNKNOWN_VERSION,
        /**
         * The codec byte names no block compression Loki stores (including 2, "dumb", which is
         * test-only).
         */
        UNKNOWN_CODEC,
        /** The chunk is shorter than its header and trailer. */
        TRUNCATED,
        /** The trailer's offsets or lengths point outside the chunk. */
        BAD_TRAILER,
        /** The CRC-32C over the block metas does not match ("invalid checksum"). */
        METAS_CHECKSUM,
        /** The v4 structured-metadata symbol table's CRC-32C does not match. */
        SYMBOLS_CHECKSUM,
        /** A block's CRC-32C does not match, even at the repaired offset. */
        BLOCK_CHECKSUM,
        /**
         * A block's offset and length point outside the chunk's block area, even at the repaired
         * offset.
         */
        BLOCK_OUT_OF_RANGE,
        /** The block metas do not parse. */
        MALFORMED_METAS,
        /** The v4 symbol table does not decompress or parse. */
        MALFORMED_SYMBOLS,
        /** A block does not decompress, or its entries do not parse. */
        MALFORMED_BLOCK,
        /** An entry's line is longer than {@link ReadOptions#maxLineLength()}. */
        LINE_TOO_LONG
    }

    private final Problem problem;
    private final int blockIndex;

    public LokiChunkException(
            Problem problem, String chunkName, int blockIndex, String detail, Throwable cause) {
        super(
                problem == Problem.UNKNOWN_CODEC ? Reason.UNKNOWN_ENCODING : Reason.CORRUPT,
                chunkName,
                "Loki MemChunk" + (blockIndex >= 0 ? " block " + blockIndex : "") + ": " + detail,
                cause);
        this.problem = problem;
        this.blockIndex = blockIndex;
    }

    public Problem problem() {
        return problem;
    }

    /** The block's index in the chunk's metas, or -1 when the problem is not in one block. */
    public int blockIndex() {
        return blockIndex;
    }

    /** The chunk's name as the caller gave it in {@link ReadOptions}, or null. */
    public String chunkName() {
        return key();
    }
}
