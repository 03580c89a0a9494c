package io.chunkstore.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.model.Labels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden chunks of testdata/golden (Cortex v1.10) and the Loki envelopes of
 * testdata/golden/loki.
 */
class GoldenChunkTest {
    static final String USER = "userID";
    static final Labels LABELS = Labels.of("__name__", "foo", "bar", "baz", "toms", "code");
    static final long FP = Long.parseUnsignedLong("18245339272195143978");
    static final long FROM = 1557650721000L;
    static final long THROUGH = 1557654321000L;
    static final String KEY_D97 = "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:d97c78e1";
    static final String KEY_38E = "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:38eb373c";

    @Test
    void currentEncoderChunkDecodesToSpecMetadataAndItsSample() {
        byte[] golden = Golden.bytes("chunk-d97c78e1.bin");
        assertThat(golden).hasSize(208);
        Chunk c = ChunkCodec.decode(USER, KEY_D97, golden);
        assertThat(c.userId()).isEqualTo(USER);
        assertThat(c.fingerprint()).isEqualTo(FP);
        assertThat(Long.toHexString(c.fingerprint())).isEqualTo("fd3477666dacf92a");
        assertThat(c.from()).isEqualTo(FROM);
        assertThat(c.through()).isEqualTo(THROUGH);
        assertThat(c.labels()).isEqualTo(LABELS);
        assertThat(c.encoding()).isEqualTo(ChunkEncoding.BIGCHUNK);
        assertThat(c.checksumSet()).isTrue();
        assertThat(c.checksum()).isEqualTo((int) 0xd97c78e1L);
        assertThat(c.data()).hasSize(21);
        assertThat(c.samples()).containsExactly(new Sample(THROUGH, 0.0));
        assertThat(c.externalKey()).isEqualTo(KEY_D97);
    }

    @Test
    void encoderReproducesTheGoldenBytes() {
        byte[] golden = Golden.bytes("chunk-d97c78e1.bin");
        Chunk chunk =
                Chunk.of(
                        USER,
                        Fingerprints.fingerprint(LABELS),
                        LABELS,
                        FROM,
                        THROUGH,
                        ChunkEncoding.BIGCHUNK,
                        Bigchunk.encode(List.of(new Sample(THROUGH, 0))));
        ChunkCodec.Encoded e = ChunkCodec.encode(chunk);
        assertThat(HexFormat.of().formatHex(e.bytes())).isEqualTo(HexFormat.of().formatHex(golden));
        assertThat(e.externalKey()).isEqualTo(KEY_D97);
        // The metadata block is stored uncompressed (type 0x01), as Go's writer chose.
        assertThat(e.bytes()[14]).isEqualTo((byte) 0x01);
    }

    @Test
    void olderEncoderChunkWithMapOrderedLabelsDecodes() {
        byte[] old = Golden.bytes("chunk-38eb373c.bin");
        assertThat(ChunkCodec.checksum(old)).isEqualTo((int) 0x38eb373cL);
        assertThat(new String(old, StandardCharsets.ISO_8859_1))
                .contains("\"metric\":{\"bar\":\"baz\",\"toms\":\"code\",\"__name__\":\"foo\"}");
        Chunk c = ChunkCodec.decode(USER, KEY_38E, old);
        assertThat(c.labels()).isEqualTo(LABELS);
        assertThat(c.labels().names()).containsExactly("__name__", "bar", "toms");
        assertThat(c.fingerprint()).isEqualTo(FP);
        assertThat(c.from()).isEqualTo(FROM);
        assertThat(c.through()).isEqualTo(THROUGH);
        assertThat(c.samples()).containsExactly(new Sample(THROUGH, 0.0));
        assertThat(c.externalKey()).isEqualTo(KEY_38E);
        // Cortex's test: re-encoding gives the current encoder's bytes (sorted labels), so the
        // d97c78e1 chunk.
        ChunkCodec.Encoded again = ChunkCodec.encode(c);
        assertThat(again.bytes()).isEqualTo(Golden.bytes("chunk-d97c78e1.bin"));
        assertThat(again.externalKey()).isEqualTo(KEY_D97);
    }

    static List<Path> lokiChunks() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds =
                Files.newDirectoryStream(Golden.dir().resolve("loki"), "*.bin")) {
            ds.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    /**
     * Every Loki golden chunk: the envelope decodes under both key forms to the sidecar's metadata
     * with the MemChunk bytes untouched, and re-encoding the same metadata and data gives Loki's
     * bytes back exactly.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("lokiChunks")
    void lokiEnvelopesDecodeAndReencodeByteForByte(Path bin) throws IOException {
        JsonNode meta =
                new ObjectMapper()
                        .readTree(
                                bin.resolveSibling(
                                                bin.getFileName()
                                                        .toString()
                                                        .replace(".bin", ".json"))
                                        .toFile());
        byte[] bytes = Files.readAllBytes(bin);
        Chunk c =
                ChunkCodec.decode(
                        meta.get("user").asText(), meta.get("external_key").asText(), bytes);
        Map<String, String> labels = new TreeMap<>();
        meta.get("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        assertThat(c.labels()).isEqualTo(Labels.of(labels));
        assertThat(Long.toUnsignedString(c.fingerprint()))
                .isEqualTo(meta.get("fingerprint_dec").asText());
        assertThat(c.from()).isEqualTo(meta.get("from_ms").asLong());
        assertThat(c.through()).isEqualTo(meta.get("through_ms").asLong());
        assertThat(c.encoding().code()).isEqualTo(meta.get("envelope_encoding").asInt());
        int dataOffset = meta.get("data_offset").asInt();
        assertThat(c.data())
                .hasSize(meta.get("memchunk_len").asInt())
                .isEqualTo(java.util.Arrays.copyOfRange(bytes, dataOffset, bytes.length));
        assertThat(c.externalKey(KeyFormat.V12)).isEqualTo(meta.get("external_key").asText());
        assertThat(c.externalKey(KeyFormat.CURRENT))
                .isEqualTo(meta.get("external_key_pre_v12").asText());
        assertThat(ChunkCodec.decode(c.userId(), meta.get("external_key_pre_v12").asText(), bytes))
                .isEqualTo(c);

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
        assertThat(again.bytes()).isEqualTo(bytes);
        assertThat(again.externalKey(KeyFormat.V12)).isEqualTo(meta.get("external_key").asText());
    }
}
