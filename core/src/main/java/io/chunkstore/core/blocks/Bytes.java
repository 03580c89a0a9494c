package io.chunkstore.core.blocks;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A growable byte buffer with the integer encodings of Prometheus' TSDB files (big-endian fixed
 * width, Go's uvarint and zig-zag varint; prometheus/prometheus {@code tsdb/encoding/encoding.go})
 * and CRC-32C (Castagnoli), the checksum of every section of an index and every chunk.
 */
final class Bytes {
    private byte[] buf;
    private int len;

    Bytes(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    Bytes putByte(int b) {
        ensure(1);
        buf[len++] = (byte) b;
        return this;
    }

    Bytes putBe32(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    Bytes putBe64(long v) {
        putBe32((int) (v >>> 32));
        return putBe32((int) v);
    }

    Bytes putUvarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
        return this;
    }

    Bytes putVarint(long v) {
        return putUvarint((v << 1) ^ (v >> 63));
    }

    Bytes putBytes(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    /** A string as {@code len <uvarint> | bytes}. */
    Bytes putUvarintString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        putUvarint(b.length);
        return putBytes(b, 0, b.length);
    }

    /** Overwrites 4 bytes at {@code pos} big-endian. */
    void setBe32(int pos, int v) {
        buf[pos] = (byte) (v >>> 24);
        buf[pos + 1] = (byte) (v >>> 16);
        buf[pos + 2] = (byte) (v >>> 8);
        buf[pos + 3] = (byte) v;
    }

    /** Appends the CRC-32C of bytes {@code [from, len)}, big-endian. */
    Bytes putCrcOf(int from) {
        return putBe32(crc32c(buf, from, len - from));
    }

    int length() {
        return len;
    }

    byte[] array() {
        return buf;
    }

    void reset() {
        len = 0;
    }

    static int crc32c(byte[] b, int off, int n) {
        CRC32C c = new CRC32C();
        c.update(b, off, n);
        return (int) c.getValue();
    }

    static int uvarintLength(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }
}
