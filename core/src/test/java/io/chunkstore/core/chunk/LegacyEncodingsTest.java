package io.chunkstore.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.model.Labels;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidChunkException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DoubleDelta and Varbit payload layouts the golden set does not reach (it has 4-byte time deltas
 * only, for instance), built by hand from the layouts in Prometheus 1.x {@code
 * storage/local/chunk/doubledelta.go} and {@code varbit.go}, with the samples worked out by hand;
 * and the checks on corrupt headers.
 */
class LegacyEncodingsTest {
    static final String KEY = "u/1:2:3:4";
    static final long STALE = Sample.STALE_NAN_BITS;

    /** A DoubleDelta buffer: header, then samples 2.. given as raw little-endian bytes. */
    static byte[] doubleDelta(
            int tb,
            int vb,
            boolean isInt,
            long baseT,
            long baseDeltaT,
            long baseVBits,
            long baseDeltaVBits,
            byte[] samples) {
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) (37 + samples.length))
                .put((byte) tb)
                .put((byte) vb)
                .put((byte) (isInt ? 1 : 0));
        b.putLong(baseT)
                .putLong(baseVBits)
                .putLong(baseDeltaT)
                .putLong(baseDeltaVBits)
                .put(samples);
        return b.array();
    }

    static byte[] le(int width, long... values) {
        ByteBuffer b = ByteBuffer.allocate(width * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (width) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    static List<String> decode(ChunkEncoding e, byte[] data) {
        List<String> out = new ArrayList<>();
        SampleIterator it = SampleData.iterator(e, data, KEY);
        while (it.next()) {
            out.add(it.timestamp() + " " + Long.toHexString(it.valueBits()));
        }
        return out;
    }

    static String s(long t, double v) {
        return t + " " + Long.toHexString(Double.doubleToRawLongBits(v));
    }

    static String sBits(long t, long bits) {
        return t + " " + Long.toHexString(bits);
    }

    @Test
    void oneSampleDoubleDeltaKeepsTheStaleMarker() {
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 21)
                .put((byte) 1)
                .put((byte) 0)
                .put((byte) 1)
                .putLong(1000)
                .putLong(STALE);
        assertThat(decode(ChunkEncoding.DOUBLE_DELTA, b.array()))
                .containsExactly(sBits(1000, STALE));
    }

    @Test
    void oneByteTimesAndConstantIntegerValues() {
        // t = 1000 + i*15 + dd, v = 5 + i*2 (vb 0: no value bytes at all).
        byte[] d =
                doubleDelta(
                        1,
                        0,
                        true,
                        1000,
                        15,
                        Double.doubleToRawLongBits(5),
                        Double.doubleToRawLongBits(2),
                        le(1, -3, 1, 127, -128));
        assertThat(decode(ChunkEncoding.DOUBLE_DELTA, d))
                .containsExactly(
                        s(1000, 5), s(1015, 7), s(1027, 9), s(1046, 11), s(1187, 13), s(947, 15));
        // Delta (0) is read as DoubleDelta, as Cortex does.
        assertThat(decode(ChunkEncoding.DELTA, d)).isEqualTo(decode(ChunkEncoding.DOUBLE_DELTA, d));
    }

    @Test
    void aConstantNegativeZeroStaysNegativeZero() {
        long negZero = Double.doubleToRawLongBits(-0.0);
        byte[] d = doubleDelta(1, 0, true, 0, 1, negZero, negZero, le(1, 0));
        assertThat(decode(ChunkEncoding.DOUBLE_DELTA, d))
                .containsExactly(sBits(0, negZero), sBits(1, negZero), sBits(2, negZero));
    }

    @Test
    void twoByteTimesAndTwoAndFourByteIntegerDeltas() {
        byte[] two =
                doubleDelta(
                        2,
                        2,
                        true,
                        1_000_000,
                        60_000,
                        Double.doubleToRawLongBits(100),
                        Double.doubleToRawLongBits(10),
                        concat(le(2, -300), le(2, -1000), le(2, 32767), le(2, 5)));
        assertThat(decode(ChunkEncoding.DOUBLE_DELTA, two))
                .containsExactly(
                        s(1_000_000, 100),
                        s(1_060_000, 110),
                        s(1_119_700, 120 - 1000),
                        s(1_212_767, 135));
        byte[] four =
                doubleDelta(
                        4,
                        4,
                        true,
                        0,
                        1,
                        Double.doubleToRawLongBits(0),
                        Double.doubleToRawLongBits(0),
                        concat(le(4, -100_000), le(4, 3_000_000_000L)));
        assertThat(decode(ChunkEncoding.DOUBLE_DELTA, four))
                .containsExactly(s(0, 0), s(1, 0), s(2 - 100_000, (int) 3_000_000_000L));
    }

    @Test
    void floatDeltasAreFloat32AddedInGoOrder() {
        // v = (base + i*baseDelta) + float32 dd: 0.1 + 2*0.2 = 0.5000000000000001 in float64, then
        // + 0.25f.
        double base = 0.1;
        double delta = 0.2;
        byte[] d =
                doubleDelta(
                        1,
                        4,
                        false,
                        10,
                        10,
                        Double.doubleToRawLongBits(base),
                        Double.doubleToRawLongBits(delta),
                        concat(le(1, 0), le(4, Float.floatToRawIntBits(0.25f))));
        assertThat(decode(ChunkEncoding.DOUBLE_DELTA, d))
                .containsExactly(
                        s(10, base), s(20, base + delta), s(30, (base + 2 * delta) + 0.25));
    }

    @Test
    void eightBytesMeanAbsoluteTimesAndRawValueBits() {
        byte[] d =
                doubleDelta(
                        8,
                        8,
                        false,
                        5,
                        77,
                        STALE,
                        0x7ff8000000000001L,
                        concat(
                                le(8, 99),
                                le(8, Double.doubleToRawLongBits(-0.0)),
                                le(8, 1),
                                le(8, STALE)));
        assertThat(decode(ChunkEncoding.DOUBLE_DELTA, d))
                .containsExactly(
                        sBits(5, STALE),
                        sBits(77, 0x7ff8000000000001L),
                        sBits(99, Double.doubleToRawLongBits(-0.0)),
                        sBits(1, STALE));
    }

    @Test
    void aPartialTrailingSampleIsIgnoredAsInGo() {
        byte[] d = doubleDelta(1, 1, true, 0, 1, 0, 0, le(1, 0, 0, 0));
        assertThat(decode(ChunkEncoding.DOUBLE_DELTA, d)).hasSize(3);
    }

    @Test
    void impossibleDoubleDeltaHeadersAreCorruptNamingTheChunk() {
        byte[] good = doubleDelta(1, 1, true, 0, 1, 0, 0, le(1, 0, 0));
        List<byte[]> bad = new ArrayList<>();
        bad.add(Arrays.copyOf(good, 20));
        bad.add(Arrays.copyOf(good, 38));
        for (int used : new int[] {0, 20, 22, 36, 1025, 0xFFFF}) {
            byte[] b = good.clone();
            b[0] = (byte) used;
            b[1] = (byte) (used >> 8);
            bad.add(b);
        }
        for (int[] widths : new int[][] {{0, 1}, {3, 1}, {9, 1}, {1, 3}, {1, 8}}) {
            byte[] b = good.clone();
            b[2] = (byte) widths[0];
            b[3] = (byte) widths[1];
            bad.add(b);
        }
        for (int vb : new int[] {0, 1, 2}) {
            byte[] b = good.clone();
            b[3] = (byte) vb;
            b[4] = 0;
            bad.add(b);
        }
        for (byte[] b : bad) {
            assertThatThrownBy(() -> decode(ChunkEncoding.DOUBLE_DELTA, b))
                    .isInstanceOfSatisfying(
                            InvalidChunkException.class,
                            e -> {
                                assertThat(e.reason()).isEqualTo(Reason.CORRUPT);
                                assertThat(e.key()).isEqualTo(KEY);
                            })
                    .hasMessageContaining("DoubleDelta")
                    .hasMessageContaining(KEY);
        }
    }

    /** A Varbit header: first/last sample, first time delta, flags and payload end. */
    static byte[] varbit(
            long t0, long v0Bits, long tLast, long vLastBits, int firstDeltaT, int flags, int end) {
        ByteBuffer b = ByteBuffer.allocate(1024);
        b.putLong(t0).putLong(v0Bits).putLong(tLast).putLong(vLastBits);
        b.put((byte) (firstDeltaT >> 16)).put((byte) (firstDeltaT >> 8)).put((byte) firstDeltaT);
        b.put((byte) flags).putShort((short) end);
        return b.array();
    }

    @Test
    void varbitChunksOfNoneOneAndTwoSamples() {
        assertThat(decode(ChunkEncoding.VARBIT, varbit(1, STALE, 2, 0, 0, 0, 0))).isEmpty();
        // Closed with nothing in the payload: Go's iterator still yields the header's last sample.
        assertThat(decode(ChunkEncoding.VARBIT, varbit(1, STALE, 2, STALE, 0, 0x80, 0)))
                .containsExactly(sBits(2, STALE));
        assertThat(decode(ChunkEncoding.VARBIT, varbit(1, STALE, 1, STALE, 0, 0, 1)))
                .containsExactly(sBits(1, STALE));
        assertThat(
                        decode(
                                ChunkEncoding.VARBIT,
                                varbit(1, STALE, 9, 0x7ff8000000000001L, 0, 0x80, 1)))
                .containsExactly(sBits(1, STALE), sBits(9, 0x7ff8000000000001L));
        assertThat(decode(ChunkEncoding.VARBIT, varbit(1, STALE, 16, STALE, 15, 2, 304)))
                .containsExactly(sBits(1, STALE), sBits(16, STALE));
    }

    @Test
    void varbitXorWindowBeyond64BitsIsCorrupt() {
        byte[] c = varbit(1, 0, 16, 0, 15, 2, 400);
        c[38] = (byte) 0b1111_1111; // '11', leading 31 (11111), then significant - 1 = 63 (1 +
        // 11111)
        c[39] = (byte) 0b1111_1000;
        assertThatThrownBy(() -> decode(ChunkEncoding.VARBIT, c))
                .isInstanceOfSatisfying(
                        InvalidChunkException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT))
                .hasMessageContaining("exceed 64")
                .hasMessageContaining(KEY);
    }

    @Test
    void varbitPayloadEndBeyondTheChunkIsCorruptNotEndless() {
        byte[] c =
                varbit(
                        1, 0, 16, 0, 15, 3,
                        0xFFFF); // direct encoding: 3+ bits of time, 64 of value per sample
        assertThatThrownBy(() -> decode(ChunkEncoding.VARBIT, c))
                .isInstanceOfSatisfying(
                        InvalidChunkException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT))
                .hasMessageContaining("runs past the 1024-byte");
    }

    @Test
    void varbitPayloadsMayBeJustTheBytesUpToTheirEnd() {
        Chunk golden =
                GoldenCortexEncodingsTest.decode(GoldenCortexEncodingsTest.named("varbit-07"));
        byte[] full = golden.data();
        int end = (full[36] & 0xFF) << 8 | (full[37] & 0xFF);
        int marshalLen = end / 8 + 1;
        assertThat(decode(ChunkEncoding.VARBIT, Arrays.copyOf(full, marshalLen)))
                .isEqualTo(decode(ChunkEncoding.VARBIT, full))
                .hasSize(3);
        // Longer than the chunk: the first 1024 bytes count, as Go copies them.
        assertThat(decode(ChunkEncoding.VARBIT, Arrays.copyOf(full, 1500)))
                .isEqualTo(decode(ChunkEncoding.VARBIT, full));
        for (int len : new int[] {0, 37, marshalLen - 1, marshalLen + 1, 1023}) {
            assertThatThrownBy(() -> decode(ChunkEncoding.VARBIT, Arrays.copyOf(full, len)))
                    .as("length %d", len)
                    .isInstanceOfSatisfying(
                            InvalidChunkException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT))
                    .hasMessageContaining("Varbit payload of " + len + " bytes");
        }
    }

    @Test
    void staleMarkersSurviveTheEnvelopeAndEveryEncodingsDecoder() {
        Labels labels = Labels.of("__name__", "up");
        List<Sample> samples =
                List.of(
                        new Sample(1, 1),
                        new Sample(2, Double.longBitsToDouble(STALE)),
                        new Sample(3, Double.longBitsToDouble(0x7ff8000000000001L)),
                        new Sample(4, 2));
        for (ChunkEncoding e : List.of(ChunkEncoding.BIGCHUNK, ChunkEncoding.PROMETHEUS_XOR)) {
            ChunkCodec.Encoded enc =
                    ChunkCodec.encode(Chunk.fromSamples("u", 7, labels, e, samples));
            Chunk back = ChunkCodec.decode("u", enc.externalKey(), enc.bytes());
            assertThat(back.samples()).isEqualTo(samples);
            assertThat(back.samples().get(1).isStaleMarker()).isTrue();
            assertThat(back.samples().get(2).isStaleMarker()).isFalse();
        }
        byte[] dd =
                doubleDelta(
                        8,
                        8,
                        false,
                        1,
                        2,
                        Double.doubleToRawLongBits(1),
                        STALE,
                        concat(le(8, 3), le(8, 0x7ff8000000000001L)));
        ChunkCodec.Encoded enc =
                ChunkCodec.encode(Chunk.of("u", 7, labels, 1, 3, ChunkEncoding.DOUBLE_DELTA, dd));
        List<Sample> back = ChunkCodec.decode("u", enc.externalKey(), enc.bytes()).samples();
        assertThat(back).containsExactly(samples.subList(0, 3).toArray(Sample[]::new));
        assertThat(Double.doubleToRawLongBits(back.get(1).value())).isEqualTo(STALE);
    }
}
