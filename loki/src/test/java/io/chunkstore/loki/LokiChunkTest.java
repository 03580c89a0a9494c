package io.chunkstore.loki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.core.chunk.KeyFormat;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.chunkenc.ChunkFormat;
import io.chunkstore.loki.chunkenc.Codec;
import io.chunkstore.loki.chunkenc.GoldenLoki;
import io.chunkstore.loki.chunkenc.LokiChunkException;
import io.chunkstore.loki.chunkenc.MemChunk;
import io.chunkstore.loki.chunkenc.ReadOptions;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidRequestException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole stored Loki chunks (envelope + MemChunk): opened by key and encoded as Loki's flush writes
 * them.
 */
class LokiChunkTest {
    private static final Labels STREAM = Labels.of("filename", "/var/log/syslog", "job", "varlogs");

    static List<GoldenLoki> goldens() {
        return GoldenLoki.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void everyGoldenOpensByEitherKeyForm(GoldenLoki g) {
        for (String key : List.of(g.externalKey(), g.externalKeyPreV12())) {
            LokiChunk c = LokiChunk.open("fake", key, g.stored(), null);
            assertThat(c.labels()).isEqualTo(STREAM.with("__name__", "logs"));
            assertThat(c.streamLabels()).isEqualTo(STREAM);
            assertThat(c.ref().from()).isEqualTo(1700000000000L);
            assertThat(c.ref().through()).isEqualTo(1700000007001L);
            assertThat(Long.toHexString(c.chunk().fingerprint())).isEqualTo("9a4e037c3b69a04e");
            assertThat(c.memChunk().chunkName()).isEqualTo(key);
            assertThat(c.memChunk().entries()).containsExactlyElementsOf(g.entriesForward());
            List<LogEntry> rev = new ArrayList<>(g.entriesForward());
            Collections.reverse(rev);
            List<LogEntry> back = new ArrayList<>();
            try (EntryIterator it =
                    c.iterator(Long.MIN_VALUE, Long.MAX_VALUE, Direction.BACKWARD)) {
                it.forEachRemaining(back::add);
            }
            assertThat(back).containsExactlyElementsOf(rev);
        }
        LokiChunk viaClient =
                LokiChunk.open(
                        "fake",
                        new EncodedChunk(g.externalKey(), "", g.stored()),
                        ReadOptions.DEFAULT.skippingCorruptBlocks(null));
        assertThat(viaClient.memChunk().entryCount()).isEqualTo(10);
        assertThat(LokiChunk.openUnverified(g.stored(), null).ref()).isEqualTo(viaClient.ref());
    }

    /**
     * Encoding the golden entries reproduces Loki's whole stored chunk and its key, byte for byte,
     * for codec none.
     */
    @ParameterizedTest
    @ValueSource(strings = {"v2-none", "v3-none", "v4-none"})
    void encodingReproducesLokisStoredChunkAndKey(String name) {
        GoldenLoki g = GoldenLoki.named(name);
        ChunkCodec.Encoded e =
                LokiChunk.encode(
                        "fake",
                        STREAM,
                        ChunkFormat.ofVersion(g.formatVersion()),
                        Codec.NONE,
                        100,
                        g.entriesForward());
        assertThat(e.bytes()).isEqualTo(g.stored());
        assertThat(e.externalKey(KeyFormat.V12)).isEqualTo(g.externalKey());
        assertThat(e.externalKey(KeyFormat.CURRENT)).isEqualTo(g.externalKeyPreV12());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void encodeThenOpenGivesTheEntriesBack(GoldenLoki g) {
        Codec codec = Codec.byId(g.codecId()).orElseThrow();
        ChunkCodec.Encoded e =
                LokiChunk.encode(
                        "fake",
                        STREAM.with("__name__", "logs"),
                        ChunkFormat.ofVersion(g.formatVersion()),
                        codec,
                        100,
                        g.entriesForward());
        LokiChunk c = LokiChunk.open("fake", e.externalKey(KeyFormat.V12), e.bytes(), null);
        assertThat(c.memChunk().codec()).isEqualTo(codec);
        assertThat(c.memChunk().entries()).containsExactlyElementsOf(g.entriesForward());
        assertThat(c.ref().from()).isEqualTo(1700000000000L);
        assertThat(c.ref().through()).isEqualTo(1700000007001L);
    }

    @Test
    void aKeyThatDoesNotMatchTheBytesIsRefused() {
        GoldenLoki g = GoldenLoki.named("v3-gzip");
        String wrong =
                g.externalKey().substring(0, g.externalKey().lastIndexOf(':') + 1) + "12345678";
        InvalidChunkException e =
                catchThrowableOfType(
                        InvalidChunkException.class,
                        () -> LokiChunk.open("fake", wrong, g.stored(), null));
        assertThat(e.reason()).isEqualTo(InvalidChunkException.Reason.CHECKSUM);
        assertThat(e.key()).endsWith(":12345678"); // core names it in the pre-v12 form
    }

    @Test
    void aPrometheusSampleChunkIsNotALogChunk() {
        Chunk samples =
                Chunk.fromSamples(
                        "fake", Labels.of("__name__", "up"), List.of(new Sample(1000, 1.0)));
        ChunkCodec.Encoded e = ChunkCodec.encode(samples);
        assertThatThrownBy(() -> LokiChunk.open("fake", e.externalKey(), e.bytes(), null))
                .isInstanceOf(InvalidChunkException.class)
                .hasMessageContaining("not a Loki log chunk")
                .satisfies(
                        t ->
                                assertThat(((InvalidChunkException) t).reason())
                                        .isEqualTo(InvalidChunkException.Reason.UNKNOWN_ENCODING));
    }

    /**
     * A corrupt block inside a stored chunk (whose envelope checksum is right) names the chunk by
     * its key.
     */
    @Test
    void aCorruptBlockInAStoredChunkNamesItsKey() {
        GoldenLoki g = GoldenLoki.named("v4-snappy");
        byte[] bad = g.stored().clone();
        MemChunk mc = MemChunk.decode(g.memChunk());
        bad[g.dataOffset() + mc.blocks().get(2).offset() + 5] ^= 0x20;
        String key =
                ChunkRef.parse(g.externalKey())
                        .withChecksum(ChunkCodec.checksum(bad))
                        .externalKey(KeyFormat.V12);
        LokiChunkException e =
                catchThrowableOfType(
                        LokiChunkException.class, () -> LokiChunk.open("fake", key, bad, null));
        assertThat(e.blockIndex()).isEqualTo(2);
        assertThat(e).hasMessageContaining(key).hasMessageContaining("block 2");
        LokiChunk skipping =
                LokiChunk.open("fake", key, bad, ReadOptions.DEFAULT.skippingCorruptBlocks(null));
        assertThat(skipping.memChunk().skippedBlocks())
                .singleElement()
                .satisfies(cb -> assertThat(cb.chunkName()).isEqualTo(key));
        assertThat(skipping.memChunk().entries()).hasSize(7);
    }

    @Test
    void encodingRefusesWhatLokiNeverStores() {
        assertThatThrownBy(
                        () ->
                                LokiChunk.encode(
                                        "fake", STREAM, ChunkFormat.V3, Codec.GZIP, 100, List.of()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("at least one entry");
        assertThatThrownBy(
                        () ->
                                LokiChunk.encode(
                                        "fake",
                                        STREAM.with("__name__", "up"),
                                        ChunkFormat.V3,
                                        Codec.GZIP,
                                        100,
                                        List.of(LogEntry.of(1, "x"))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("__name__");
    }

    @Test
    void fromIsRoundedDownAndThroughUpToMilliseconds() {
        assertThat(LokiChunk.fromMillis(1700000000000000000L)).isEqualTo(1700000000000L);
        assertThat(LokiChunk.throughMillis(1700000007000000500L)).isEqualTo(1700000007001L);
        assertThat(LokiChunk.throughMillis(1700000007000000000L)).isEqualTo(1700000007000L);
        assertThat(LokiChunk.fromMillis(1700000000999999999L)).isEqualTo(1700000000999L);
        // Go's integer division truncates toward zero, also before 1970
        assertThat(LokiChunk.fromMillis(-1_500_000L)).isEqualTo(-1L);
        assertThat(LokiChunk.throughMillis(-1_500_000L)).isEqualTo(0L);
    }
}
