package io.chunkstore.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidChunkException.Reason;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The XOR (Gorilla) chunk and the Bigchunk container (Prometheus tsdb/chunkenc/xor.go, Cortex's
 * pkg/chunk/encoding/bigchunk.go).
 */
class XorChunkTest {
    @Test
    void oneSampleIsTheGoldenSubChunk() {
        // From chunk-d97c78e1.bin: count 1, varint 1557654321000, 64 zero bits, and bstream's
        // trailing empty byte.
        byte[] xor = XorChunk.encode(List.of(new Sample(1557654321000L, 0)));
        assertThat(HexFormat.of().formatHex(xor)).isEqualTo("0001d0ddf5b6d55a000000000000000000");
        assertThat(
                        HexFormat.of()
                                .formatHex(Bigchunk.encode(List.of(new Sample(1557654321000L, 0)))))
                .isEqualTo("01001100" + "0001d0ddf5b6d55a000000000000000000");
    }

    @Test
    void bitLayoutOfTheLaterSamples() {
        // t0=0 v0=0, then t=1 (uvarint 1) v=0 ("0"), then t=2 (dod 0: "0") v=0 ("0"), then t=4 (dod
        // 1: "10" +
        // 14 bits) and v=1.0 (xor 0x3ff0...: "1" "1", 5 bits leading=2, 6 bits sig=10, 10 bits
        // 0b1111111111).
        byte[] xor =
                XorChunk.encode(
                        List.of(
                                new Sample(0, 0),
                                new Sample(1, 0),
                                new Sample(2, 0),
                                new Sample(4, 1.0)));
        // header 0004 | varint(0)=00 | 8 zero bytes | uvarint(1)=01 | then bits:
        // 0 0 0 10 00000000000001 1 1 00010 001010 1111111111 -> 0001 0000 | 0000 0000 | 0011 1000
        // | 1000 1010 |
        // 1111 1111 | 11 + six free bits.
        assertThat(HexFormat.of().formatHex(xor))
                .isEqualTo(
                        "0004"
                                + "00"
                                + "0000000000000000"
                                + "01"
                                + "10"
                                + "00"
                                + "38"
                                + "8a"
                                + "ff"
                                + "c0");
        assertThat(XorChunk.decode(xor, 0, xor.length, null))
                .containsExactly(
                        new Sample(0, 0), new Sample(1, 0), new Sample(2, 0), new Sample(4, 1.0));
    }

    @Test
    void deltaOfDeltaWindowsAtTheirEdges() {
        long[] dods = {
            0,
            1,
            -1,
            8192,
            -8191,
            8193,
            -8192,
            65536,
            -65535,
            65537,
            524288,
            -524287,
            524289,
            -524288,
            Long.MAX_VALUE / 4,
            Long.MIN_VALUE / 4
        };
        List<Sample> samples = new ArrayList<>();
        long t = 1_000_000;
        long delta = 15_000;
        samples.add(new Sample(t, 1));
        t += delta;
        samples.add(new Sample(t, 2));
        for (long dod : dods) {
            delta += dod;
            t += delta;
            samples.add(new Sample(t, samples.size()));
        }
        byte[] xor = XorChunk.encode(samples);
        assertThat(XorChunk.decode(xor, 0, xor.length, null)).isEqualTo(samples);
    }

