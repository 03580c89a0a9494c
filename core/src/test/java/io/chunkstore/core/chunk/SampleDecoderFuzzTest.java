package io.chunkstore.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.spi.InvalidChunkException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Damaged input for every sample decoder: the 24 golden Cortex chunks (and a Bigchunk and an XOR
 * chunk) truncated and with bits flipped, and arbitrary bytes. Decoding either finishes or throws
 * {@link InvalidChunkException} naming the chunk; never anything else, and never more samples than
 * the bytes can hold (so it cannot run away).
 */
class SampleDecoderFuzzTest {
    /**
     * Far more samples than any payload up to this size can hold (Varbit's best case is 128 per 8
     * bits).
     */
    static final int SAMPLE_CAP = 1 << 20;

    /** A stored chunk to damage: its bytes and the key they verify under. */
    record Stored(String name, String user, String key, byte[] bytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Stored> STORED = stored();

    static List<Stored> stored() {
        try {
            List<Stored> out =
                    new java.util.ArrayList<>(
                            GoldenCortexEncodingsTest.goldens().stream()
                                    .map(
                                            g ->
                                                    new Stored(
                                                            g.name(),
                                                            g.meta().get("user").asText(),
                                                            g.meta().get("key").asText(),
                                                            g.bytes()))
                                    .toList());
            List<Sample> samples = new java.util.ArrayList<>();
            for (int i = 0; i < 300; i++) {
                samples.add(
                        new Sample(
                                1_600_000_000_000L + i * 15_000L + (i % 7),
                                i % 11 == 0
                                        ? Double.longBitsToDouble(Sample.STALE_NAN_BITS)
                                        : i * 1.5));
            }
            for (ChunkEncoding e : List.of(ChunkEncoding.BIGCHUNK, ChunkEncoding.PROMETHEUS_XOR)) {
                ChunkCodec.Encoded enc =
                        ChunkCodec.encode(
                                Chunk.fromSamples(
                                        "fuzz",
                                        1,
                                        io.chunkstore.core.model.Labels.of("__name__", "m"),
                                        e,
                                        samples));
                out.add(new Stored(e.goName(), "fuzz", enc.externalKey(), enc.bytes()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decodes every sample of the payload; true when it decoded, false on the typed error (checked
     * here).
     */
    static boolean drain(ChunkEncoding encoding, byte[] payload, String key) {
        try {
            SampleIterator it = SampleData.iterator(encoding, payload, key);
            int n = 0;
            while (it.next()) {
                n++;
                assertThat(n).as("samples from %d bytes", payload.length).isLessThan(SAMPLE_CAP);
            }
            assertThat(it.next()).isFalse();
            return true;
        } catch (InvalidChunkException e) {
            assertThat(e.key()).isEqualTo(key);
            assertThat(e.getMessage()).contains(key);
            return false;
        }
    }

    @Provide
    Arbitrary<Stored> chunks() {
        return Arbitraries.of(STORED);
    }

    @Property(tries = 2000)
    void truncatedPayloadsDecodeOrFailTyped(@ForAll("chunks") Stored s, @ForAll double fraction) {
        Chunk c = ChunkCodec.decode(s.user, s.key, s.bytes);
        int len = (int) (Math.abs(fraction % 1.0) * c.data().length);
        drain(c.encoding(), Arrays.copyOf(c.data(), len), c.externalKey());
    }

    @Provide
    Arbitrary<int[]> flips() {
        return Arbitraries.integers()
                .between(0, Integer.MAX_VALUE)
                .array(int[].class)
                .ofMinSize(1)
                .ofMaxSize(8);
    }

    @Property(tries = 3000)
    void bitFlippedPayloadsDecodeOrFailTyped(
            @ForAll("chunks") Stored s, @ForAll("flips") int[] flips) {
        Chunk c = ChunkCodec.decode(s.user, s.key, s.bytes);
        byte[] data = c.data().clone();
        // Flips land in the header and the used part of the payload most of the time: that is where
        // they matter.
        int span = Math.min(data.length, 700);
        for (int f : flips) {
            int bit = f % (span * 8);
            data[bit >>> 3] ^= (byte) (1 << (bit & 7));
        }
        drain(c.encoding(), data, c.externalKey());
    }

    @Property(tries = 1000)
    void damagedStoredChunksDecodeOrFailTyped(
            @ForAll("chunks") Stored s, @ForAll("flips") int[] flips, @ForAll double fraction) {
        byte[] bytes = s.bytes.clone();
        for (int f : flips) {
            int bit = f % (bytes.length * 8);
            bytes[bit >>> 3] ^= (byte) (1 << (bit & 7));
        }
        if (fraction < 0) {
            bytes = Arrays.copyOf(bytes, (int) (Math.abs(fraction % 1.0) * bytes.length));
        }
        try {
            // Unverified: the checksum would catch every flip before the payload is reached.
            Chunk c = ChunkCodec.decodeUnverified(bytes);
            if (!c.encoding().isLogs()) {
                drain(c.encoding(), c.data(), c.externalKey());
            }
        } catch (InvalidChunkException e) {
            assertThat(e.reason()).isNotNull();
        }
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(1100),
                Combinators.combine(Arbitraries.integers().between(0, 1100), Arbitraries.longs())
                        .as(
                                (n, seed) -> {
                                    byte[] b = new byte[n];
                                    new java.util.SplittableRandom(seed).nextBytes(b);
                                    return b;
                                }));
    }

    @Property(tries = 2000)
    void arbitraryBytesDecodeOrFailTyped(@ForAll("payloads") byte[] payload) {
        for (ChunkEncoding e :
                List.of(
                        ChunkEncoding.DELTA,
                        ChunkEncoding.DOUBLE_DELTA,
                        ChunkEncoding.VARBIT,
                        ChunkEncoding.BIGCHUNK,
                        ChunkEncoding.PROMETHEUS_XOR)) {
            drain(e, payload, "u/1:2:3:4");
        }
    }

    @Property(tries = 300)
    void validVarbitAndDoubleDeltaHeadersWithRandomPayloadsDecodeOrFailTyped(
            @ForAll("chunks") Stored s, @ForAll("payloads") byte[] noise) {
        Chunk c = ChunkCodec.decode(s.user, s.key, s.bytes);
        byte[] data = c.data().clone();
        // Keep the header (first 38 bytes), replace what follows with noise.
        int header = Math.min(38, data.length);
        System.arraycopy(noise, 0, data, header, Math.min(noise.length, data.length - header));
        drain(c.encoding(), data, c.externalKey());
    }
}
