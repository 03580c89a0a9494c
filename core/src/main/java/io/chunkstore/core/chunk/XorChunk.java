package io.chunkstore.core.chunk;

import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidChunkException.Reason;
import java.util.List;

/**
 * The Prometheus TSDB XOR chunk (Gorilla compression), byte-identical to Prometheus' {@code
 * chunkenc.XORChunk}: a 2-byte big-endian sample count, then a bit stream — the first time as a
 * signed varint and value as 64 raw bits; the second time as an unsigned varint delta; later times
 * as delta-of-delta in a 1/14/17/20/64-bit window; every value after the first as the XOR with the
 * previous one, reusing the previous leading/trailing zero window when it fits.
 */
public final class XorChunk {
    /** The most samples one XOR chunk can count (the header is 16 bits). */
    public static final int MAX_SAMPLES = 0xFFFF;

    private XorChunk() {}

    /** The bytes of one XOR chunk holding these samples. */
    public static byte[] encode(List<Sample> samples) {
        Appender a = new Appender();
        for (Sample s : samples) {
            a.append(s.timestamp(), s.value());
        }
        return a.toByteArray();
    }

    /** Builds one XOR chunk sample by sample. */
    public static final class Appender {
        private final BitWriter b = new BitWriter(128);
        private int count;
        private long t;
        private long v;
        private long tDelta;
        private int leading = 0xFF;
        private int trailing;

        public Appender() {
            b.appendRaw(0);
            b.appendRaw(0);
        }

        /**
         * Appends a sample. Times may go backwards or jump far; the encoding is exact for every
         * int64 time and every float64 bit pattern.
         *
         * @throws IllegalStateException when the chunk already holds {@value #MAX_SAMPLES} samples
         */
        public void append(long timestamp, double value) {
            if (count == MAX_SAMPLES) {
                throw new IllegalStateException(
                        "an XOR chunk holds at most " + MAX_SAMPLES + " samples");
            }
            long bits = Double.doubleToRawLongBits(value);
            long delta = 0;
            if (count == 0) {
                b.writeVarint(timestamp);
                b.writeBits(bits, 64);
            } else if (count == 1) {
                delta = timestamp - t;
                b.writeUvarint(delta);
                writeValue(bits);
            } else {
                delta = timestamp - t;
                long dod = delta - tDelta;
                if (dod == 0) {
                    b.writeBit(false);
                } else if (fits(dod, 14)) {
                    b.writeBits(0b10, 2);
                    b.writeBits(dod, 14);
                } else if (fits(dod, 17)) {
                    b.writeBits(0b110, 3);
                    b.writeBits(dod, 17);
                } else if (fits(dod, 20)) {
                    b.writeBits(0b1110, 4);
                    b.writeBits(dod, 20);
                } else {
                    b.writeBits(0b1111, 4);
                    b.writeBits(dod, 64);
                }
                writeValue(bits);
            }
            t = timestamp;
            v = bits;
            tDelta = delta;
            count++;
            b.putShortBigEndian(0, count);
        }

        /** Prometheus' window test: {@code -(2^(n-1) - 1) <= x <= 2^(n-1)}. */
        private static boolean fits(long x, int nbits) {
            long half = 1L << (nbits - 1);
            return -(half - 1) <= x && x <= half;
        }

        private void writeValue(long bits) {
            long xor = bits ^ v;
            if (xor == 0) {
                b.writeBit(false);
                return;
            }
            b.writeBit(true);
            int lead = Math.min(Long.numberOfLeadingZeros(xor), 31);
            int trail = Long.numberOfTrailingZeros(xor);
            if (leading != 0xFF && lead >= leading && trail >= trailing) {
                b.writeBit(false);
                b.writeBits(xor >>> trailing, 64 - leading - trailing);
            } else {
                leading = lead;
                trailing = trail;
                b.writeBit(true);
                b.writeBits(lead, 5);
                int significant = 64 - lead - trail;
                // 64 significant bits do not fit 6 bits; they are written as 0 and read back as 64.
                b.writeBits(significant, 6);
                b.writeBits(xor >>> trail, significant);
            }
        }

