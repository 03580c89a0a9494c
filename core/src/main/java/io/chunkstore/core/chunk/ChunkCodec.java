package io.chunkstore.core.chunk;

import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidChunkException.Reason;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The chunk envelope, as Cortex's {@code Chunk.Encode} / {@code Chunk.Decode} and Loki's copy of
 * them read and write it:
 *
 * <pre>
 * uint32 BE metaLen (= 4 + length of the snappy stream) | snappy framed (metadata JSON + "\n")
 * uint32 BE dataLen | dataLen bytes of payload
 * </pre>
 *
 * The checksum in the external key is the CRC-32C of all these bytes. The payload is carried as
 * bytes: samples are decoded on demand ({@link Chunk#samples()}), Loki MemChunks by the loki
 * module.
 */
public final class ChunkCodec {
    /**
     * Decoded metadata larger than this is rejected as corrupt (real metadata is a few hundred
     * bytes).
     */
    public static final int MAX_METADATA_BYTES = 16 << 20;

    private ChunkCodec() {}

    /**
     * An encoded chunk: the chunk with its checksum set, and its bytes.
     *
     * @param chunk the chunk, {@code checksumSet} true
     * @param bytes the envelope; the checksum is its CRC-32C
     */
    public record Encoded(Chunk chunk, byte[] bytes) {
        /** The current-form external key (Cortex's {@code ExternalKey()}). */
        public String externalKey() {
            return chunk.externalKey();
        }

        public String externalKey(KeyFormat format) {
            return chunk.externalKey(format);
        }

        /**
         * As the storage SPI carries it, under the key in {@code format} and in {@code tableName}.
         */
        public EncodedChunk toEncodedChunk(KeyFormat format, String tableName) {
            return new EncodedChunk(chunk.externalKey(format), tableName, bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Encoded e && chunk.equals(e.chunk) && Arrays.equals(bytes, e.bytes);
        }

        @Override
        public int hashCode() {
            return chunk.hashCode() * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Encoded{" + chunk + ", " + bytes.length + " bytes}";
        }
    }

    /**
     * {@link #encode(Chunk, MetadataStyle)} with what Cortex and Loki write, {@link
     * MetadataStyle#JSONITER}.
     */
    public static Encoded encode(Chunk chunk) {
        return encode(chunk, MetadataStyle.JSONITER);
    }

    /**
     * Encodes a chunk: its metadata (user, fingerprint, from, through, labels, encoding code) and
     * its payload as is. Any checksum the chunk had is replaced by the CRC-32C of the new bytes.
     *
     * @throws InvalidChunkException TOO_LARGE when the envelope would not fit a Java array
     */
    public static Encoded encode(Chunk chunk, MetadataStyle style) {
        byte[] json =
                MetadataJson.write(
                        new MetadataJson.Metadata(
                                chunk.userId(),
                                chunk.fingerprint(),
                                chunk.from(),
                                chunk.through(),
                                chunk.labels(),
                                chunk.encoding().code()),
                        style);
        byte[] framed = SnappyFraming.frame(json);
        byte[] data = chunk.data();
        long total = 4L + framed.length + 4L + data.length;
        if (total > Integer.MAX_VALUE - 16) {
            throw new InvalidChunkException(
                    Reason.TOO_LARGE, null, "a chunk of " + total + " bytes");
        }
        byte[] out = new byte[(int) total];
        int metaLen = 4 + framed.length;
        putInt(out, 0, metaLen);
        System.arraycopy(framed, 0, out, 4, framed.length);
        putInt(out, metaLen, data.length);
        System.arraycopy(data, 0, out, metaLen + 4, data.length);
        return new Encoded(chunk.withChecksum(checksum(out)), out);
    }

    /** CRC-32C (Castagnoli) of the bytes: a chunk's checksum. */
    public static int checksum(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length);
        return (int) crc.getValue();
    }

    /**
     * {@link #decode(ChunkRef, byte[])} for a key read from an index or a listing, parsed for
     * {@code userId}.
     */
    public static Chunk decode(String userId, String externalKey, byte[] input) {
        return decode(ChunkRef.parse(userId, externalKey), input);
    }

    /**
     * Decodes stored chunk bytes and checks them against the reference they were fetched under, in
     * Cortex's order: checksum (when the reference has one), metadata length (current layout or the
     * old one whose length word excluded itself), metadata equal to the reference (user,
     * fingerprint, from, through; only with a checksum), known encoding, data length, and the
     * payload's framing (Bigchunk, XOR). The metadata wins: labels and encoding come from it, and
     * for a legacy reference so does everything else. The payload is returned undecoded.
     *
     * @return the chunk, with the reference's checksum when it had one
     * @throws InvalidChunkException with the reason of the first check that fails; CORRUPT when the
     *     metadata or the payload framing does not parse
     */
    public static Chunk decode(ChunkRef ref, byte[] input) {
        String key = ref.externalKey();
        if (ref.checksumSet()) {
            int actual = checksum(input);
            if (actual != ref.checksum()) {
                throw new InvalidChunkException(
                        Reason.CHECKSUM,
                        key,
                        "the CRC-32C of its "
                                + input.length
                                + " bytes is "
                                + hex(actual)
                                + ", the key says "
                                + hex(ref.checksum()));
            }
        }
        Decoded d = decodeEnvelope(input, key);
        MetadataJson.Metadata m = d.metadata;
        if (ref.checksumSet()) {
            List<String> diffs = new ArrayList<>();
            if (!m.userId().equals(ref.userId())) {
                diffs.add("user \"" + m.userId() + "\"");
            }
            if (m.fingerprint() != ref.fingerprint()) {
                diffs.add("fingerprint " + Long.toHexString(m.fingerprint()));
            }
            if (m.from() != ref.from()) {
                diffs.add("from " + m.from());
            }
            if (m.through() != ref.through()) {
                diffs.add("through " + m.through());
            }
            if (!diffs.isEmpty()) {
                throw new InvalidChunkException(
                        Reason.WRONG_METADATA,
                        key,
                        "the stored metadata says " + String.join(", ", diffs));
            }
        }
        return finish(d, input, key, ref.checksum(), ref.checksumSet());
    }

    /**
     * Decodes chunk bytes without a key to check them against: for inspection and re-keying. The
     * checksum is computed from the bytes.
     *
     * @throws InvalidChunkException as {@link #decode(ChunkRef, byte[])}, minus the checks against
     *     a key
     */
    public static Chunk decodeUnverified(byte[] input) {
        return finish(decodeEnvelope(input, null), input, null, checksum(input), true);
    }

    private record Decoded(MetadataJson.Metadata metadata, int metadataEnd) {}

    private static Decoded decodeEnvelope(byte[] input, String key) {
        if (input.length < 4) {
            throw new InvalidChunkException(
                    Reason.METADATA_LENGTH,
                    key,
                    "only " + input.length + " bytes, not even the metadata length word");
        }
        long metaLen = getUnsignedInt(input, 0);
        // Like Go: read snappy chunks until the JSON object is complete, then compare where that
        // left us with the
        // length word. Current writers count the word itself in metaLen; very old ones did not.
        MetadataJson.Metadata m = null;
        int end;
        try {
            SnappyFraming.Reader r = new SnappyFraming.Reader(input, 4);
            ByteArrayOutputStream json = new ByteArrayOutputStream(256);
            while (m == null) {
                int before = json.size();
                if (!r.next(json, MAX_METADATA_BYTES)) {
                    throw new IllegalArgumentException(
                            "the chunk ends before its metadata JSON does");
                }
                if (json.size() > before) {
                    m = MetadataJson.readIfComplete(json.toByteArray());
                }
            }
            end = r.position();
        } catch (IllegalArgumentException e) {
            throw new InvalidChunkException(Reason.CORRUPT, key, e.getMessage(), e);
        }
        if (end != metaLen && end != metaLen + 4) {
            throw new InvalidChunkException(
                    Reason.METADATA_LENGTH,
                    key,
                    "the metadata ends at byte " + end + " but the length word says " + metaLen);
        }
        return new Decoded(m, end);
    }

    private static Chunk finish(
            Decoded d, byte[] input, String key, int checksum, boolean checksumSet) {
        MetadataJson.Metadata m = d.metadata;
        if (m.userId().indexOf('/') >= 0) {
            throw new InvalidChunkException(
                    Reason.CORRUPT,
                    key,
                    "the metadata's tenant \"" + m.userId() + "\" contains '/'");
        }
        ChunkEncoding encoding = ChunkEncoding.forDecode(m.encoding(), key);
        int end = d.metadataEnd;
        if (input.length - end < 4) {
            throw new InvalidChunkException(
                    Reason.DATA_LENGTH,
                    key,
                    "the chunk ends "
                            + (input.length - end)
                            + " bytes after the metadata, before the data length");
        }
        long dataLen = getUnsignedInt(input, end);
        long remaining = input.length - end - 4L;
        if (dataLen != remaining) {
            throw new InvalidChunkException(
                    Reason.DATA_LENGTH,
                    key,
                    "the data length word says " + dataLen + " bytes, " + remaining + " follow");
        }
        byte[] data = Arrays.copyOfRange(input, end + 4, input.length);
        SampleData.validate(encoding, data, key);
        return new Chunk(
                m.userId(),
                m.fingerprint(),
                m.from(),
                m.through(),
                m.labels(),
                encoding,
                data,
                checksum,
                checksumSet);
    }

    private static long getUnsignedInt(byte[] b, int off) {
        return ((b[off] & 0xFFL) << 24)
                | ((b[off + 1] & 0xFFL) << 16)
                | ((b[off + 2] & 0xFFL) << 8)
                | (b[off + 3] & 0xFFL);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static String hex(int v) {
        return String.format("%08x", v);
    }
}
