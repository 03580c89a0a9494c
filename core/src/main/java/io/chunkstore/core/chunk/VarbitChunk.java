package io.chunkstore.core.chunk;

import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidChunkException.Reason;
import java.util.Arrays;

/**
 * Reads the Prometheus 1.x varbit chunk, the payload of Cortex's Varbit (2) encoding. Facts from
 * Cortex {@code pkg/chunk/encoding/varbit.go} and {@code varbit_helpers.go} (taken from Prometheus
 * 1.x {@code storage/local/chunk/varbit.go}). A 1024-byte buffer, big-endian, bit 0 the most
 * significant of byte 0:
 *
 * <pre>
 * byte 0  int64 first time       8  float64 first value
 * byte 16 int64 last time        24 float64 last value
 * byte 32 uint24 first time delta
 * byte 35 flags: bits 0-1 the value encoding (0 zero, 1 integer double-delta, 2 XOR, 3 direct), bit 7 closed
 * byte 36 uint16 bit offset of the next sample (the end of the payload)
 * bit 304 the third and later samples (for value encoding 1 the int32 first value delta comes first, for 3 the
 *         second value as 64 raw bits)
 * </pre>
 *
 * Times from the third sample on are double deltas: {@code 0} + 7 bits = that many plus one repeats
 * of a zero double delta, {@code 10} + 6, {@code 110} + 17, {@code 111} + 23 signed bits. Values by
 * encoding: none (all equal the first), integer double deltas ({@code 0}, or 1-4 one bits then 6,
 * 13, 20, 33 signed bits) added as float64, Gorilla XOR with the previous value's bits ({@code 0}
 * same, {@code 10} same window, {@code 11} + 5 bits leading zeros + 6 bits significant count - 1),
 * or 64 raw bits. A closed chunk holds one more sample, after the payload, in the last time/value
 * header fields. XOR and direct values are bit patterns and pass through untouched (so NaN payloads
 * such as the stale marker survive); integer double deltas use float64 addition exactly as the Go
 * code does.
 */
public final class VarbitChunk {
    private static final int CHUNK_LEN = DoubleDeltaChunk.CHUNK_LEN;
    private static final int FLAG_OFFSET = 35;
    private static final int NEXT_SAMPLE_OFFSET_OFFSET = 36;
    private static final int FIRST_VALUE_DELTA_OFFSET = 38;
    private static final int SECOND_SAMPLE = 1;
    private static final int THIRD_SAMPLE = FIRST_VALUE_DELTA_OFFSET * 8;
    private static final int ZERO = 0;
    private static final int INT_DOUBLE_DELTA = 1;
    private static final int XOR = 2;
    private static final int DIRECT = 3;

    private VarbitChunk() {}

    /**
     * The samples of a varbit payload. Its length is checked as Cortex's {@code UnmarshalFromBuf}
     * does: the whole 1024-byte chunk (more is ignored), or exactly the bytes up to the payload end
     * that older writers marshalled.
     *
     * @throws InvalidChunkException CORRUPT naming the chunk when the length is neither; from
     *     {@link SampleIterator#next()} when the bit stream runs past the chunk or holds an
     *     impossible value window
     */
    public static SampleIterator iterator(byte[] data, String key) {
        byte[] c = data.length >= CHUNK_LEN ? data : Arrays.copyOf(data, CHUNK_LEN);
        int end = u16(c, NEXT_SAMPLE_OFFSET_OFFSET);
        if (data.length < CHUNK_LEN) {
            int marshalLen = Math.min(Math.max(end, THIRD_SAMPLE) / 8 + 1, CHUNK_LEN);
            if (data.length != marshalLen) {
                throw new InvalidChunkException(
                        Reason.CORRUPT,
                        key,
                        "Varbit payload of "
                                + data.length
                                + " bytes is neither the "
                                + CHUNK_LEN
                                + "-byte chunk nor the "
                                + marshalLen
                                + " bytes its payload end (bit "
                                + end
                                + ") needs");
            }
        }
        return new Iter(c, end, key);
    }

    private static final class Iter implements SampleIterator {
        private final byte[] c;
        private final int len;
        private final int enc;
        private final boolean closed;
        private final String key;
        private int pos;
        private long t;
        private long dT;
        private int repeats;
        private long vBits;
        private long dV;
        private int leading;
        private int significant = 1;
        private boolean done;

        Iter(byte[] c, int len, String key) {
            this.c = c;
            this.len = len;
            this.enc = c[FLAG_OFFSET] & 0x03;
            this.closed = (c[FLAG_OFFSET] & 0x80) != 0;
            this.key = key;
        }

