package io.chunkstore.core.chunk;

import java.util.Arrays;

/**
 * An MSB-first bit stream with the byte layout of Prometheus' {@code bstream}: after writing a
 * whole byte the stream always ends in a byte with {@code free} unused low bits (8 when it is
 * empty), and that trailing byte is part of the output. XOR chunks therefore end in such a byte,
 * and matching it keeps our chunks byte-identical.
 */
final class BitWriter {
    private byte[] buf;
    private int len;

    /** Unused low bits of the last byte; 0 means the next write starts a new byte. */
    private int free;

    BitWriter(int capacity) {
        buf = new byte[Math.max(capacity, 16)];
    }

    /** Appends whole bytes, before any bit is written (the XOR chunk header). */
    void appendRaw(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    void writeBit(boolean bit) {
        if (free == 0) {
            ensure(1);
            buf[len++] = 0;
            free = 8;
        }
        if (bit) {
            buf[len - 1] |= (byte) (1 << (free - 1));
        }
        free--;
    }

    void writeByte(int b) {
        b &= 0xFF;
        if (free == 0) {
            ensure(1);
            buf[len++] = 0;
            free = 8;
        }
        buf[len - 1] |= (byte) (b >>> (8 - free));
        ensure(1);
        buf[len++] = (byte) (b << free);
    }

    /** Writes the low {@code nbits} bits of {@code u}, most significant first. */
    void writeBits(long u, int nbits) {
        if (nbits == 0) {
            return;
        }
        u <<= 64 - nbits;
        while (nbits >= 8) {
            writeByte((int) (u >>> 56));
            u <<= 8;
            nbits -= 8;
        }
        while (nbits > 0) {
            writeBit(u < 0);
            u <<= 1;
            nbits--;
        }
    }

    /** Go's {@code binary.PutUvarint}, byte by byte through {@link #writeByte}. */
    void writeUvarint(long x) {
        while (Long.compareUnsigned(x, 0x80) >= 0) {
            writeByte((int) (x & 0x7F) | 0x80);
            x >>>= 7;
        }
        writeByte((int) x);
    }

    /** Go's {@code binary.PutVarint}: zig-zag, then uvarint. */
    void writeVarint(long x) {
        writeUvarint((x << 1) ^ (x >> 63));
    }

    void putShortBigEndian(int offset, int v) {
        buf[offset] = (byte) (v >>> 8);
        buf[offset + 1] = (byte) v;
    }

    int length() {
        return len;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
