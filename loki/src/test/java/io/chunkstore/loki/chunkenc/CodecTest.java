package io.chunkstore.loki.chunkenc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.xerial.snappy.SnappyFramedInputStream;

/**
 * Each codec writes the stream format Loki reads (pkg/chunkenc/pool.go, pkg/compression in 3.x) and
 * reads its own and Loki's output.
 */
class CodecTest {
    private static final HexFormat HEX = HexFormat.of();

    static List<byte[]> samples() {
        Random r = new Random(42);
        byte[] random = new byte[300_000];
        r.nextBytes(random);
        byte[] text =
                "level=info msg=\"request done\" status=200 duration=1.5ms\n"
                        .repeat(6000)
                        .getBytes(StandardCharsets.UTF_8);
        return List.of(new byte[0], new byte[] {7}, Arrays.copyOf(random, 1000), random, text);
    }

    @ParameterizedTest
    @EnumSource(Codec.class)
    void compressThenDecompressGivesTheInputBack(Codec codec) throws IOException {
        for (byte[] raw : samples()) {
            byte[] c = codec.compress(raw);
            assertThat(codec.decompress(c)).as("%s, %d bytes", codec, raw.length).isEqualTo(raw);
            // and through the streaming reader, a byte at a time
            try (InputStream in = codec.decompress(new ByteArrayInputStream(c))) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                for (int b = in.read(); b >= 0; b = in.read()) {
                    got.write(b);
                }
                assertThat(got.toByteArray()).isEqualTo(raw);
            }
        }
    }

    @Test
    void gzipIsAnRfc1952MemberReadByTheJdk() throws IOException {
        byte[] raw = samples().get(4);
        byte[] c = Codec.GZIP.compress(raw);
        assertThat(HEX.formatHex(c, 0, 4)).isEqualTo("1f8b0800");
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(c))) {
            assertThat(in.readAllBytes()).isEqualTo(raw);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Codec.class,
            names = {"LZ4_64K", "LZ4_256K", "LZ4_1M", "LZ4_4M"})
    void lz4IsOneFrameWithLokisFlagsReadByLz4Java(Codec codec) throws IOException {
        int bd =
                switch (codec) {
                    case LZ4_64K -> 0x40;
                    case LZ4_256K -> 0x50;
                    case LZ4_1M -> 0x60;
                    default -> 0x70;
                };
        for (byte[] raw : samples()) {
            byte[] c = codec.compress(raw);
            assertThat(HEX.formatHex(c, 0, 4)).isEqualTo("04224d18");
            assertThat(c[4] & 0xFF)
                    .as("FLG: version 1, independent blocks, no checksums, no size")
                    .isEqualTo(0x60);
            assertThat(c[5] & 0xFF).as("BD").isEqualTo(bd);
            assertThat(HEX.formatHex(c, c.length - 4, c.length))
                    .as("end mark")
                    .isEqualTo("00000000");
            try (InputStream in = new LZ4FrameInputStream(new ByteArrayInputStream(c))) {
                assertThat(in.readAllBytes()).isEqualTo(raw);
            }
        }
        // incompressible data is stored: the first block size has its high bit set
        byte[] random = Arrays.copyOf(samples().get(3), 1000);
        byte[] c = codec.compress(random);
        assertThat(c[10] & 0x80).isEqualTo(0x80);
        // the 300000 random bytes span several 64 KiB blocks
        assertThat(Codec.LZ4_64K.compress(samples().get(3)).length).isGreaterThan(300_000 + 4 * 4);
    }

    @Test
    void lz4ReaderAcceptsChecksumsAndContentSizeAsLoki1xWrote() throws IOException {
        byte[] raw = samples().get(4);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (LZ4FrameOutputStream out =
                new LZ4FrameOutputStream(
                        bos,
                        LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
                        raw.length,
                        LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
                        LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM,
                        LZ4FrameOutputStream.FLG.Bits.BLOCK_CHECKSUM,
                        LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE)) {
            out.write(raw);
        }
        byte[] c = bos.toByteArray();
        assertThat(Codec.LZ4_64K.decompress(c)).isEqualTo(raw);
        // two frames back to back read as one stream
        byte[] two = new byte[c.length * 2];
        System.arraycopy(c, 0, two, 0, c.length);
        System.arraycopy(c, 0, two, c.length, c.length);
        assertThat(Codec.LZ4_64K.decompress(two)).hasSize(raw.length * 2);
        // a damaged content checksum is caught
        byte[] bad = c.clone();
        bad[bad.length - 1] ^= 1;
        assertThatThrownBy(() -> Codec.LZ4_64K.decompress(bad))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("checksum");
    }

    @Test
    void lz4ReaderRefusesDependentBlocksAndBadHeaders() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (LZ4FrameOutputStream out =
                new LZ4FrameOutputStream(bos, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB)) {
            out.write(new byte[10]);
        }
        byte[] c = bos.toByteArray();
        byte[] badHc = c.clone();
        badHc[6] ^= 1;
        assertThatThrownBy(() -> Codec.LZ4_64K.decompress(badHc))
                .hasMessageContaining("header checksum");
        byte[] notLz4 = c.clone();
        notLz4[0] = 0;
        assertThatThrownBy(() -> Codec.LZ4_64K.decompress(notLz4)).hasMessageContaining("magic");
        byte[] dependent = {0x04, 0x22, 0x4d, 0x18, 0x40, 0x40, 0, 0, 0, 0, 0};
        assertThatThrownBy(() -> Codec.LZ4_64K.decompress(dependent))
                .hasMessageContaining("dependent");
        assertThatThrownBy(() -> Codec.LZ4_64K.decompress(Arrays.copyOf(c, c.length - 3)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Codec.LZ4_64K.decompress(new byte[0]))
                .isInstanceOf(IOException.class);
    }

    /**
     * The sequence walk that sizes the output buffer agrees with lz4-java's compressors and rejects
     * cut blocks.
     */
    @Test
    void lz4DecodedLengthMatchesWhatTheCompressorsEncoded() {
        Random r = new Random(7);
        for (net.jpountz.lz4.LZ4Compressor comp :
                List.of(
                        net.jpountz.lz4.LZ4Factory.fastestInstance().fastCompressor(),
                        net.jpountz.lz4.LZ4Factory.fastestInstance().highCompressor(),
                        net.jpountz.lz4.LZ4Factory.safeInstance().fastCompressor())) {
            for (int n : new int[] {0, 1, 15, 16, 300, 5000, 70_000, 300_000}) {
                byte[] raw = new byte[n];
                for (int i = 0; i < n; i++) {
                    raw[i] = (byte) (r.nextInt(10) < 7 ? 'a' + (i % 7) : r.nextInt(256));
                }
                byte[] block = comp.compress(raw);
                assertThat(Lz4Frames.decodedLength(block, block.length))
                        .as("%d bytes", n)
                        .isEqualTo(n);
                if (block.length > 2) {
                    int cut = Lz4Frames.decodedLength(block, block.length - 2);
                    assertThat(cut)
                            .as("a cut block is not mistaken for its full length")
                            .isNotEqualTo(n);
                }
            }
        }
    }

    static List<GoldenLoki> lz4Goldens() {
        return GoldenLoki.all().stream().filter(g -> g.codecName().startsWith("lz4")).toList();
    }

    /** Our LZ4 frame reader and lz4-java's agree on every block Loki 2.7.5 and 3.4.0 wrote. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("lz4Goldens")
    void goldenLz4BlocksDecodeTheSameWithLz4JavasFrameReader(GoldenLoki g) throws IOException {
        MemChunk c = MemChunk.decode(g.memChunk());
        byte[] mc = g.memChunk();
        for (BlockMeta b : c.blocks()) {
            byte[] block = Arrays.copyOfRange(mc, b.offset(), b.offset() + b.length());
            try (InputStream ref = new LZ4FrameInputStream(new ByteArrayInputStream(block))) {
                assertThat(c.codec().decompress(block)).isEqualTo(ref.readAllBytes());
            }
        }
    }

    @Test
    void snappyIsTheFramingFormat() throws IOException {
        byte[] raw = samples().get(4);
        byte[] c = Codec.SNAPPY.compress(raw);
        assertThat(HEX.formatHex(c, 0, 10)).isEqualTo("ff060000734e61507059");
        try (InputStream in = new SnappyFramedInputStream(new ByteArrayInputStream(c))) {
            assertThat(in.readAllBytes()).isEqualTo(raw);
        }
    }

    @Test
    void flateIsRawDeflateEndingInAFinalBlock() throws Exception {
        byte[] raw = samples().get(4);
        byte[] c = Codec.FLATE.compress(raw);
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(c);
            byte[] out = new byte[raw.length + 1];
            int n = inf.inflate(out);
            assertThat(inf.finished()).as("BFINAL block seen").isTrue();
            assertThat(inf.getRemaining()).isZero();
            assertThat(Arrays.copyOf(out, n)).isEqualTo(raw);
        } finally {
            inf.end();
        }
        // no zlib header: a zlib reader rejects it
        Inflater zlib = new Inflater(false);
        try {
            zlib.setInput(c);
            assertThatThrownBy(() -> zlib.inflate(new byte[10]))
                    .isInstanceOf(java.util.zip.DataFormatException.class);
        } finally {
            zlib.end();
        }
    }

    @Test
    void zstdIsOneFrameWithAContentChecksum() throws IOException {
        byte[] raw = samples().get(4);
        byte[] c = Codec.ZSTD.compress(raw);
        assertThat(HEX.formatHex(c, 0, 4)).isEqualTo("28b52ffd");
        assertThat(c[4] & 0x04).as("Content_Checksum_flag").isEqualTo(0x04);
        try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(c))) {
            assertThat(in.readAllBytes()).isEqualTo(raw);
        }
    }

    @Test
    void noneIsTheRawBytes() {
        byte[] raw = samples().get(2);
        assertThat(Codec.NONE.compress(raw)).isEqualTo(raw).isNotSameAs(raw);
    }

    @Test
    void idsAndNamesAreLokis() {
        List<String> seen = new ArrayList<>();
        for (int id = 0; id < 12; id++) {
            seen.add(id + "=" + Codec.byId(id).map(Codec::lokiName).orElse("-"));
        }
        assertThat(seen)
                .containsExactly(
                        "0=none",
                        "1=gzip",
                        "2=-",
                        "3=lz4-64k",
                        "4=snappy",
                        "5=lz4-256k",
                        "6=lz4-1M",
                        "7=lz4",
                        "8=flate",
                        "9=zstd",
                        "10=-",
                        "11=-");
        assertThat(Codec.byName("lz4")).isEqualTo(Codec.LZ4_4M);
        assertThat(Codec.byName("LZ4-4M")).isEqualTo(Codec.LZ4_4M);
        assertThat(Codec.byName("lz4-1m")).isEqualTo(Codec.LZ4_1M);
        assertThatThrownBy(() -> Codec.byName("dumb"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("known: none, gzip");
    }
}
