package io.chunkstore.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.model.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** decode(encode(chunk)) == chunk over random tenants, label sets, times, samples and payloads. */
class ChunkCodecRoundTripTest {
    /**
     * Strings with quotes, backslashes, control characters, HTML characters, line separators and
     * non-BMP text.
     */
    static Arbitrary<String> text() {
        Arbitrary<String> plain =
                Arbitraries.strings()
                        .withCharRange('\u0000', '\u00ff')
                        .withCharRange('\u2000', '\u206f')
                        .withChars('"', '\\', '<', '>', '&', '/', '日', '本', '\ufffd')
                        .ofMaxLength(30);
        return Combinators.combine(plain, Arbitraries.of("", "😀", "𝄞x")).as((a, b) -> a + b);
    }

    static Arbitrary<String> tenants() {
        return text().map(s -> s.replace('/', '_'));
    }

    @Provide
    Arbitrary<Labels> labelSets() {
        return Arbitraries.maps(text().filter(s -> !s.isEmpty()), text())
                .ofMaxSize(8)
                .map(m -> Labels.of(Map.copyOf(m)));
    }

    @Provide
    Arbitrary<Chunk> sampleChunks() {
        Arbitrary<List<Sample>> samples =
                Combinators.combine(
                                Arbitraries.longs(),
                                Arbitraries.longs()
                                        .between(0, 1L << 40)
                                        .list()
                                        .ofMinSize(1)
                                        .ofMaxSize(400),
                                Arbitraries.longs()
                                        .map(Double::longBitsToDouble)
                                        .list()
                                        .ofMinSize(400)
                                        .ofMaxSize(400))
                        .as(
                                (start, gaps, values) -> {
                                    List<Sample> out = new ArrayList<>();
                                    long t = start >> 2;
                                    for (int i = 0; i < gaps.size(); i++) {
                                        t += gaps.get(i);
                                        out.add(new Sample(t, values.get(i)));
                                    }
                                    return out;
                                });
        return Combinators.combine(
                        tenants(),
                        Arbitraries.longs(),
                        labelSets(),
                        Arbitraries.of(ChunkEncoding.BIGCHUNK, ChunkEncoding.PROMETHEUS_XOR),
                        samples)
                .as((user, fp, labels, enc, s) -> Chunk.fromSamples(user, fp, labels, enc, s));
    }

    @Provide
    Arbitrary<Chunk> rawChunks() {
        return Combinators.combine(
                        tenants(),
                        Arbitraries.longs(),
                        Arbitraries.longs(),
                        Arbitraries.longs(),
                        labelSets(),
                        Arbitraries.of(
                                ChunkEncoding.LOG,
                                ChunkEncoding.GZIP_LOG,
                                ChunkEncoding.DOUBLE_DELTA,
                                ChunkEncoding.VARBIT),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(200))
                .as(
                        (user, fp, from, through, labels, enc, data) ->
                                Chunk.of(user, fp, labels, from, through, enc, data));
    }

    @Property(tries = 300)
    void sampleChunksRoundTrip(@ForAll("sampleChunks") Chunk chunk) {
        ChunkCodec.Encoded e = ChunkCodec.encode(chunk);
        Chunk decoded = ChunkCodec.decode(chunk.userId(), e.externalKey(), e.bytes());
        assertThat(decoded)
                .isEqualTo(e.chunk())
                .isEqualTo(chunk.withChecksum(e.chunk().checksum()));
        assertThat(decoded.samples())
                .isEqualTo(SampleData.decode(chunk.encoding(), chunk.data(), null));
        assertThat(ChunkCodec.decode(chunk.userId(), e.externalKey(KeyFormat.V12), e.bytes()))
                .isEqualTo(decoded);
    }

    @Property(tries = 300)
    void rawPayloadChunksRoundTripInBothStyles(@ForAll("rawChunks") Chunk chunk) {
        for (MetadataStyle style : MetadataStyle.values()) {
            // Go-style times are exact only while a float64 holds the milliseconds; the property
            // covers the range
            // where Loki writes them.
            if (style == MetadataStyle.GO_ENCODING_JSON
                    && (Math.abs(chunk.from()) > 4e15 || Math.abs(chunk.through()) > 4e15)) {
                continue;
            }
            ChunkCodec.Encoded e = ChunkCodec.encode(chunk, style);
            assertThat(ChunkCodec.decode(e.chunk().ref(), e.bytes())).isEqualTo(e.chunk());
            assertThat(e.chunk().data()).isSameAs(chunk.data());
        }
    }
}
