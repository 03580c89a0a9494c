package io.chunkstore.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.model.Labels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The 24 chunks of testdata/golden/cortex-encodings, written by Cortex v1.13.2's own DoubleDelta
 * and Varbit encoders: each decodes under its key to the sidecar's metadata and to every sample's
 * time and raw value bits.
 */
class GoldenCortexEncodingsTest {
    /** One golden chunk: its stored bytes and sidecar. */
    record GoldenChunk(String name, byte[] bytes, JsonNode meta) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<GoldenChunk> goldens() throws IOException {
        List<Path> bins = new ArrayList<>();
        try (DirectoryStream<Path> ds =
                Files.newDirectoryStream(Golden.dir().resolve("cortex-encodings"), "*.bin")) {
            ds.forEach(bins::add);
        }
        bins.sort(null);
        ObjectMapper json = new ObjectMapper();
        List<GoldenChunk> out = new ArrayList<>();
        for (Path bin : bins) {
            String name = bin.getFileName().toString().replace(".bin", "");
            out.add(
                    new GoldenChunk(
                            name,
                            Files.readAllBytes(bin),
                            json.readTree(bin.resolveSibling(name + ".json").toFile())));
        }
        return out;
    }

    static GoldenChunk named(String name) {
        try {
            return goldens().stream().filter(g -> g.name.equals(name)).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The chunk as decoded under the sidecar's key (legacy keys carry no tenant: the sidecar's user
     * is it).
     */
    static Chunk decode(GoldenChunk g) {
        return ChunkCodec.decode(g.meta.get("user").asText(), g.meta.get("key").asText(), g.bytes);
    }

    @Test
    void allTwentyFourArePresentTwelveOfEachEncoding() throws IOException {
        List<GoldenChunk> all = goldens();
        assertThat(all).hasSize(24);
        assertThat(all.stream().filter(g -> g.name.startsWith("doubledelta-"))).hasSize(12);
        assertThat(all.stream().filter(g -> g.name.startsWith("varbit-"))).hasSize(12);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void metadataKeyAndChecksumMatchTheSidecar(GoldenChunk g) {
        JsonNode m = g.meta;
        assertThat(Integer.toUnsignedString(ChunkCodec.checksum(g.bytes)))
                .isEqualTo(m.get("checksum").asText());
        Chunk c = decode(g);
        assertThat(c.userId()).isEqualTo(m.get("user").asText());
        assertThat(Long.toUnsignedString(c.fingerprint())).isEqualTo(m.get("fingerprint").asText());
        assertThat(c.from()).isEqualTo(m.get("from").asLong());
        assertThat(c.through()).isEqualTo(m.get("through").asLong());
        Map<String, String> labels = new TreeMap<>();
        m.get("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        assertThat(c.labels()).isEqualTo(Labels.of(labels));
        // Delta (0) in the metadata is read as DoubleDelta, as Cortex does.
        assertThat(c.encoding().code()).isEqualTo(m.get("encoding_num").asInt());
        assertThat(c.encoding().goName()).isEqualTo(m.get("encoding").asText());
        String key = m.get("key").asText();
        switch (m.get("key_form").asText()) {
            case "legacy-bare" -> {
                assertThat(c.checksumSet()).isFalse();
                assertThat(key)
                        .isEqualTo(
                                Long.toUnsignedString(c.fingerprint())
                                        + ":"
                                        + c.from()
                                        + ":"
                                        + c.through());
            }
            case "current" -> {
                assertThat(c.checksum()).isEqualTo(ChunkCodec.checksum(g.bytes));
                assertThat(c.externalKey(KeyFormat.CURRENT)).isEqualTo(key);
            }
            case "v12" -> {
                assertThat(c.checksum()).isEqualTo(ChunkCodec.checksum(g.bytes));
                assertThat(c.externalKey(KeyFormat.V12)).isEqualTo(key);
            }
            default -> throw new AssertionError("unknown key form " + m.get("key_form"));
        }
        // Re-encoding metadata and payload as they are gives Cortex's bytes back (Delta chunks
        // excepted: the
        // decoded encoding is DoubleDelta, so the metadata says 1).
        if (!g.name.equals("doubledelta-07")) {
            ChunkCodec.Encoded again =
                    ChunkCodec.encode(
                            Chunk.of(
                                    c.userId(),
                                    c.fingerprint(),
                                    c.labels(),
                                    c.from(),
                                    c.through(),
                                    c.encoding(),
                                    c.data()));
            assertThat(again.bytes()).isEqualTo(g.bytes);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void everySampleDecodesBitForBit(GoldenChunk g) {
        List<String> want = new ArrayList<>();
        for (JsonNode s : g.meta.get("samples")) {
            want.add(s.get("t").asLong() + " " + s.get("bits").asText());
        }
        List<String> got = new ArrayList<>();
        SampleIterator it = decode(g).sampleIterator();
        while (it.next()) {
            got.add(it.timestamp() + " " + String.format("%016x", it.valueBits()));
        }
        assertThat(got).containsExactlyElementsOf(want);
        // The list form holds the same bits (a Sample keeps its double's raw bits).
        List<String> listed =
                decode(g).samples().stream()
                        .map(
                                s ->
                                        s.timestamp()
                                                + " "
                                                + String.format(
                                                        "%016x",
                                                        Double.doubleToRawLongBits(s.value())))
                        .toList();
        assertThat(listed).containsExactlyElementsOf(want);
        assertThat(it.next()).isFalse();
    }

    @Test
    void theDeltaChunkSaysEncodingZeroInItsMetadata() {
        GoldenChunk g = named("doubledelta-07");
        assertThat(g.meta.get("variant").asText()).isEqualTo("doubledelta-as-delta0");
        assertThat(new String(g.bytes, java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("\"encoding\":0}");
        assertThat(decode(g).encoding()).isEqualTo(ChunkEncoding.DOUBLE_DELTA);
    }

    @Test
    void theGoldenSetHoldsStaleMarkersAndTheyComeOutExactly() throws IOException {
        long stale = 0x7ff0000000000002L;
        int found = 0;
        for (GoldenChunk g : goldens()) {
            for (JsonNode s : g.meta.get("samples")) {
                if (Long.parseUnsignedLong(s.get("bits").asText(), 16) == stale) {
                    found++;
                }
            }
        }
        assertThat(found).as("stale markers in the golden set").isPositive();
    }
}