    @Test
    void bigchunkStartsANewSubChunkEvery120Samples() {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 241; i++) {
            samples.add(new Sample(i * 1000L, i));
        }
        byte[] data = Bigchunk.encode(samples);
        assertThat(Bigchunk.validate(data, null)).isEqualTo(3);
        int first = (data[2] & 0xFF) | (data[3] & 0xFF) << 8;
        assertThat(XorChunk.sampleCount(data, 4, first, null)).isEqualTo(120);
        assertThat(Bigchunk.decode(data, null)).isEqualTo(samples);
        assertThat(Bigchunk.encode(List.of())).containsExactly(0, 0);
        assertThat(Bigchunk.decode(new byte[] {0, 0}, null)).isEmpty();
    }

    @Test
    void truncatedOrLyingStreamsAreCorrupt() {
        List<Sample> samples =
                List.of(new Sample(1, 1.5), new Sample(20, -3), new Sample(4000, 7.25));
        byte[] xor = XorChunk.encode(samples);
        for (int len = 0; len < xor.length - 1; len++) {
            int n = len;
            assertThatThrownBy(() -> XorChunk.decode(xor, 0, n, "k"))
                    .as("length %d", n)
                    .isInstanceOfSatisfying(
                            InvalidChunkException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT));
        }
        byte[] more = xor.clone();
        more[1] =
                50; // the padding bits of the last byte read as a 4th sample, then the stream ends
        assertThatThrownBy(() -> XorChunk.decode(more, 0, more.length, "k"))
                .hasMessageContaining("of its 50 samples")
                .hasMessageContaining("k");
        // A value window of 31 leading zeros and 64 significant bits cannot exist.
        BitWriter w = new BitWriter(32);
        w.appendRaw(0);
        w.appendRaw(2);
        w.writeVarint(0);
        w.writeBits(0, 64);
        w.writeUvarint(1);
        w.writeBits(0b11, 2);
        w.writeBits(31, 5);
        w.writeBits(0, 6);
        w.writeBits(0, 64);
        byte[] bad = w.toByteArray();
        assertThatThrownBy(() -> XorChunk.decode(bad, 0, bad.length, null))
                .hasMessageContaining("exceed 64")
                .isInstanceOf(InvalidChunkException.class);
    }

    @Test
    void anXorChunkCountsAtMost65535Samples() {
        XorChunk.Appender a = new XorChunk.Appender();
        for (int i = 0; i < XorChunk.MAX_SAMPLES; i++) {
            a.append(i, i);
        }
        assertThatThrownBy(() -> a.append(1, 1)).isInstanceOf(IllegalStateException.class);
        byte[] b = a.toByteArray();
        assertThat(XorChunk.decode(b, 0, b.length, null)).hasSize(XorChunk.MAX_SAMPLES);
    }

    @Provide
    Arbitrary<List<Sample>> samples() {
        Arbitrary<Long> times =
                Arbitraries.oneOf(
                        Arbitraries.longs(),
                        Arbitraries.longs().between(1_500_000_000_000L, 1_800_000_000_000L),
                        Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L));
        Arbitrary<Double> values =
                Arbitraries.oneOf(
                        Arbitraries.longs().map(Double::longBitsToDouble),
                        Arbitraries.doubles(),
                        Arbitraries.of(
                                Double.NaN,
                                Double.longBitsToDouble(0x7ff0000000000002L),
                                Double.POSITIVE_INFINITY,
                                Double.NEGATIVE_INFINITY,
                                -0.0,
                                0.0,
                                Double.MIN_VALUE,
                                Double.MAX_VALUE,
                                1.0,
                                1.5),
                        Arbitraries.integers().between(-5, 5).map(i -> (double) i));
        // Mostly regular scrapes with occasional jumps, so every delta-of-delta window and the
        // value-window reuse
        // path are exercised.
        Arbitrary<List<Sample>> regular =
                Combinators.combine(
                                Arbitraries.longs().between(0, 2_000_000_000_000L),
                                        Arbitraries.longs().between(1, 60_000),
                                values.list().ofMaxSize(300),
                                        Arbitraries.longs()
                                                .between(-1000, 1000)
                                                .list()
                                                .ofMaxSize(300))
                        .as(
                                (start, step, vs, jitter) -> {
                                    List<Sample> out = new ArrayList<>();
                                    long t = start;
                                    for (int i = 0; i < vs.size(); i++) {
                                        t += step + (i < jitter.size() ? jitter.get(i) : 0);
                                        out.add(new Sample(t, vs.get(i)));
                                    }
                                    return out;
                                });
        Arbitrary<List<Sample>> wild =
                Combinators.combine(times, values).as(Sample::new).list().ofMaxSize(200);
        return Arbitraries.oneOf(regular, wild);
    }

    @Property
    void xorRoundTripsEveryTimeAndBitPattern(@ForAll("samples") List<Sample> samples) {
        byte[] xor = XorChunk.encode(samples);
        List<Sample> back = XorChunk.decode(xor, 0, xor.length, null);
        assertThat(back).hasSameSizeAs(samples);
        for (int i = 0; i < samples.size(); i++) {
            assertThat(back.get(i).timestamp()).isEqualTo(samples.get(i).timestamp());
            assertThat(Double.doubleToRawLongBits(back.get(i).value()))
                    .isEqualTo(Double.doubleToRawLongBits(samples.get(i).value()));
        }
    }

    @Property
    void bigchunkRoundTrips(@ForAll("samples") List<Sample> samples) {
        byte[] data = Bigchunk.encode(samples);
        assertThat(Bigchunk.validate(data, null)).isEqualTo((samples.size() + 119) / 120);
        assertThat(Bigchunk.decode(data, null)).isEqualTo(samples);
    }

    @Property
    void bigchunkAppendedGarbageIsIgnoredLikeCortex(
            @ForAll("samples") List<Sample> samples,
            @ForAll @IntRange(min = 1, max = 9) int extra) {
        byte[] data = Bigchunk.encode(samples);
        byte[] longer = java.util.Arrays.copyOf(data, data.length + extra);
        assertThat(Bigchunk.decode(longer, null)).isEqualTo(samples);
    }
}
