package io.chunkstore.loki.chunkenc;

/**
 * Go's {@code encoding/binary} variable-length integers as Loki writes them: {@code PutUvarint}
 * (unsigned LEB128, at most 10 bytes) and {@code PutVarint} (zig-zag, then LEB128). Reading is done
 * by {@link SliceReader} and {@link BlockInput}; this class writes and holds the shared limits.
 */
final class GoVarints {
    /** The most bytes a 64-bit varint takes. */
    static final int MAX_LEN = 10;

    private GoVarints() {}

    /** Writes {@code v} as an unsigned varint (the 64 bits taken as unsigned). */
    static void putUvarint(ByteSink out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** Writes {@code v} as a zig-zag signed varint. */
    static void putVarint(ByteSink out, long v) {
        putUvarint(out, (v << 1) ^ (v >> 63));
    }

    /** The number of bytes {@link #putUvarint} writes for {@code v}. */
    static int uvarintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    /** Undoes zig-zag. */
    static long unzigzag(long u) {
        return (u >>> 1) ^ -(u & 1);
    }

    /**
     * Accumulates one varint byte. Go rejects a varint longer than 10 bytes and a 10th byte above 1
     * (overflow); so do we. Returns false when {@code i} and {@code b} describe an overflow.
     */
    static boolean fits(int i, int b) {
        return i < MAX_LEN - 1 || (i == MAX_LEN - 1 && b <= 1);
    }
}
