package io.chunkstore.core.chunk;

import io.chunkstore.spi.InvalidChunkException;

/**
 * The encoding byte of a chunk's metadata: what the data section holds. Codes 0-4 are Cortex's
 * Prometheus sample encodings, 128 and 129 are Loki's log chunks (a MemChunk, decoded by the loki
 * module).
 */
public enum ChunkEncoding {
    /**
     * Prometheus 1.x delta encoding; never written, and read as {@link #DOUBLE_DELTA}: Cortex
     * coerces 0 to 1 when it decodes a chunk, because old writers omitted the member and always
     * wrote double-delta data.
     */
    DELTA(0, "Delta"),
    /** Prometheus 1.x double-delta chunk (1024 bytes). */
    DOUBLE_DELTA(1, "DoubleDelta"),
    /** Prometheus 1.x varbit chunk. */
    VARBIT(2, "Varbit"),
    /** Cortex's default: a list of Prometheus TSDB XOR chunks of up to 120 samples each. */
    BIGCHUNK(3, "Bigchunk"),
    /** One Prometheus TSDB XOR chunk. */
    PROMETHEUS_XOR(4, "PrometheusXorChunk"),
    /** Loki v0.1-v1.2 log chunk (MemChunk format v1, gzip). */
    GZIP_LOG(128, "GzipLogChunk"),
    /** Loki v1.3+ log chunk (MemChunk). */
    LOG(129, "LogChunk");

    private final int code;
    private final String goName;

    ChunkEncoding(int code, String goName) {
        this.code = code;
        this.goName = goName;
    }

    /** The byte written in the metadata's {@code encoding} member. */
    public int code() {
        return code;
    }

    /** The name Cortex/Loki print for it. */
    public String goName() {
        return goName;
    }

    /**
     * Whether the data section is a Loki MemChunk rather than Prometheus samples (which {@link
     * SampleData} decodes).
     */
    public boolean isLogs() {
        return this == GZIP_LOG || this == LOG;
    }

    /** The encoding with this code, or null when there is none. */
    public static ChunkEncoding ofCode(int code) {
        for (ChunkEncoding e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return null;
    }

    /**
     * The encoding a decoder uses for a metadata code: 0 (Delta, also what an absent member means)
     * becomes DoubleDelta, as in Cortex.
     *
     * @throws InvalidChunkException UNKNOWN_ENCODING for a code no codec is registered for
     */
    public static ChunkEncoding forDecode(int code, String key) {
        ChunkEncoding e = ofCode(code);
        if (e == null) {
            throw new InvalidChunkException(
                    InvalidChunkException.Reason.UNKNOWN_ENCODING,
                    key,
                    "encoding "
                            + code
                            + " is none of 0-4 (Prometheus samples) or 128/129 (Loki logs)");
        }
        return e == DELTA ? DOUBLE_DELTA : e;
    }

    @Override
    public String toString() {
        return goName + "(" + code + ")";
    }
}
