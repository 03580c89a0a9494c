package io.chunkstore.core.chunk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32C;
import org.xerial.snappy.Snappy;

/**
 * The snappy framing format as golang/snappy's buffered writer produces it, over byte arrays: the stream identifier,
 * then one chunk per 64 KiB of input, stored compressed only when that saves at least 1/8 (so small metadata is
 * stored uncompressed and our bytes equal Go's), each with the masked CRC-32C of its uncompressed bytes. Block
 * compression is snappy-java's; the framing is done here so the compression choice matches Go's exactly and reading
 * never allocates from a length it has not checked.
 */
final class SnappyFraming {
    static final byte[] STREAM_IDENTIFIER = {(byte) 0xff, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'Y'};
    static final int MAX_BLOCK = 65536;
    private static final int TYPE_COMPRESSED = 0x00;
    private static final int TYPE_UNCOMPRESSED = 0x01;
    private static final int TYPE_STREAM_IDENTIFIER = 0xff;
    private static final int CHECKSUM_SIZE = 4;

    private SnappyFraming() {
    }

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
     * Where a framed stream starting at {@code start} ends, if it ends at {@code end1} or else at {@code end2}:
     * walks the chunk headers (never reading past the buffer) and returns the first of the two offsets that a chunk
     * boundary lands on, or -1 when neither does.
     */
    static int findEnd(byte[] in, int start, long end1, long end2) {
        long pos = start;
        while (pos + 4 <= in.length && pos < end2) {
            int p = (int) pos;
            long length = (in[p + 1] & 0xff) | (in[p + 2] & 0xff) << 8 | (in[p + 3] & 0xff) << 16;
            pos += 4 + length;
            if (pos == end1 || pos == end2) {
                return pos <= in.length ? (int) pos : -1;
            }
        }
        return -1;
    }

    /**
     * Decodes the framed stream {@code in[start, end)}, verifying the stream identifier and every chunk's CRC as Go's
     * reader does.
     *
     * @throws IllegalArgumentException saying what is wrong, for corrupt framing or more than {@code maxOutput}
     *                                  bytes of output
     */
    static byte[] unframe(byte[] in, int start, int end, int maxOutput) {
        if (end - start < STREAM_IDENTIFIER.length
                || !java.util.Arrays.equals(in, start, start + STREAM_IDENTIFIER.length, STREAM_IDENTIFIER, 0,
                STREAM_IDENTIFIER.length)) {
            throw new IllegalArgumentException("metadata is not a snappy framed stream (no stream identifier)");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(end - start, MAX_BLOCK) * 2);
        int pos = start;
        while (pos < end) {
            if (end - pos < 4) {
                throw new IllegalArgumentException("snappy stream ends inside a chunk header at offset " + pos);
            }
            int type = in[pos] & 0xff;
            int length = (in[pos + 1] & 0xff) | (in[pos + 2] & 0xff) << 8 | (in[pos + 3] & 0xff) << 16;
            int body = pos + 4;
            if (length > end - body) {
                throw new IllegalArgumentException("snappy chunk at offset " + pos + " claims " + length
                        + " bytes, only " + (end - body) + " remain");
            }
            switch (type) {
                case TYPE_COMPRESSED, TYPE_UNCOMPRESSED -> {
                    if (length < CHECKSUM_SIZE) {
                        throw new IllegalArgumentException("snappy chunk at offset " + pos + " is too short");
                    }
                    byte[] block = type == TYPE_UNCOMPRESSED
                            ? uncompressedBlock(in, body + CHECKSUM_SIZE, length - CHECKSUM_SIZE, pos)
                            : uncompressBlock(in, body + CHECKSUM_SIZE, length - CHECKSUM_SIZE, pos);
                    int want = (in[body] & 0xff) | (in[body + 1] & 0xff) << 8 | (in[body + 2] & 0xff) << 16
                            | (in[body + 3] & 0xff) << 24;
                    if (maskedCrc(block, 0, block.length) != want) {
                        throw new IllegalArgumentException("snappy chunk at offset " + pos + " fails its CRC");
                    }
                    if (out.size() + block.length > maxOutput) {
                        throw new IllegalArgumentException("metadata is larger than " + maxOutput + " bytes");
                    }
                    out.write(block, 0, block.length);
                }
                case TYPE_STREAM_IDENTIFIER -> {
                    if (length != 6 || !java.util.Arrays.equals(in, pos, pos + 10, STREAM_IDENTIFIER, 0, 10)) {
                        throw new IllegalArgumentException("bad snappy stream identifier at offset " + pos);
                    }
                }
                default -> {
                    if (type < 0x80) {
                        throw new IllegalArgumentException("unsupported snappy chunk type 0x"
                                + Integer.toHexString(type) + " at offset " + pos);
                    }
                    // 0x80-0xfd skippable, 0xfe padding: ignored, as Go does.
                }
            }
            pos = body + length;
        }
        return out.toByteArray();
    }

    private static byte[] uncompressedBlock(byte[] in, int off, int n, int chunkAt) {
        if (n > MAX_BLOCK) {
            throw new IllegalArgumentException("snappy chunk at offset " + chunkAt + " holds more than 64 KiB");
        }
        return java.util.Arrays.copyOfRange(in, off, off + n);
    }

    private static byte[] uncompressBlock(byte[] in, int off, int n, int chunkAt) {
        try {
            int len = Snappy.uncompressedLength(in, off, n);
            if (len < 0 || len > MAX_BLOCK) {
                throw new IllegalArgumentException("snappy chunk at offset " + chunkAt
                        + " decompresses to more than 64 KiB");
            }
            byte[] out = new byte[len];
            int got = Snappy.uncompress(in, off, n, out, 0);
            if (got != len) {
                throw new IllegalArgumentException("snappy chunk at offset " + chunkAt + " is corrupt");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException("snappy chunk at offset " + chunkAt + " is corrupt: " + e.getMessage(),
                    e);
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
