package io.chunkstore.loki.chunkenc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.chunkstore.core.model.Label;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.spi.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MemChunkWriterTest {
    static List<GoldenLoki> goldens() {
        return GoldenLoki.all();
    }

    /**
     * With codec none the writer reproduces Loki's bytes exactly (the golden vectors of
     * testdata/golden/loki, made by Loki's own encoder).
     */
    @ParameterizedTest
    @ValueSource(strings = {"v2-none", "v3-none", "v4-none"})
    void codecNoneIsByteIdenticalToLoki(String name) {
        GoldenLoki g = GoldenLoki.named(name);
        byte[] ours =
                MemChunkWriter.encode(
                        ChunkFormat.ofVersion(g.formatVersion()),
                        Codec.NONE,
                        g.sidecar().get("block_size_param").asInt(),
                        g.entriesForward());
        assertThat(HexFormat.of().formatHex(ours))
                .isEqualTo(HexFormat.of().formatHex(g.memChunk()));
    }

    /**
     * Every golden re-encoded in its own format and codec: same cut points, metas, symbols and
     * entries.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void reEncodingEveryGoldenGivesTheSameBlocksAndEntries(GoldenLoki g) {
        ChunkFormat format = ChunkFormat.ofVersion(g.formatVersion());
        Codec codec = Codec.byId(g.codecId()).orElseThrow();
        MemChunkWriter w =
                new MemChunkWriter(format, codec, g.sidecar().get("block_size_param").asInt());
        g.entriesForward().forEach(w::append);
        assertThat(w.blockCount()).as("blocks cut before encode").isEqualTo(2);
        assertThat(w.minTime()).isEqualTo(g.entriesForward().get(0).timestamp());
        assertThat(w.maxTime()).isEqualTo(g.entriesForward().get(9).timestamp());
        byte[] ours = w.encode();
        assertThatThrownBy(() -> w.append(1, new byte[0]))
                .isInstanceOf(IllegalStateException.class);

        MemChunk c = MemChunk.decode(ours);
        assertThat(c.format()).isEqualTo(format);
        assertThat(c.codec()).isEqualTo(codec);
        assertThat(c.entries()).containsExactlyElementsOf(g.entriesForward());
        assertThat(c.symbols()).containsExactlyElementsOf(MemChunk.decode(g.memChunk()).symbols());
        List<JsonNode> want = g.blocks();
        assertThat(c.blocks()).hasSize(want.size());
        for (int i = 0; i < want.size(); i++) {
            BlockMeta b = c.blocks().get(i);
            assertThat(b.entries()).isEqualTo(want.get(i).get("entries").asLong());
            assertThat(b.mint()).isEqualTo(want.get(i).get("mint").asLong());
            assertThat(b.maxt()).isEqualTo(want.get(i).get("maxt").asLong());
            if (format.hasUncompressedSize()) {
                assertThat(b.uncompressedSize())
                        .isEqualTo(want.get(i).get("uncompressed_size").asLong());
            }
        }
        if (codec == Codec.GZIP) {
            assertThat(
                            HexFormat.of()
                                    .formatHex(
                                            ours,
                                            c.blocks().get(0).offset(),
                                            c.blocks().get(0).offset() + 4))
                    .isEqualTo("1f8b0800");
        }
    }

    @ParameterizedTest
    @EnumSource(ChunkFormat.class)
    void anEmptyChunkEncodesAndDecodes(ChunkFormat format) {
        for (Codec codec : Codec.values()) {
            if (format == ChunkFormat.V1 && codec != Codec.GZIP) {
                continue;
            }
            MemChunk c = MemChunk.decode(new MemChunkWriter(format, codec, 100).encode());
            assertThat(c.blocks()).isEmpty();
            assertThat(c.entries()).isEmpty();
            assertThat(c.symbols()).isEmpty();
            assertThat(c.minTime()).isZero();
        }
    }

    @Test
    void blocksAreCutAfterTheAppendThatReachesTheBlockSize() {
        MemChunkWriter w = new MemChunkWriter(ChunkFormat.V3, Codec.NONE, 10);
        w.append(1, bytes("aaaa"));
        w.append(2, bytes(""));
        w.append(3, bytes("bbbbb"));
        assertThat(w.blockCount()).isZero();
        assertThat(w.headSize()).isEqualTo(9);
        w.append(4, bytes("c")); // 10 >= 10: cut
        assertThat(w.blockCount()).isEqualTo(1);
        assertThat(w.headSize()).isZero();
        w.append(5, bytes("0123456789012")); // one long line is a block by itself
        assertThat(w.blockCount()).isEqualTo(2);
        w.append(6, bytes("x"));
        MemChunk c = MemChunk.decode(w.encode());
        assertThat(c.blocks()).extracting(BlockMeta::entries).containsExactly(4L, 1L, 1L);
        assertThat(c.blocks())
                .extracting(BlockMeta::uncompressedSize)
                .containsExactly(10L, 13L, 1L);
    }

    @Test
    void v4CountsEightBytesPerMetadataPairTowardsTheBlockSize() {
        MemChunkWriter w = new MemChunkWriter(ChunkFormat.V4, Codec.NONE, 20);
        w.append(1, bytes("ab"), List.of(new Label("a", "1"), new Label("b", "2"))); // 2 + 16
        assertThat(w.headSize()).isEqualTo(18);
        w.append(2, bytes("cd")); // 20: cut
        assertThat(w.blockCount()).isEqualTo(1);
        MemChunk c = MemChunk.decode(w.encode());
        assertThat(c.blocks().get(0).uncompressedSize()).isEqualTo(20);
        assertThat(c.symbols()).containsExactly("a", "1", "b", "2");
    }

    @Test
    void symbolsAreNumberedInOrderOfFirstAppearanceNameBeforeValue() {
        MemChunkWriter w = new MemChunkWriter(ChunkFormat.V4, Codec.GZIP, 1000);
        w.append(1, bytes("x"), List.of(new Label("pod", "web-1")));
        w.append(2, bytes("y"), List.of(new Label("trace", "pod"), new Label("pod", "web-2")));
        w.append(3, bytes("z"), List.of(new Label("web-1", "trace")));
        assertThat(w.symbolCount()).isEqualTo(4);
        MemChunk c = MemChunk.decode(w.encode());
        assertThat(c.symbols()).containsExactly("pod", "web-1", "trace", "web-2");
        assertThat(c.entries().get(1).structuredMetadata())
                .containsExactly(new Label("trace", "pod"), new Label("pod", "web-2"));
    }

    @Test
    void entriesOutOfOrderAreRejectedEqualTimestampsAreKept() {
        MemChunkWriter w = new MemChunkWriter(ChunkFormat.V3, Codec.SNAPPY, 100);
        w.append(10, bytes("a")).append(10, bytes("a")).append(11, bytes("b"));
        assertThatThrownBy(() -> w.append(9, bytes("c")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("out of order")
                .hasMessageContaining("non-decreasing");
        assertThat(MemChunk.decode(w.encode()).entries())
                .extracting(LogEntry::lineString)
                .containsExactly("a", "a", "b");
    }

    @Test
    void invalidWriterRequestsAreRefused() {
        assertThatThrownBy(() -> new MemChunkWriter(ChunkFormat.V1, Codec.SNAPPY, 100))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("always gzip");
        assertThatThrownBy(() -> new MemChunkWriter(ChunkFormat.V3, Codec.NONE, 0))
                .isInstanceOf(InvalidRequestException.class);
        MemChunkWriter v3 = new MemChunkWriter(ChunkFormat.V3, Codec.NONE, 100);
        assertThatThrownBy(() -> v3.append(1, bytes("a"), List.of(new Label("k", "v"))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("use format v4");
        MemChunkWriter v4 = new MemChunkWriter(ChunkFormat.V4, Codec.NONE, 100);
        assertThatThrownBy(() -> v4.append(1, bytes("a"), List.of(new Label("k", "bad\uD800"))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("unpaired surrogate");
    }

    @Test
    void v1IsGzipWithoutACodecByteOrUncompressedSizes() {
        GoldenLoki g = GoldenLoki.named("v1-gzip");
        byte[] ours = MemChunkWriter.encode(ChunkFormat.V1, Codec.GZIP, 100, g.entriesForward());
        assertThat(ours[4]).isEqualTo((byte) 1);
        assertThat(HexFormat.of().formatHex(ours, 5, 9)).isEqualTo("1f8b0800");
        MemChunk c = MemChunk.decode(ours);
        assertThat(c.entries()).containsExactlyElementsOf(g.entriesForward());
        assertThat(c.blocks()).allSatisfy(b -> assertThat(b.uncompressedSize()).isEqualTo(-1));
        assertThat(c.blocks().get(0).offset()).isEqualTo(5);
    }

    @Test
    void theV4TrailerNamesBothSections() {
        byte[] mc = GoldenLoki.named("v4-none").memChunk();
        int t = mc.length - 32;
        assertThat(
                        new long[] {
                            SliceReader.be64(mc, t),
                            SliceReader.be64(mc, t + 8),
                            SliceReader.be64(mc, t + 16),
                            SliceReader.be64(mc, t + 24)
                        })
                .containsExactly(62, 6, 73, 530);
        assertThat(MemChunk.decode(mc).blocks().get(0).offset()).isEqualTo(72);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
