package io.chunkstore.loki.chunkenc;

import static io.chunkstore.loki.chunkenc.GoldenChunksTest.drain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.chunkstore.loki.Direction;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.chunkenc.ChunkSurgery.Meta;
import io.chunkstore.loki.chunkenc.LokiChunkException.Problem;
import io.chunkstore.spi.InvalidChunkException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damaged chunks fail with typed errors naming the chunk and block, or are read around when asked
 * (as Loki's NewByteChunk in pkg/chunkenc/memchunk.go does).
 */
class CorruptChunkTest {
    private static final String KEY = "fake/9a4e037c3b69a04e/18bcfe56800:18bcfe58359:a6738f46";

    static List<GoldenLoki> goldens() {
        return GoldenLoki.all();
    }

    static LokiChunkException decodeFails(byte[] mc, ReadOptions opts) {
        return catchThrowableOfType(LokiChunkException.class, () -> MemChunk.decode(mc, opts));
    }

    @Test
    void badMagicUnknownVersionAndCodecAreTypedErrorsNamingTheChunk() {
        byte[] mc = GoldenLoki.named("v3-gzip").memChunk();
        byte[] magic = mc.clone();
        magic[0] = 0x02;
        LokiChunkException e = decodeFails(magic, ReadOptions.named(KEY));
        assertThat(e.problem()).isEqualTo(Problem.BAD_MAGIC);
        assertThat(e.reason()).isEqualTo(InvalidChunkException.Reason.CORRUPT);
        assertThat(e.chunkName()).isEqualTo(KEY);
        assertThat(e.blockIndex()).isEqualTo(-1);
        assertThat(e).hasMessageContaining(KEY).hasMessageContaining("magic number is 0x022ee56a");

        for (int v : new int[] {0, 5, 255}) {
            byte[] ver = mc.clone();
            ver[4] = (byte) v;
            assertThat(decodeFails(ver, ReadOptions.DEFAULT))
                    .hasMessageContaining("format version " + v)
                    .extracting(LokiChunkException::problem)
                    .isEqualTo(Problem.UNKNOWN_VERSION);
        }
        for (int codec : new int[] {2, 10, 255}) {
            byte[] c = mc.clone();
            c[5] = (byte) codec;
            LokiChunkException ce = decodeFails(c, ReadOptions.named(KEY));
            assertThat(ce.problem()).isEqualTo(Problem.UNKNOWN_CODEC);
            assertThat(ce.reason()).isEqualTo(InvalidChunkException.Reason.UNKNOWN_ENCODING);
            assertThat(ce).hasMessageContaining("block codec " + codec);
        }
        byte[] dumb = mc.clone();
        dumb[5] = 2;
        assertThat(decodeFails(dumb, ReadOptions.DEFAULT)).hasMessageContaining("dumb");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void aDamagedMetasSectionFailsTheChunk(GoldenLoki g) {
        byte[] mc = g.memChunk();
        int mo = ChunkSurgery.metasOffset(mc);
        byte[] body = mc.clone();
        body[mo + 1] ^= 0x10;
        LokiChunkException e =
                decodeFails(body, ReadOptions.named(KEY).skippingCorruptBlocks(null));
        assertThat(e.problem()).isEqualTo(Problem.METAS_CHECKSUM);
        assertThat(e).hasMessageContaining(KEY).hasMessageContaining("invalid checksum");
        byte[] crc = mc.clone();
        crc[mo + ChunkSurgery.metasLen(mc)] ^= 1;
        assertThat(decodeFails(crc, ReadOptions.DEFAULT).problem())
                .isEqualTo(Problem.METAS_CHECKSUM);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v4-none", "v4-gzip", "v4-zstd", "v4-lz4-4M"})
    void aDamagedSymbolTableFailsTheChunk(String name) {
        byte[] mc = GoldenLoki.named(name).memChunk();
        byte[] bad = mc.clone();
        bad[ChunkSurgery.smOffset(mc) + 3] ^= 0x01;
        LokiChunkException e = decodeFails(bad, ReadOptions.named(KEY).skippingCorruptBlocks(null));
        assertThat(e.problem()).isEqualTo(Problem.SYMBOLS_CHECKSUM);
        assertThat(e).hasMessageContaining("symbol table checksum mismatch");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "v1-gzip",
                "v2-none",
                "v3-gzip",
                "v3-lz4-64k",
                "v4-none",
                "v4-zstd",
                "v4-snappy"
            })
    void everyTruncationIsATypedError(String name) {
        byte[] mc = GoldenLoki.named(name).memChunk();
        for (int n = 0; n < mc.length; n++) {
            byte[] prefix = java.util.Arrays.copyOf(mc, n);
            assertThatThrownBy(
                            () ->
                                    MemChunk.decode(
                                            prefix,
                                            ReadOptions.named(KEY).skippingCorruptBlocks(null)))
                    .as("prefix of %d bytes", n)
                    .isInstanceOf(LokiChunkException.class)
                    .hasMessageContaining(KEY);
        }
    }

    /**
     * A block whose CRC fails: by default the chunk fails naming the block; when asked, it is
     * skipped and reported.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void aCorruptBlockFailsByDefaultAndIsSkippedOnRequest(GoldenLoki g) {
        byte[] mc = g.memChunk();
        BlockMeta b1 = MemChunk.decode(mc).blocks().get(1);
        byte[] bad = mc.clone();
        bad[b1.offset() + b1.length() / 2] ^= 0x40;

        LokiChunkException e = decodeFails(bad, ReadOptions.named(KEY));
        assertThat(e.problem()).isEqualTo(Problem.BLOCK_CHECKSUM);
        assertThat(e.blockIndex()).isEqualTo(1);
        assertThat(e)
                .hasMessageContaining(KEY)
                .hasMessageContaining("block 1")
                .hasMessageContaining("checksum");

        List<CorruptBlock> reported = new ArrayList<>();
        MemChunk c =
                MemChunk.decode(bad, ReadOptions.named(KEY).skippingCorruptBlocks(reported::add));
        assertThat(reported)
                .singleElement()
                .satisfies(
                        cb -> {
                            assertThat(cb.blockIndex()).isEqualTo(1);
                            assertThat(cb.chunkName()).isEqualTo(KEY);
                            assertThat(cb.error().problem()).isEqualTo(Problem.BLOCK_CHECKSUM);
                        });
        assertThat(c.skippedBlocks()).isEqualTo(reported);
        assertThat(c.blocks()).extracting(BlockMeta::index).containsExactly(0, 2);
        List<LogEntry> want = new ArrayList<>(g.entriesForward());
        want.subList(3, 7).clear();
        assertThat(c.entries()).containsExactlyElementsOf(want);
        Collections.reverse(want);
        assertThat(drain(c.iterator(Direction.BACKWARD))).containsExactlyElementsOf(want);
    }

    /**
     * Loki 3.x offset repair: a wrong stored offset is retried at the end of the previous block
     * plus its CRC.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void aDamagedBlockOffsetIsRepaired(GoldenLoki g) {
        byte[] mc = g.memChunk();
        List<Meta> metas = ChunkSurgery.metas(mc);
        for (int block = 0; block < 3; block++) {
            for (long wrong :
                    new long[] {
                        metas.get(block).offset() + 1,
                        metas.get(block).offset() - 1,
                        1,
                        1L << 40,
                        mc.length - 2
                    }) {
                List<Meta> damaged = new ArrayList<>(metas);
                damaged.set(block, metas.get(block).withOffset(wrong));
                byte[] bad = ChunkSurgery.withMetas(mc, damaged);
                MemChunk c = MemChunk.decode(bad, ReadOptions.named(KEY));
                assertThat(c.blocks())
                        .as("block %d at %d", block, wrong)
                        .extracting(BlockMeta::offset)
                        .containsExactlyElementsOf(
                                metas.stream().map(m -> (int) m.offset()).toList());
                assertThat(c.entries()).containsExactlyElementsOf(g.entriesForward());
            }
        }
    }

    /**
     * When the block is also bad at the expected offset, Loki's first error decides: CRC skips,
     * range fails.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void anUnrepairableBlockIsSkippedOrFailsAsLokiDecides(GoldenLoki g) {
        byte[] mc = g.memChunk();
        List<Meta> metas = ChunkSurgery.metas(mc);
        Meta m1 = metas.get(1);
        byte[] damagedData = mc.clone();
        damagedData[(int) (m1.offset() + m1.len() - 1)] ^= 0x01;

        // stored offset in range but wrong, and the data damaged: a checksum problem, skipped when
        // asked
        List<Meta> shifted = new ArrayList<>(metas);
        shifted.set(1, m1.withOffset(m1.offset() + 2));
        byte[] crcBad = ChunkSurgery.withMetas(damagedData, shifted);
        assertThat(decodeFails(crcBad, ReadOptions.named(KEY)))
                .satisfies(e -> assertThat(e.problem()).isEqualTo(Problem.BLOCK_CHECKSUM))
                .satisfies(e -> assertThat(e.blockIndex()).isEqualTo(1));
        MemChunk c = MemChunk.decode(crcBad, ReadOptions.named(KEY).skippingCorruptBlocks(null));
        assertThat(c.blocks()).extracting(BlockMeta::index).containsExactly(0, 2);
        assertThat(c.entries()).hasSize(6);

        // stored offset out of range, and the data damaged: the chunk fails, even when skipping is
        // asked for
        List<Meta> outside = new ArrayList<>(metas);
        outside.set(1, m1.withOffset(1L << 33));
        byte[] rangeBad = ChunkSurgery.withMetas(damagedData, outside);
        LokiChunkException e =
                decodeFails(rangeBad, ReadOptions.named(KEY).skippingCorruptBlocks(null));
        assertThat(e.problem()).isEqualTo(Problem.BLOCK_OUT_OF_RANGE);
        assertThat(e.blockIndex()).isEqualTo(1);
        assertThat(e)
                .hasMessageContaining("outside the block area")
                .hasMessageContaining("8589934592");

        // a length running past the block area fails too
        List<Meta> tooLong = new ArrayList<>(metas);
        tooLong.set(
                2,
                new Meta(
                        metas.get(2).entries(),
                        metas.get(2).mint(),
                        metas.get(2).maxt(),
                        metas.get(2).offset(),
                        metas.get(2).uncompressed(),
                        mc.length));
        assertThat(decodeFails(ChunkSurgery.withMetas(mc, tooLong), ReadOptions.DEFAULT).problem())
                .isEqualTo(Problem.BLOCK_OUT_OF_RANGE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void impossibleMetasAreTypedErrors(GoldenLoki g) {
        byte[] mc = g.memChunk();
        List<Meta> metas = ChunkSurgery.metas(mc);
        // more blocks claimed than the metas can hold
        byte[] bad = ChunkSurgery.withMetas(mc, metas);
        int mo = ChunkSurgery.metasOffset(mc);
        bad[mo] = (byte) 0x7f; // 127 blocks in a ~40-byte metas
        int crc = ChunkSurgery.crc(bad, mo, ChunkSurgery.metasLen(bad));
        int p = mo + ChunkSurgery.metasLen(bad);
        bad[p] = (byte) (crc >>> 24);
        bad[p + 1] = (byte) (crc >>> 16);
        bad[p + 2] = (byte) (crc >>> 8);
        bad[p + 3] = (byte) crc;
        assertThat(decodeFails(bad, ReadOptions.DEFAULT).problem())
                .isEqualTo(Problem.MALFORMED_METAS);
        // a trailer pointing outside the chunk
        byte[] trailer = mc.clone();
        trailer[trailer.length - 5] = 0x7f;
        assertThat(decodeFails(trailer, ReadOptions.DEFAULT).problem())
                .isEqualTo(Problem.BAD_TRAILER);
    }

    /**
     * Blocks are decompressed only when a window reaches them: a block whose bytes are garbage
     * (with a matching CRC) does not stop a query of the other blocks, and fails one that reaches
     * it, naming chunk and block.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void onlyBlocksInTheWindowAreDecompressed(GoldenLoki g) {
        byte[] mc = g.memChunk();
        MemChunk ok = MemChunk.decode(mc);
        BlockMeta b0 = ok.blocks().get(0);
        BlockMeta b2 = ok.blocks().get(2);
        MemChunk c =
                MemChunk.decode(
                        ChunkSurgery.garbleBlockKeepingCrc(mc, b0, (byte) 0xFF),
                        ReadOptions.named(KEY));
        for (Direction d : Direction.values()) {
            assertThat(drain(c.iterator(b2.mint(), Long.MAX_VALUE, d))).hasSize(3);
            LokiChunkException e =
                    catchThrowableOfType(
                            LokiChunkException.class,
                            () -> drain(c.iterator(Long.MIN_VALUE, Long.MAX_VALUE, d)));
            assertThat(e.problem()).isIn(Problem.MALFORMED_BLOCK, Problem.LINE_TOO_LONG);
            assertThat(e.blockIndex()).isZero();
            assertThat(e).hasMessageContaining(KEY).hasMessageContaining("block 0");
        }
        // forward, the entries before the bad block come out before the error
        MemChunk late = MemChunk.decode(ChunkSurgery.garbleBlockKeepingCrc(mc, b2, (byte) 0xFF));
        var it = late.iterator(Direction.FORWARD);
        for (int i = 0; i < 7; i++) {
            assertThat(it.next()).isEqualTo(g.entriesForward().get(i));
        }
        assertThatThrownBy(it::hasNext)
                .isInstanceOf(LokiChunkException.class)
                .hasMessageContaining("block 2");
        assertThat(it.hasNext()).as("closed after the error").isFalse();
    }

    @Test
    void malformedEntriesAreTypedErrorsNamingTheBlock() {
        byte[] line = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] good = ChunkSurgery.rawEntry(5, line, null);
        byte[] truncated = java.util.Arrays.copyOf(ChunkSurgery.rawEntry(6, line, null), 4);
        byte[] mc =
                MemChunkWriter.assemble(
                        ChunkFormat.V3,
                        Codec.GZIP,
                        List.of(),
                        List.of(
                                ChunkSurgery.block(Codec.GZIP, 1, 5, 5, good),
                                ChunkSurgery.block(Codec.GZIP, 2, 5, 6, good, truncated)));
        MemChunk c = MemChunk.decode(mc, ReadOptions.named(KEY));
        // a window that stops at block 1's first entry never parses the broken one after it
        assertThat(drain(c.iterator(0, 5, Direction.FORWARD))).isEmpty();
        assertThat(drain(c.iterator(0, 5, Direction.BACKWARD))).isEmpty();
        assertThatThrownBy(() -> drain(c.iterator(5, 6, Direction.FORWARD)))
                .isInstanceOf(LokiChunkException.class);
        assertThatThrownBy(c::entries)
                .isInstanceOf(LokiChunkException.class)
                .hasMessageContaining("block 1")
                .hasMessageContaining("entry 1")
                .hasMessageContaining("ends in the middle of a line");

        MemChunk limited = MemChunk.decode(mc, ReadOptions.named(KEY).withMaxLineLength(4));
        LokiChunkException e = catchThrowableOfType(LokiChunkException.class, limited::entries);
        assertThat(e.problem()).isEqualTo(Problem.LINE_TOO_LONG);
        assertThat(e.blockIndex()).isZero();
    }

    @Test
    void badStructuredMetadataInAV4BlockIsATypedError() {
        byte[] line = "x".getBytes(StandardCharsets.UTF_8);
        List<byte[]> symbols =
                List.of("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
        byte[] ok =
                MemChunkWriter.assemble(
                        ChunkFormat.V4,
                        Codec.SNAPPY,
                        symbols,
                        List.of(
                                ChunkSurgery.block(
                                        Codec.SNAPPY,
                                        1,
                                        1,
                                        1,
                                        ChunkSurgery.rawEntry(1, line, new int[] {0, 1}))));
        assertThat(MemChunk.decode(ok).entries().get(0).structuredMetadata())
                .containsExactly(new io.chunkstore.core.model.Label("k", "v"));

        byte[] badIndex =
                MemChunkWriter.assemble(
                        ChunkFormat.V4,
                        Codec.SNAPPY,
                        symbols,
                        List.of(
                                ChunkSurgery.block(
                                        Codec.SNAPPY,
                                        1,
                                        1,
                                        1,
                                        ChunkSurgery.rawEntry(1, line, new int[] {0, 2}))));
        assertThatThrownBy(() -> MemChunk.decode(badIndex).entries())
                .isInstanceOf(LokiChunkException.class)
                .hasMessageContaining("symbol index 2 is outside the symbol table (2 symbols)");

        byte[] raw = ChunkSurgery.rawEntry(1, line, new int[] {0, 1});
        raw[3] = 4; // the section length byte (after ts, len, line): claims 4 bytes, holds 3
        byte[] badLen =
                MemChunkWriter.assemble(
                        ChunkFormat.V4,
                        Codec.NONE,
                        symbols,
                        List.of(ChunkSurgery.block(Codec.NONE, 1, 1, 1, raw)));
        assertThatThrownBy(() -> MemChunk.decode(badLen).entries())
                .isInstanceOf(LokiChunkException.class)
                .hasMessageContaining("block 0");
    }

    /**
     * Every single-bit and whole-byte change anywhere in a chunk either fails with a
     * LokiChunkException (at decode or while iterating) or leaves the entries unchanged; nothing
     * else escapes, in either read mode.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "v1-gzip",
                "v2-none",
                "v2-flate",
                "v3-snappy",
                "v3-lz4-64k",
                "v4-none",
                "v4-zstd"
            })
    void noDamageEscapesAsAnythingButATypedError(String name) {
        GoldenLoki g = GoldenLoki.named(name);
        byte[] mc = g.memChunk();
        List<LogEntry> want = g.entriesForward();
        for (int pos = 0; pos < mc.length; pos++) {
            for (int mask : new int[] {0x01, 0xFF}) {
                byte[] bad = mc.clone();
                bad[pos] ^= (byte) mask;
                for (ReadOptions opts :
                        List.of(
                                ReadOptions.DEFAULT,
                                ReadOptions.DEFAULT.skippingCorruptBlocks(null))) {
                    try {
                        MemChunk c = MemChunk.decode(bad, opts);
                        List<LogEntry> got = c.entries();
                        if (c.skippedBlocks().isEmpty()) {
                            assertThat(got)
                                    .as("byte %d ^ %02x", pos, mask)
                                    .containsExactlyElementsOf(want);
                        } else {
                            assertThat(want).as("byte %d ^ %02x", pos, mask).containsAll(got);
                        }
                    } catch (LokiChunkException expected) {
                        // typed: fine
                    }
                }
            }
        }
    }
}
