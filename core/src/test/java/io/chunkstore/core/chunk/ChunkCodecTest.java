package io.chunkstore.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.model.Labels;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidChunkException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Cortex's TestChunkCodec and every other check of its Chunk.Decode (pkg/chunk/chunk.go), each as
 * its typed reason.
 */
class ChunkCodecTest {
    static final Labels LABELS = GoldenChunkTest.LABELS;

    static ChunkCodec.Encoded dummy() {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            samples.add(new Sample(1_600_000_000_000L + i * 15_000L, i % 7 == 0 ? 1.5 * i : i));
        }
        return ChunkCodec.encode(Chunk.fromSamples("userID", LABELS, samples));
    }

    static void assertReason(Reason reason, ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        InvalidChunkException.class,
                        e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }

    /**
     * The bytes with the length word at {@code offset} replaced, and a ref carrying their (new)
     * checksum.
     */
    static byte[] withWord(byte[] in, int offset, long value) {
        byte[] b = in.clone();
        b[offset] = (byte) (value >>> 24);
        b[offset + 1] = (byte) (value >>> 16);
        b[offset + 2] = (byte) (value >>> 8);
        b[offset + 3] = (byte) value;
        return b;
    }

    static ChunkRef refFor(ChunkRef ref, byte[] bytes) {
        return ref.withChecksum(ChunkCodec.checksum(bytes));
    }

    static int metaLen(byte[] b) {
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    @Test
    void roundTrip() {
        ChunkCodec.Encoded e = dummy();
        ChunkRef ref = ChunkRef.parse("userID", e.externalKey());
        Chunk decoded = ChunkCodec.decode(ref, e.bytes());
        assertThat(decoded).isEqualTo(e.chunk());
        assertThat(decoded.samples())
                .hasSize(300)
                .isEqualTo(Bigchunk.decode(e.chunk().data(), null));
        assertThat(ChunkCodec.decode("userID", e.externalKey(KeyFormat.V12), e.bytes()))
                .isEqualTo(e.chunk());
    }

    @Test
    void flippingByte4FailsTheChecksum() {
        ChunkCodec.Encoded e = dummy();
        byte[] buf = e.bytes().clone();
        buf[4]++;
        assertReason(Reason.CHECKSUM, () -> ChunkCodec.decode(e.chunk().ref(), buf));
        assertThatThrownBy(() -> ChunkCodec.decode(e.chunk().ref(), buf))
                .hasMessageContaining("invalid chunk checksum")
                .hasMessageContaining(e.externalKey());
    }

    @Test
    void wrongChecksumInTheRefFails() {
        ChunkCodec.Encoded e = dummy();
        assertReason(
                Reason.CHECKSUM,
                () -> ChunkCodec.decode(e.chunk().ref().withChecksum(123), e.bytes()));
    }

    @Test
    void refWithOtherFingerprintUserOrTimesIsWrongMetadata() {
        ChunkCodec.Encoded e = dummy();
        ChunkRef r = e.chunk().ref();
        assertReason(
                Reason.WRONG_METADATA,
                () ->
                        ChunkCodec.decode(
                                new ChunkRef(
                                        r.userId(),
                                        r.fingerprint() + 1,
                                        r.from(),
                                        r.through(),
                                        r.checksum(),
                                        true),
                                e.bytes()));
        assertReason(
                Reason.WRONG_METADATA,
                () ->
                        ChunkCodec.decode(
                                new ChunkRef(
                                        "foo",
                                        r.fingerprint(),
                                        r.from(),
                                        r.through(),
                                        r.checksum(),
                                        true),
                                e.bytes()));
        assertReason(
                Reason.WRONG_METADATA,
                () ->
                        ChunkCodec.decode(
                                new ChunkRef(
                                        r.userId(),
                                        r.fingerprint(),
                                        r.from() + 1,
                                        r.through(),
                                        r.checksum(),
                                        true),
                                e.bytes()));
        assertReason(
                Reason.WRONG_METADATA,
                () ->
                        ChunkCodec.decode(
                                new ChunkRef(
                                        r.userId(),
                                        r.fingerprint(),
                                        r.from(),
                                        r.through() - 1,
                                        r.checksum(),
                                        true),
                                e.bytes()));
        assertThatThrownBy(
                        () ->
                                ChunkCodec.decode(
                                        new ChunkRef(
                                                "foo",
                                                r.fingerprint(),
                                                r.from(),
                                                r.through(),
                                                r.checksum(),
                                                true),
                                        e.bytes()))
                .hasMessageContaining("wrong chunk metadata")
                .hasMessageContaining("user \"userID\"");
    }

    @Test
    void truncatedOrExtendedDataIsDataLength() {
        byte[] full = dummy().bytes();
        ChunkRef ref = dummy().chunk().ref();
        byte[] truncated = Arrays.copyOf(full, full.length - 1);
        // Under the original key the checksum catches it first; under the truncated bytes' own
        // checksum, or a
        // legacy key, the data length does.
        assertReason(Reason.CHECKSUM, () -> ChunkCodec.decode(ref, truncated));
        assertReason(
                Reason.DATA_LENGTH, () -> ChunkCodec.decode(refFor(ref, truncated), truncated));
        assertReason(
                Reason.DATA_LENGTH,
                () ->
                        ChunkCodec.decode(
                                ChunkRef.legacy(
                                        "userID", ref.fingerprint(), ref.from(), ref.through()),
                                truncated));
        byte[] longer = Arrays.copyOf(full, full.length + 1);
        assertReason(Reason.DATA_LENGTH, () -> ChunkCodec.decode(refFor(ref, longer), longer));
        byte[] noDataWord = Arrays.copyOf(full, metaLen(full) + 2);
        assertReason(
                Reason.DATA_LENGTH, () -> ChunkCodec.decode(refFor(ref, noDataWord), noDataWord));
        byte[] hugeDataLen = withWord(full, metaLen(full), 0xFFFF_FFFFL);
        assertReason(
                Reason.DATA_LENGTH, () -> ChunkCodec.decode(refFor(ref, hugeDataLen), hugeDataLen));
    }

    @Test
    void oldLayoutWhoseLengthExcludedItselfIsAccepted() {
        ChunkCodec.Encoded e = dummy();
        byte[] old = withWord(e.bytes(), 0, metaLen(e.bytes()) - 4L);
        Chunk decoded = ChunkCodec.decode(refFor(e.chunk().ref(), old), old);
        assertThat(decoded.labels()).isEqualTo(LABELS);
        assertThat(decoded.data()).isEqualTo(e.chunk().data());
        assertThat(decoded.samples()).isEqualTo(e.chunk().samples());
    }

    @Test
    void garbageMetadataLengthsAreRejectedWithoutHugeAllocations() {
        ChunkCodec.Encoded e = dummy();
        ChunkRef ref = e.chunk().ref();
        int real = metaLen(e.bytes());
        for (long bad :
                new long[] {
                    0,
                    3,
                    4,
                    5,
                    real - 5,
                    real + 1,
                    real + 8,
                    0x7FFF_FFFFL,
                    0xFFFF_FFFFL,
                    0xFFFF_FFFBL
                }) {
            byte[] b = withWord(e.bytes(), 0, bad);
            assertReason(Reason.METADATA_LENGTH, () -> ChunkCodec.decode(refFor(ref, b), b));
        }
        // A snappy chunk header claiming 16 MiB in a tiny buffer, with a length word that agrees
        // with it: Go's
        // reader fails on the short chunk, so it is corrupt.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 0x00, 0x00, 0x00});
        out.writeBytes(SnappyFraming.STREAM_IDENTIFIER);
        out.writeBytes(new byte[] {0x01, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3, 4});
        byte[] lying = withWord(out.toByteArray(), 0, 4 + 10 + 4 + 0xFFFFFFL);
        assertReason(Reason.CORRUPT, () -> ChunkCodec.decodeUnverified(lying));
        for (int n = 0; n < 4; n++) {
            byte[] tiny = new byte[n];
            assertReason(Reason.METADATA_LENGTH, () -> ChunkCodec.decodeUnverified(tiny));
        }
    }

    /** An envelope around arbitrary metadata bytes and data, framed with our writer. */
    static byte[] envelope(byte[] metadata, byte[] data) {
        byte[] framed = SnappyFraming.frame(metadata);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int metaLen = 4 + framed.length;
        out.writeBytes(
                new byte[] {
                    (byte) (metaLen >>> 24),
                    (byte) (metaLen >>> 16),
                    (byte) (metaLen >>> 8),
                    (byte) metaLen
                });
        out.writeBytes(framed);
        out.writeBytes(
                new byte[] {
                    (byte) (data.length >>> 24),
                    (byte) (data.length >>> 16),
                    (byte) (data.length >>> 8),
                    (byte) data.length
                });
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void unparseableMetadataIsCorrupt() {
        byte[] data = {0, 0};
        for (String bad :
                new String[] {
                    "not json\n",
                    "[1,2]\n",
                    "{\"fingerprint\":-1}\n",
                    "{\"fingerprint\":1.5}\n",
                    "{\"from\":\"x\"}\n",
                    "{\"metric\":{\"a\":1}}\n",
                    "{\"metric\":[]}\n",
                    "{\"encoding\":256}\n",
                    "{\"encoding\":-1}\n",
                    "{\"userID\":3}\n",
                    "{\"from\":1e400}\n",
                    "{\"fingerprint\":18446744073709551616}",
                    "{\"from\":1",
                    "{\"metric\":{\"a\":\"1\",\"a\":\"2\"}}"
                }) {
            byte[] b = envelope(utf8(bad), data);
            assertReason(Reason.CORRUPT, () -> ChunkCodec.decodeUnverified(b));
        }
        // A snappy chunk whose CRC does not match, the envelope checksum recomputed.
        byte[] good = envelope(utf8("{\"encoding\":3}\n"), data);
        byte[] badCrc = good.clone();
        badCrc[4 + 10 + 4]++;
        assertReason(Reason.CORRUPT, () -> ChunkCodec.decodeUnverified(badCrc));
        assertThatThrownBy(() -> ChunkCodec.decodeUnverified(badCrc))
                .hasMessageContaining("fails its CRC");
        // No stream identifier.
        for (int i = 4; i < 14; i++) {
            byte[] noId = good.clone();
            noId[i]++;
            assertReason(Reason.CORRUPT, () -> ChunkCodec.decodeUnverified(noId));
        }
        // Metadata JSON that is cut short, or followed by data that is no snappy chunk.
        byte[] cut = envelope(utf8("{\"userID\":\"u\",\"from\":15"), data);
        assertReason(Reason.CORRUPT, () -> ChunkCodec.decodeUnverified(cut));
    }

    @Test
    void unknownEncodingIsRejectedAndDeltaIsReadAsDoubleDelta() {
        byte[] seven = envelope(utf8("{\"userID\":\"u\",\"encoding\":7}\n"), new byte[0]);
        assertReason(Reason.UNKNOWN_ENCODING, () -> ChunkCodec.decodeUnverified(seven));
        Chunk delta =
                ChunkCodec.decodeUnverified(
                        envelope(utf8("{\"userID\":\"u\",\"encoding\":0}\n"), new byte[5]));
        assertThat(delta.encoding()).isEqualTo(ChunkEncoding.DOUBLE_DELTA);
        Chunk absent =
                ChunkCodec.decodeUnverified(envelope(utf8("{\"userID\":\"u\"}\n"), new byte[5]));
        assertThat(absent.encoding()).isEqualTo(ChunkEncoding.DOUBLE_DELTA);
        // Its samples decode as DoubleDelta: five bytes are no DoubleDelta header, a typed error
        // naming the chunk.
        assertThatThrownBy(absent::samples)
                .isInstanceOfSatisfying(
                        InvalidChunkException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT))
                .hasMessageContaining("DoubleDelta payload of 5 bytes")
                .hasMessageContaining(absent.externalKey());
    }

    @Test
    void corruptBigchunkFramingIsCaughtAtDecode() {
        String meta =
                "{\"fingerprint\":1,\"userID\":\"u\",\"from\":1,\"through\":2,\"metric\":{},\"encoding\":3}\n";
        for (byte[] data :
                new byte[][] {
                    {}, {1}, {1, 0}, {1, 0, 5, 0, 0, 1}, {2, 0, 2, 0, 0, 0}, {1, 0, 1, 0, 0}
                }) {
            byte[] b = envelope(utf8(meta), data);
            assertReason(Reason.CORRUPT, () -> ChunkCodec.decodeUnverified(b));
        }
        // An XOR sub-chunk whose bit stream ends before its sample count decodes lazily, as
        // CORRUPT.
        byte[] xor = XorChunk.encode(List.of(new Sample(1, 1), new Sample(2, 2)));
        xor[1] = 5;
        byte[] data = new byte[4 + xor.length];
        data[0] = 1;
        data[2] = (byte) xor.length;
        System.arraycopy(xor, 0, data, 4, xor.length);
        Chunk c = ChunkCodec.decodeUnverified(envelope(utf8(meta), data));
        assertThatThrownBy(c::samples)
                .isInstanceOfSatisfying(
                        InvalidChunkException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT))
                .hasMessageContaining("of its 5 samples");
    }

    @Test
    void aTenantWithASlashCannotBeKeyed() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> ChunkRef.of("a/b", 1, 2, 3, 4))
                .withMessageContaining("'/'");
        byte[] b = envelope(utf8("{\"userID\":\"a/b\",\"encoding\":3}\n"), new byte[] {0, 0});
        assertReason(Reason.CORRUPT, () -> ChunkCodec.decodeUnverified(b));
    }

    @Test
    void legacyRefsSkipTheChecksumAndMetadataChecksAndMetadataWins() {
        ChunkCodec.Encoded e = dummy();
        ChunkRef legacy = ChunkRef.parse("someoneElse", "1:2:3");
        Chunk c = ChunkCodec.decode(legacy, e.bytes());
        assertThat(c.checksumSet()).isFalse();
        assertThat(c.userId()).isEqualTo("userID");
        assertThat(c.fingerprint()).isEqualTo(e.chunk().fingerprint());
        assertThat(c.from()).isEqualTo(e.chunk().from());
        assertThat(c.externalKey())
                .isEqualTo(
                        "userID/"
                                + Long.toUnsignedString(c.fingerprint())
                                + ":"
                                + c.from()
                                + ":"
                                + c.through());
    }

    @Test
    void decodeUnverifiedComputesTheChecksum() {
        ChunkCodec.Encoded e = dummy();
        assertThat(ChunkCodec.decodeUnverified(e.bytes())).isEqualTo(e.chunk());
    }

    @Test
    void metadataIsCompressedOnlyWhenThatSavesAnEighth() {
        Labels big = Labels.of("__name__", "m", "a", "x".repeat(400), "b", "y".repeat(400));
        ChunkCodec.Encoded e =
                ChunkCodec.encode(Chunk.fromSamples("u", big, List.of(new Sample(5, 1))));
        assertThat(e.bytes()[14]).isEqualTo((byte) 0x00);
        assertThat(metaLen(e.bytes())).isLessThan(400);
        assertThat(ChunkCodec.decode(e.chunk().ref(), e.bytes())).isEqualTo(e.chunk());
    }

    @Test
    void metadataLargerThanOneSnappyBlockSpansChunks() {
        StringBuilder random = new StringBuilder();
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < 150_000; i++) {
            random.append((char) ('!' + r.nextInt(90)));
        }
        Labels big = Labels.of("__name__", "m", "v", random.toString());
        ChunkCodec.Encoded e =
                ChunkCodec.encode(Chunk.fromSamples("u", big, List.of(new Sample(5, 1))));
        assertThat(ChunkCodec.decode(e.chunk().ref(), e.bytes())).isEqualTo(e.chunk());
        byte[] old = withWord(e.bytes(), 0, metaLen(e.bytes()) - 4L);
        assertThat(ChunkCodec.decode(refFor(e.chunk().ref(), old), old).labels()).isEqualTo(big);
    }

    @Test
    void lokiLogChunksCarryTheirDataUndecoded() {
        byte[] memchunk = {(byte) 0x01, 0x2e, (byte) 0xe5, 0x6a, 0x02, 0x04, 9, 9, 9};
        Labels labels = Labels.of("__name__", "logs", "job", "varlogs");
        ChunkCodec.Encoded e =
                ChunkCodec.encode(
                        Chunk.of(
                                "fake",
                                77,
                                labels,
                                1_700_000_000_000L,
                                1_700_000_007_001L,
                                ChunkEncoding.LOG,
                                memchunk));
        Chunk c = ChunkCodec.decode("fake", e.externalKey(KeyFormat.V12), e.bytes());
        assertThat(c.encoding()).isEqualTo(ChunkEncoding.LOG);
        assertThat(c.data()).isEqualTo(memchunk);
        assertThat(new String(e.bytes(), StandardCharsets.ISO_8859_1))
                .contains("\"from\":1700000000,\"through\":1700000007.001,")
                .contains("\"encoding\":129}");
        assertThatThrownBy(c::samples)
                .isInstanceOf(InvalidChunkException.class)
                .hasMessageContaining("loki");
    }

    @Test
    void goEncodingJsonStyleWritesDifferentBytesThatDecodeTheSame() {
        Labels labels = Labels.of("__name__", "m", "path", "a<b>&c");
        Chunk chunk = Chunk.fromSamples("u", labels, List.of(new Sample(1_600_000_000_120L, 1)));
        ChunkCodec.Encoded jsoniter = ChunkCodec.encode(chunk, MetadataStyle.JSONITER);
        ChunkCodec.Encoded go = ChunkCodec.encode(chunk, MetadataStyle.GO_ENCODING_JSON);
        assertThat(new String(jsoniter.bytes(), StandardCharsets.ISO_8859_1))
                .contains("\"from\":1600000000.120,")
                .contains("\"a<b>&c\"");
        assertThat(new String(go.bytes(), StandardCharsets.ISO_8859_1))
                .contains("\"from\":1600000000.12,")
                .contains("\"a\\u003cb\\u003e\\u0026c\"");
        assertThat(ChunkCodec.decode(go.chunk().ref(), go.bytes())).isEqualTo(go.chunk());
        assertThat(go.chunk().checksum()).isNotEqualTo(jsoniter.chunk().checksum());
    }
}