        @Override
        public boolean next() {
            if (done) {
                return false;
            }
            if (pos > len) {
                done = true;
                return false;
            }
            if (pos == len && repeats == 0) {
                // Past the payload: a closed chunk keeps its last sample in the header.
                pos = len + 1;
                if (!closed) {
                    done = true;
                    return false;
                }
                t = be64(c, 16);
                vBits = be64(c, 24);
                return true;
            }
            try {
                if (pos == 0) {
                    t = be64(c, 0);
                    vBits = be64(c, 8);
                    pos = SECOND_SAMPLE;
                } else if (pos == SECOND_SAMPLE) {
                    second();
                } else {
                    later();
                }
            } catch (IllegalArgumentException e) {
                done = true;
                throw new InvalidChunkException(
                        Reason.CORRUPT,
                        key,
                        "Varbit chunk (value encoding "
                                + enc
                                + ", payload end at bit "
                                + len
                                + "): "
                                + e.getMessage());
            }
            return true;
        }

        private void second() {
            if (len == THIRD_SAMPLE && !closed) {
                // Only two samples: the second is the last one in the header.
                t = be64(c, 16);
                vBits = be64(c, 24);
                pos = len + 1;
                return;
            }
            dT = (c[32] & 0xFFL) << 16 | (c[33] & 0xFFL) << 8 | (c[34] & 0xFFL);
            t += dT;
            switch (enc) {
                case ZERO -> pos = THIRD_SAMPLE;
                case INT_DOUBLE_DELTA -> {
                    dV = (int) be32(c, FIRST_VALUE_DELTA_OFFSET);
                    vBits = Double.doubleToRawLongBits(Double.longBitsToDouble(vBits) + dV);
                    pos = THIRD_SAMPLE + 32;
                }
                case XOR -> {
                    pos = THIRD_SAMPLE;
                    readXor();
                }
                default -> {
                    vBits = be64(c, FIRST_VALUE_DELTA_OFFSET);
                    pos = THIRD_SAMPLE + 64;
                }
            }
        }

        private void later() {
            if (repeats > 0) {
                repeats--;
            } else {
                switch (controlBits(3)) {
                    case 0 -> repeats = (int) bits(7);
                    case 1 -> dT += signedBits(6);
                    case 2 -> dT += signedBits(17);
                    default -> dT += signedBits(23);
                }
            }
            t += dT;
            switch (enc) {
                case ZERO -> {}
                case INT_DOUBLE_DELTA -> {
                    switch (controlBits(4)) {
                        case 0 -> {}
                        case 1 -> dV += signedBits(6);
                        case 2 -> dV += signedBits(13);
                        case 3 -> dV += signedBits(20);
                        default -> dV += signedBits(33);
                    }
                    vBits = Double.doubleToRawLongBits(Double.longBitsToDouble(vBits) + dV);
                }
                case XOR -> readXor();
                default -> vBits = bits(64);
            }
        }

        private void readXor() {
            switch (controlBits(2)) {
                case 0 -> {
                    return;
                }
                case 1 -> {}
                default -> {
                    leading = (int) bits(5);
                    significant = (int) bits(6) + 1;
                }
            }
            int shift = 64 - significant - leading;
            if (shift < 0) {
                throw new IllegalArgumentException(
                        leading
                                + " leading zeros and "
                                + significant
                                + " significant bits exceed 64");
            }
            vBits ^= bits(significant) << shift;
        }

        /**
         * Counts one bits up to {@code max}, consuming the terminating zero bit if one comes first.
         */
        private int controlBits(int max) {
            int count = 0;
            while (count < max) {
                if (bits(1) == 0) {
                    return count;
                }
                count++;
            }
            return count;
        }

        private long signedBits(int n) {
            long u = bits(n);
            return u >= 1L << (n - 1) ? u - (1L << n) : u;
        }

        /** The next {@code n} (1-64) bits as an unsigned number. */
        private long bits(int n) {
            if (pos + n > CHUNK_LEN * 8) {
                throw new IllegalArgumentException(
                        "reading "
                                + n
                                + " bits at bit "
                                + pos
                                + " runs past the "
                                + CHUNK_LEN
                                + "-byte chunk");
            }
            long v = 0;
            int remaining = n;
            while (remaining > 0) {
                int bitInByte = pos & 7;
                int take = Math.min(8 - bitInByte, remaining);
                int b = c[pos >>> 3] & 0xFF;
                v = v << take | ((b >>> (8 - bitInByte - take)) & ((1 << take) - 1));
                remaining -= take;
                pos += take;
            }
            return v;
        }

        @Override
        public long timestamp() {
            return t;
        }

        @Override
        public long valueBits() {
            return vBits;
        }
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
    }

    private static long be32(byte[] b, int off) {
        return (b[off] & 0xFFL) << 24
                | (b[off + 1] & 0xFFL) << 16
                | (b[off + 2] & 0xFFL) << 8
                | (b[off + 3] & 0xFFL);
    }

    private static long be64(byte[] b, int off) {
        return be32(b, off) << 32 | be32(b, off + 4);
    }
}