        /** Samples appended so far. */
        public int count() {
            return count;
        }

        /** Bytes so far (the chunk is valid after every append). */
        public int length() {
            return b.length();
        }

        public byte[] toByteArray() {
            return b.toByteArray();
        }
    }

    /** The sample count in the header. */
    public static int sampleCount(byte[] data, int offset, int length, String key) {
        if (length < 2) {
            throw new InvalidChunkException(
                    Reason.CORRUPT, key, "XOR chunk of " + length + " bytes has no header");
        }
        return (data[offset] & 0xFF) << 8 | (data[offset + 1] & 0xFF);
    }

    /** Decodes all samples of the XOR chunk in {@code data[offset, offset+length)}. */
    public static List<Sample> decode(byte[] data, int offset, int length, String key) {
        return iterator(data, offset, length, key).remaining();
    }

    /**
     * The samples of the XOR chunk in {@code data[offset, offset+length)}, one at a time.
     *
     * @throws InvalidChunkException CORRUPT (now for a missing header; from {@link
     *     SampleIterator#next()} when the bit stream ends before the header's count or holds an
     *     impossible value window)
     */
    public static SampleIterator iterator(byte[] data, int offset, int length, String key) {
        return new Iter(data, offset, length, key);
    }

    private static final class Iter implements SampleIterator {
        private final BitReader r;
        private final int n;
        private final int length;
        private final String key;
        private int i;
        private long t;
        private long v;
        private long tDelta;
        private int leading;
        private int trailing;

        Iter(byte[] data, int offset, int length, String key) {
            this.n = sampleCount(data, offset, length, key);
            this.r = new BitReader(data, offset + 2, length - 2);
            this.length = length;
            this.key = key;
        }

        @Override
        public boolean next() {
            if (i >= n) {
                return false;
            }
            try {
                if (i == 0) {
                    t = r.readVarint();
                    v = r.readBits(64);
                } else {
                    if (i == 1) {
                        tDelta = r.readUvarint();
                    } else {
                        tDelta += readDeltaOfDelta(r);
                    }
                    t += tDelta;
                    if (r.readBit()) {
                        if (r.readBit()) {
                            leading = (int) r.readBits(5);
                            int significant = (int) r.readBits(6);
                            if (significant == 0) {
                                significant = 64;
                            }
                            trailing = 64 - leading - significant;
                            if (trailing < 0) {
                                throw new IllegalArgumentException(
                                        leading
                                                + " leading zeros and "
                                                + significant
                                                + " significant bits exceed 64");
                            }
                        }
                        v ^= r.readBits(64 - leading - trailing) << trailing;
                    }
                }
            } catch (BitReader.EndOfStream e) {
                int at = i;
                i = n;
                throw new InvalidChunkException(
                        Reason.CORRUPT,
                        key,
                        "XOR chunk of "
                                + length
                                + " bytes ends after "
                                + at
                                + " of its "
                                + n
                                + " samples");
            } catch (IllegalArgumentException e) {
                int at = i;
                i = n;
                throw new InvalidChunkException(
                        Reason.CORRUPT,
                        key,
                        "XOR chunk sample " + at + " of " + n + ": " + e.getMessage());
            }
            i++;
            return true;
        }

        @Override
        public long timestamp() {
            return t;
        }

        @Override
        public long valueBits() {
            return v;
        }
    }

    private static long readDeltaOfDelta(BitReader r) throws BitReader.EndOfStream {
        int ones = 0;
        while (ones < 4 && r.readBit()) {
            ones++;
        }
        int size =
                switch (ones) {
                    case 0 -> 0;
                    case 1 -> 14;
                    case 2 -> 17;
                    case 3 -> 20;
                    default -> 64;
                };
        if (size == 0) {
            return 0;
        }
        long bits = r.readBits(size);
        if (size < 64 && bits > (1L << (size - 1))) {
            bits -= 1L << size;
        }
        return bits;
    }
}
