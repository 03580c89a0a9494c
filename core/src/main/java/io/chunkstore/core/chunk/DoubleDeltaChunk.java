package io.chunkstore.core.chunk;

import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidChunkException.Reason;

/**
 * Reads the Prometheus 1.x double-delta chunk, the payload of Cortex's DoubleDelta (1) encoding and
 * of Delta (0), which Cortex reads as DoubleDelta. Layout (facts from Cortex {@code
 * pkg/chunk/encoding/doubledelta.go} and {@code delta_helpers.go}, taken from Prometheus 1.x {@code
 * storage/local/chunk/doubledelta.go}; all numbers little-endian):
 *
 * <pre>
 * 0  uint16 used length l (header + samples; the rest of the 1024-byte buffer is padding)
 * 2  time bytes tb: 1, 2, 4 or 8
 * 3  value bytes vb: 0, 1, 2, 4 or 8
 * 4  is-int flag (1 = integer deltas)
 * 5  int64 base time            13 float64 base value
 * 21 int64 base time delta      29 float64 base value delta   (absent in a one-sample chunk, l = 21)
 * 37 samples 2.. each tb + vb bytes: the deviation (double delta) from base + i * base delta
 * </pre>
 *
 * Sample {@code i >= 2} is {@code base + i * baseDelta + dd} for times (dd a signed tb-byte
 * integer) and for values (dd a signed vb-byte integer, or a float32 when not int, or nothing when
 * vb = 0). With tb = 8 or vb = 8 the number is the absolute time or the raw float64 bits instead,
 * and so is sample 1's "base delta". Values are computed in that order with float64 arithmetic, as
 * the Go code does on amd64 (where Go never fuses the multiply and add; an arm64 build of Cortex
 * may, and could differ in the last bit of a float delta), so they come out bit for bit; values
 * stored absolutely (the only way the encoder stores a NaN, so the stale marker) keep their bits
 * untouched.
 */
public final class DoubleDeltaChunk {
    /**
     * Prometheus 1.x's chunk size ({@code ChunkLen}): the buffer a decoder copies the payload into.
     */
    static final int CHUNK_LEN = 1024;

    private static final int HEADER_BYTES = 37;
    private static final int ONE_SAMPLE_BYTES = 21;

    private DoubleDeltaChunk() {}

    /**
     * The samples of a double-delta payload. The header is checked as Cortex's {@code
     * UnmarshalFromBuf} does (used length within 1024 bytes and at least a one-sample header, known
     * time and value widths), and further: the used length must lie within the payload and a
     * partial two-sample header is refused.
     *
     * @throws InvalidChunkException CORRUPT naming the chunk when the header is impossible
     */
    public static SampleIterator iterator(byte[] data, String key) {
        return new Iter(data, key);
    }

    private static final class Iter implements SampleIterator {
        private final byte[] c;
        private final int count;
        private final int tb;
        private final int vb;
        private final boolean isInt;
        private final long baseT;
        private final long baseDeltaT;
        private final long baseVBits;
        private final long baseDeltaVBits;
        private int idx = -1;
        private long t;
        private long vBits;

        Iter(byte[] data, String key) {
            if (data.length < ONE_SAMPLE_BYTES) {
                throw corrupt(
                        key,
                        "DoubleDelta payload of "
                                + data.length
                                + " bytes is shorter than its "
                                + ONE_SAMPLE_BYTES
                                + "-byte header");
            }
            int used = (data[0] & 0xFF) | (data[1] & 0xFF) << 8;
            if (used > CHUNK_LEN) {
                throw corrupt(
                        key,
                        "DoubleDelta used length "
                                + used
                                + " exceeds the chunk length "
                                + CHUNK_LEN);
            }
            if (used < ONE_SAMPLE_BYTES || (used > ONE_SAMPLE_BYTES && used < HEADER_BYTES)) {
                throw corrupt(
                        key,
                        "DoubleDelta used length "
                                + used
                                + " cuts the header short ("
                                + ONE_SAMPLE_BYTES
                                + " bytes for one sample, "
                                + HEADER_BYTES
                                + " for more)");
            }
            if (used > data.length) {
                throw corrupt(
                        key,
                        "DoubleDelta used length "
                                + used
                                + " exceeds the "
                                + data.length
                                + "-byte payload");
            }
            tb = data[2] & 0xFF;
            vb = data[3] & 0xFF;
            if (tb != 1 && tb != 2 && tb != 4 && tb != 8) {
                throw corrupt(key, "DoubleDelta time width " + tb + " bytes is none of 1, 2, 4, 8");
            }
            isInt = data[4] == 1;
            boolean vbOk = isInt ? vb == 0 || vb == 1 || vb == 2 || vb == 4 : vb == 4 || vb == 8;
            if (!vbOk) {
                throw corrupt(
                        key,
                        "DoubleDelta "
                                + (isInt ? "integer" : "float")
                                + " value width "
                                + vb
                                + " bytes is none of "
                                + (isInt ? "0, 1, 2, 4" : "4, 8"));
            }
            c = data;
            count = used == ONE_SAMPLE_BYTES ? 1 : (used - HEADER_BYTES) / (tb + vb) + 2;
            baseT = le64(data, 5);
            baseVBits = le64(data, 13);
            baseDeltaT = used >= HEADER_BYTES ? le64(data, 21) : 0;
            baseDeltaVBits = used >= HEADER_BYTES ? le64(data, 29) : 0;
        }

        @Override
        public boolean next() {
            if (idx + 1 >= count) {
                idx = count;
                return false;
            }
            idx++;
            if (idx == 0) {
                t = baseT;
                vBits = baseVBits;
            } else if (idx == 1) {
                t = tb == 8 ? baseDeltaT : baseT + baseDeltaT;
                vBits =
                        vb == 8
                                ? baseDeltaVBits
                                : Double.doubleToRawLongBits(
                                        Double.longBitsToDouble(baseVBits)
                                                + Double.longBitsToDouble(baseDeltaVBits));
            } else {
                int off = HEADER_BYTES + (idx - 2) * (tb + vb);
                t = tb == 8 ? le64(c, off) : baseT + idx * baseDeltaT + signed(c, off, tb);
                vBits = value(off + tb);
            }
            return true;
        }

        private long value(int off) {
            if (vb == 8) {
                return le64(c, off);
            }
            double projected =
                    Double.longBitsToDouble(baseVBits)
                            + idx * Double.longBitsToDouble(baseDeltaVBits);
            if (vb == 0) {
                // A constant delta: Go adds nothing (not even +0.0, which would turn a -0.0 into
                // +0.0).
                return Double.doubleToRawLongBits(projected);
            }
            double dd = isInt ? signed(c, off, vb) : Float.intBitsToFloat((int) signed(c, off, 4));
            return Double.doubleToRawLongBits(projected + dd);
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

    /** The little-endian two's complement number of {@code n} (1, 2 or 4) bytes at {@code off}. */
    private static long signed(byte[] b, int off, int n) {
        return switch (n) {
            case 1 -> b[off];
            case 2 -> (short) ((b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8);
            default ->
                    (b[off] & 0xFF)
                            | (b[off + 1] & 0xFF) << 8
                            | (b[off + 2] & 0xFF) << 16
                            | b[off + 3] << 24;
        };
    }

    private static long le64(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[off + i] & 0xFF);
        }
        return v;
    }

    private static InvalidChunkException corrupt(String key, String detail) {
        return new InvalidChunkException(Reason.CORRUPT, key, detail);
    }
}
