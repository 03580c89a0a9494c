package io.chunkstore.core.chunk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32C;
import org.xerial.snappy.Snappy;

/**
 * The snappy framing format as golang/snappy's buffered writer produces it, over byte arrays: the
 * stream identifier, then one chunk per 64 KiB of input, stored compressed only when that saves at
 * least 1/8 (so small metadata is stored uncompressed and our bytes equal Go's), each with the
 * masked CRC-32C of its uncompressed bytes. Block compression is snappy-java's; the framing is done
 * here so the compression choice matches Go's exactly and reading never allocates from a length it
 * has not checked.
 */
final class SnappyFraming {
    static final byte[] STREAM_IDENTIFIER = {
        (byte) 0xff, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'Y'
    };
    static final int MAX_BLOCK = 65536;
    private static final int TYPE_COMPRESSED = 0x00;
    private static final int TYPE_UNCOMPRESSED = 0x01;
    private static final int TYPE_STREAM_IDENTIFIER = 0xff;
    private static final int CHECKSUM_SIZE = 4;

    private SnappyFraming() {}

    /** The framed stream of {@code data}. */
    static byte[] frame(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 32);
        out.write(STREAM_IDENTIFIER, 0, STREAM_IDENTIFIER.length);
        byte[] compressed = new byte[Snappy.maxCompressedLength(Math.min(data.length, MAX_BLOCK))];
        for (int off = 0; off < data.length; off += MAX_BLOCK) {
            int n = Math.min(MAX_BLOCK, data.length - off);
            int crc = maskedCrc(data, off, n);
            int clen;
            try {
                clen = Snappy.compress(data, off, n, compressed, 0);
            } catch (IOException e) {
                throw new UncheckedIOException("snappy compression failed", e);
            }
            // golang/snappy: keep the compressed form only if it saves at least 12.5 %.
            if (clen < n - n / 8) {
                header(out, TYPE_COMPRESSED, clen + CHECKSUM_SIZE, crc);
                out.write(compressed, 0, clen);
            } else {
                header(out, TYPE_UNCOMPRESSED, n + CHECKSUM_SIZE, crc);
                out.write(data, off, n);
            }
        }
        return out.toByteArray();
    }

    private static void header(ByteArrayOutputStream out, int type, int length, int crc) {
        out.write(type);
        out.write(length);
        out.write(length >>> 8);
        out.write(length >>> 16);
        out.write(crc);
        out.write(crc >>> 8);
        out.write(crc >>> 16);
        out.write(crc >>> 24);
    }

    /**
     * Reads a framed stream chunk by chunk from a byte array, as Go's {@code snappy.Reader} does:
     * the stream identifier must come first, every data chunk's CRC is verified, skippable and
     * padding chunks are skipped. No length is trusted before it is checked against the bytes that
     * remain.
     */
    static final class Reader {
        private final byte[] in;
        private int pos;

        /**
         * @throws IllegalArgumentException when the stream identifier is not at {@code start}
         */
        Reader(byte[] in, int start) {
            if (in.length - start < STREAM_IDENTIFIER.length
                    || !java.util.Arrays.equals(
                            in,
                            start,
                            start + STREAM_IDENTIFIER.length,
                            STREAM_IDENTIFIER,
                            0,
                            STREAM_IDENTIFIER.length)) {
                throw new IllegalArgumentException(
                        "the metadata is not a snappy framed stream (no stream identifier"
                                + " at offset "
                                + start
                                + ")");
            }
            this.in = in;
            this.pos = start + STREAM_IDENTIFIER.length;
        }

        /** The offset after the last chunk read. */
        int position() {
            return pos;
        }

        /**
         * Reads the next chunk, appending its data (if any) to {@code out}.
         *
         * @return false when the input ends exactly here
         * @throws IllegalArgumentException for a corrupt chunk, or more than {@code maxOutput}
         *     bytes in {@code out}
         */
        boolean next(ByteArrayOutputStream out, int maxOutput) {
            if (pos == in.length) {
                return false;
            }
            if (in.length - pos < 4) {
                throw new IllegalArgumentException(
                        "snappy stream ends inside a chunk header at offset " + pos);
            }
            int type = in[pos] & 0xff;
            int length =
                    (in[pos + 1] & 0xff) | (in[pos + 2] & 0xff) << 8 | (in[pos + 3] & 0xff) << 16;
            int body = pos + 4;
            if (length > in.length - body) {
                throw new IllegalArgumentException(
                        "snappy chunk at offset "
                                + pos
                                + " claims "
                                + length
                                + " bytes, only "
                                + (in.length - body)
                                + " remain");
            }
            switch (type) {
                case TYPE_COMPRESSED, TYPE_UNCOMPRESSED -> {
                    if (length < CHECKSUM_SIZE) {
                        throw new IllegalArgumentException(
                                "snappy chunk at offset " + pos + " is too short");
                    }
                    byte[] block =
                            type == TYPE_UNCOMPRESSED
                                    ? uncompressedBlock(
                                            in, body + CHECKSUM_SIZE, length - CHECKSUM_SIZE, pos)
                                    : uncompressBlock(
                                            in, body + CHECKSUM_SIZE, length - CHECKSUM_SIZE, pos);
                    int want =
                            (in[body] & 0xff)
                                    | (in[body + 1] & 0xff) << 8
                                    | (in[body + 2] & 0xff) << 16
                                    | (in[body + 3] & 0xff) << 24;
                    if (maskedCrc(block, 0, block.length) != want) {
                        throw new IllegalArgumentException(
                                "snappy chunk at offset " + pos + " fails its CRC");
                    }
                    if (out.size() + block.length > maxOutput) {
                        throw new IllegalArgumentException(
                                "the metadata is larger than " + maxOutput + " bytes");
                    }
                    out.write(block, 0, block.length);
                }
                case TYPE_STREAM_IDENTIFIER -> {
                    if (length != 6
                            || !java.util.Arrays.equals(
                                    in, pos, pos + 10, STREAM_IDENTIFIER, 0, 10)) {
                        throw new IllegalArgumentException(
                                "bad snappy stream identifier at offset " + pos);
                    }
                }
                default -> {
                    if (type < 0x80) {
                        throw new IllegalArgumentException(
                                "unsupported snappy chunk type 0x"
                                        + Integer.toHexString(type)
                                        + " at offset "
                                        + pos);
                    }
                    // 0x80-0xfd skippable, 0xfe padding: skipped, as Go does.
                }
            }
            pos = body + length;
            return true;
        }
    }

    private static byte[] uncompressedBlock(byte[] in, int off, int n, int chunkAt) {
        if (n > MAX_BLOCK) {
            throw new IllegalArgumentException(
                    "snappy chunk at offset " + chunkAt + " holds more than 64 KiB");
        }
        return java.util.Arrays.copyOfRange(in, off, off + n);
    }

    private static byte[] uncompressBlock(byte[] in, int off, int n, int chunkAt) {
        try {
            int len = Snappy.uncompressedLength(in, off, n);
            if (len < 0 || len > MAX_BLOCK) {
                throw new IllegalArgumentException(
                        "snappy chunk at offset " + chunkAt + " decompresses to more than 64 KiB");
            }
            byte[] out = new byte[len];
            int got = Snappy.uncompress(in, off, n, out, 0);
            if (got != len) {
                throw new IllegalArgumentException(
                        "snappy chunk at offset " + chunkAt + " is corrupt");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "snappy chunk at offset " + chunkAt + " is corrupt: " + e.getMessage(), e);
        }
    }

    /** The framing format's masked CRC-32C. */
    static int maskedCrc(byte[] b, int off, int n) {
        CRC32C crc = new CRC32C();
        crc.update(b, off, n);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }
}
