package io.chunkstore.loki.chunkenc;

/**
 * Reads Go varints from a bounded slice of a byte array (the metas and the symbol-table count).
 * Every read checks the slice end; running past it returns a sentinel through {@link #failed()}
 * rather than reading outside the slice.
 */
final class SliceReader {
    private final byte[] b;
    private int pos;
    private final int end;
    private String failure;

    SliceReader(byte[] b, int off, int len) {
        this.b = b;
        this.pos = off;
        this.end = off + len;
    }

    int position() {
        return pos;
    }

    int remaining() {
        return end - pos;
    }

    /** Why the last read failed ("truncated", "varint overflows 64 bits"), or null. */
    String failed() {
        return failure;
    }

    long uvarint() {
        long x = 0;
        int shift = 0;
        for (int i = 0; i < GoVarints.MAX_LEN; i++) {
            if (pos >= end) {
                failure = "ends in the middle of a varint";
                return 0;
            }
            int c = b[pos++] & 0xFF;
            if (!GoVarints.fits(i, c)) {
                failure = "varint overflows 64 bits";
                return 0;
            }
            if (c < 0x80) {
                return x | ((long) c << shift);
            }
            x |= (long) (c & 0x7F) << shift;
            shift += 7;
        }
        failure = "varint overflows 64 bits";
        return 0;
    }

    long varint() {
        return GoVarints.unzigzag(uvarint());
    }

    static int be32(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24)
                | ((b[off + 1] & 0xFF) << 16)
                | ((b[off + 2] & 0xFF) << 8)
                | (b[off + 3] & 0xFF);
    }

    static long be64(byte[] b, int off) {
        return ((long) be32(b, off) << 32) | (be32(b, off + 4) & 0xFFFFFFFFL);
    }
}
