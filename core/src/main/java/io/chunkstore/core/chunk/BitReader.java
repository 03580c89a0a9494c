package io.chunkstore.core.chunk;

/**
 * Reads an MSB-first bit stream from a byte range; running past the end is an {@link EndOfStream}.
 */
final class BitReader {
    /** The stream ended before the bits asked for. */
    static final class EndOfStream extends Exception {
        private static final long serialVersionUID = 1L;

        EndOfStream() {
            super("bit stream ends early", null, false, false);
        }
    }

    private final byte[] buf;
    private final int base;
    private final long limitBits;
    private long pos;

    BitReader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.base = offset;
        this.limitBits = (long) length * 8;
    }

    boolean readBit() throws EndOfStream {
        if (pos >= limitBits) {
            throw new EndOfStream();
        }
        int b = buf[base + (int) (pos >>> 3)];
        boolean bit = ((b >>> (7 - (int) (pos & 7))) & 1) != 0;
        pos++;
        return bit;
    }

    /** The next {@code nbits} (0-64) bits as an unsigned number. */
    long readBits(int nbits) throws EndOfStream {
        if (pos + nbits > limitBits) {
            throw new EndOfStream();
        }
        long v = 0;
        int remaining = nbits;
        while (remaining > 0) {
            int bitOffset = (int) (pos & 7);
            int available = 8 - bitOffset;
            int take = Math.min(available, remaining);
            int b = buf[base + (int) (pos >>> 3)] & 0xFF;
            v = (v << take) | ((b >>> (available - take)) & ((1 << take) - 1));
            remaining -= take;
            pos += take;
        }
        return v;
    }

    /** Go's {@code binary.ReadUvarint}: at most 10 bytes, overflow is an error. */
    long readUvarint() throws EndOfStream {
        long x = 0;
        int shift = 0;
        for (int i = 0; i < 10; i++) {
            int b = (int) readBits(8);
            if (b < 0x80) {
                if (i == 9 && b > 1) {
                    throw new IllegalArgumentException("varint overflows 64 bits");
                }
                return x | ((long) b << shift);
            }
            x |= (long) (b & 0x7F) << shift;
            shift += 7;
        }
        throw new IllegalArgumentException("varint overflows 64 bits");
    }

    /** Go's {@code binary.ReadVarint}: zig-zag decoded uvarint. */
    long readVarint() throws EndOfStream {
        long ux = readUvarint();
        return (ux >>> 1) ^ -(ux & 1);
    }
}
