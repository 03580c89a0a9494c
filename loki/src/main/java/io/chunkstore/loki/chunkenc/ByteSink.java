package io.chunkstore.loki.chunkenc;

import java.util.Arrays;

/**
 * A growable byte buffer with the big-endian and varint writes the MemChunk format needs. Not
 * thread-safe.
 */
final class ByteSink {
    private byte[] buf;
    private int size;

    ByteSink(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    int size() {
        return size;
    }

    void reset() {
        size = 0;
    }

    private void ensure(int extra) {
        int need = size + extra;
        if (need < 0) {
            throw new IllegalStateException("buffer would exceed 2 GiB");
        }
        if (need > buf.length) {
            buf =
                    Arrays.copyOf(
                            buf,
                            Math.max(
                                    need, (int) Math.min(Integer.MAX_VALUE - 8L, buf.length * 2L)));
        }
    }

    void write(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    void write(byte[] b) {
        write(b, 0, b.length);
    }

    void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    void putBE32(int v) {
        ensure(4);
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
    }

    void putBE64(long v) {
        putBE32((int) (v >>> 32));
        putBE32((int) v);
    }

    void putUvarint(long v) {
        GoVarints.putUvarint(this, v);
    }

    void putVarint(long v) {
        GoVarints.putVarint(this, v);
    }

    /** The backing array; valid bytes are {@code [0, size())}. */
    byte[] array() {
        return buf;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
