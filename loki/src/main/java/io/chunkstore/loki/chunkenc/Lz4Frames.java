package io.chunkstore.loki.chunkenc;

import java.io.IOException;
import java.io.InputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The LZ4 frame format (lz4_Frame_format.md v1.6) around lz4-java's block compressor, decompressor
 * and xxHash32. lz4-java's own frame streams allocate two buffers of the frame's maximum block size
 * (up to 4 MiB each for Loki's "lz4" codec) for every stream, i.e. for every Loki block; these size
 * their buffers to the data instead. Reading accepts what Loki's writers produce and more:
 * independent blocks, stored ("uncompressed") blocks, block and content checksums, a content size,
 * skippable frames and concatenated frames; dependent blocks and dictionaries are refused, as
 * lz4-java refuses them.
 */
final class Lz4Frames {
    static final int MAGIC = 0x184D2204;
    private static final int SKIPPABLE_MASK = 0xFFFFFFF0;
    private static final int SKIPPABLE = 0x184D2A50;

    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
    private static final XXHashFactory XXHASH = XXHashFactory.fastestInstance();

    private Lz4Frames() {}

    /** The BD byte's block-size code (4..7) for a maximum block size. */
    static int blockSizeCode(int maxBlockSize) {
        return switch (maxBlockSize) {
            case 64 * 1024 -> 4;
            case 256 * 1024 -> 5;
            case 1024 * 1024 -> 6;
            case 4 * 1024 * 1024 -> 7;
            default -> throw new IllegalArgumentException("no LZ4 block size " + maxBlockSize);
        };
    }

    /**
     * One frame holding {@code raw[off, off+len)}: FLG 0x60 (version 1, independent blocks, no
     * checksums, no content size), BD for {@code maxBlockSize}, blocks that do not shrink stored
     * uncompressed, and the end mark.
     */
    static byte[] compress(byte[] raw, int off, int len, int maxBlockSize) {
        LZ4Compressor compressor = LZ4.fastCompressor();
        int blocks = Math.max(1, (len + maxBlockSize - 1) / maxBlockSize);
        ByteSink out =
                new ByteSink(
                        7
                                + 4
                                + compressor.maxCompressedLength(Math.min(len, maxBlockSize))
                                + blocks * 4);
        putLE32(out, MAGIC);
        byte flg = 0x60;
        byte bd = (byte) (blockSizeCode(maxBlockSize) << 4);
        out.write(flg);
        out.write(bd);
        out.write(headerChecksum(new byte[] {flg, bd}, 0, 2));
        byte[] scratch = new byte[compressor.maxCompressedLength(Math.min(len, maxBlockSize))];
        for (int p = off; p < off + len; p += maxBlockSize) {
            int n = Math.min(maxBlockSize, off + len - p);
            int c = compressor.compress(raw, p, n, scratch, 0, scratch.length);
            if (c < n) {
                putLE32(out, c);
                out.write(scratch, 0, c);
            } else {
                putLE32(out, n | 0x80000000);
                out.write(raw, p, n);
            }
        }
        putLE32(out, 0);
        return out.toByteArray();
    }

    private static int headerChecksum(byte[] b, int off, int len) {
        XXHash32 h = XXHASH.hash32();
        return (h.hash(b, off, len, 0) >>> 8) & 0xFF;
    }

    private static void putLE32(ByteSink out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    /**
     * The decoded length of an LZ4 block (the block format: sequences of a token, literal-length
     * bytes, literals, a 2-byte offset and match-length bytes; the last sequence has literals
     * only), or -1 when the headers run past the block's end. Matches are not followed, so this is
     * cheap and trusts nothing.
     */
    static int decodedLength(byte[] b, int len) {
        long total = 0;
        int p = 0;
        while (p < len) {
            int token = b[p++] & 0xFF;
            long lit = token >>> 4;
            if (lit == 15) {
                int x;
                do {
                    if (p >= len) {
                        return -1;
                    }
                    x = b[p++] & 0xFF;
                    lit += x;
                } while (x == 255);
            }
            if (lit > len - p) {
                return -1;
            }
            p += (int) lit;
            total += lit;
            if (p == len) {
                return total > Integer.MAX_VALUE ? -1 : (int) total;
            }
            if (len - p < 2) {
                return -1;
            }
            p += 2;
            long match = token & 0x0F;
            if (match == 15) {
                int x;
                do {
                    if (p >= len) {
                        return -1;
                    }
                    x = b[p++] & 0xFF;
                    match += x;
                } while (x == 255);
            }
            total += match + 4;
        }
        return len == 0 ? 0 : -1;
    }

    /** Decompresses a sequence of LZ4 frames from {@code in}. */
    static final class Reader extends InputStream {
        private final InputStream in;
        private final LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();
        private final byte[] small = new byte[15];
        private byte[] compressed = new byte[0];
        private byte[] out = new byte[0];
        private int outPos;
        private int outLim;
        private boolean inFrame;
        private boolean blockChecksum;
        private boolean contentChecksum;
        private int maxBlockSize;
        private StreamingXXHash32 contentHash;
        private boolean done;

        Reader(InputStream in) throws IOException {
            this.in = in;
            if (!startFrame(true)) {
                throw new IOException("LZ4 stream is empty: no frame header");
            }
        }

        private void readFully(byte[] b, int off, int len, String what) throws IOException {
            int got = in.readNBytes(b, off, len);
            if (got < len) {
                throw new IOException("LZ4 stream ends inside " + what);
            }
        }

        private int readLE32(String what) throws IOException {
            readFully(small, 0, 4, what);
            return (small[0] & 0xFF)
                    | (small[1] & 0xFF) << 8
                    | (small[2] & 0xFF) << 16
                    | (small[3] & 0xFF) << 24;
        }

        /**
         * Reads the next frame's header; false at a clean end of input (allowed after the first
         * frame).
         */
        private boolean startFrame(boolean first) throws IOException {
            while (true) {
                int got = in.readNBytes(small, 0, 4);
                if (got == 0 && !first) {
                    return false;
                }
                if (got < 4) {
                    throw new IOException("LZ4 stream ends inside a frame magic number");
                }
                int magic =
                        (small[0] & 0xFF)
                                | (small[1] & 0xFF) << 8
                                | (small[2] & 0xFF) << 16
                                | (small[3] & 0xFF) << 24;
                if ((magic & SKIPPABLE_MASK) == SKIPPABLE) {
                    long skip = readLE32("a skippable frame size") & 0xFFFFFFFFL;
                    in.skipNBytes(skip);
                    continue;
                }
                if (magic != MAGIC) {
                    throw new IOException(String.format("not an LZ4 frame: magic %08x", magic));
                }
                readFully(small, 0, 2, "a frame descriptor");
                int flg = small[0] & 0xFF;
                int bd = small[1] & 0xFF;
                if ((flg >>> 6) != 1) {
                    throw new IOException("LZ4 frame version " + (flg >>> 6) + " is not 1");
                }
                if ((flg & 0x02) != 0 || (bd & 0x8F) != 0) {
                    throw new IOException(
                            String.format(
                                    "LZ4 frame descriptor has reserved bits set (FLG %02x, BD %02x)",
                                    flg, bd));
                }
                if ((flg & 0x20) == 0) {
                    throw new IOException("LZ4 frames with dependent blocks are not supported");
                }
                if ((flg & 0x01) != 0) {
                    throw new IOException("LZ4 frames with a dictionary are not supported");
                }
                int code = bd >>> 4;
                if (code < 4) {
                    throw new IOException("LZ4 frame block size code " + code + " is invalid");
                }
                maxBlockSize = 1 << (8 + 2 * code);
                blockChecksum = (flg & 0x10) != 0;
                contentChecksum = (flg & 0x04) != 0;
                int descLen = 2 + ((flg & 0x08) != 0 ? 8 : 0);
                readFully(small, 2, descLen - 2 + 1, "a frame descriptor");
                if ((small[descLen] & 0xFF) != headerChecksum(small, 0, descLen)) {
                    throw new IOException("LZ4 frame header checksum mismatch");
                }
                contentHash = contentChecksum ? XXHASH.newStreamingHash32(0) : null;
                inFrame = true;
                return true;
            }
        }

        /** Decodes the next block into {@code out}; false at the end of input. */
        private boolean nextBlock() throws IOException {
            while (true) {
                if (!inFrame) {
                    if (!startFrame(false)) {
                        return false;
                    }
                }
                int size = readLE32("a block size");
                if (size == 0) {
                    if (contentChecksum) {
                        int want = readLE32("the content checksum");
                        if (want != contentHash.getValue()) {
                            throw new IOException("LZ4 frame content checksum mismatch");
                        }
                        contentHash.close();
                        contentHash = null;
                    }
                    inFrame = false;
                    continue;
                }
                boolean stored = size < 0;
                int len = size & 0x7FFFFFFF;
                if (len > maxBlockSize) {
                    throw new IOException(
                            "LZ4 block of "
                                    + len
                                    + " bytes exceeds the frame's maximum "
                                    + maxBlockSize);
                }
                if (compressed.length < len) {
                    compressed =
                            new byte[Math.max(len, Math.min(maxBlockSize, compressed.length * 2))];
                }
                readFully(compressed, 0, len, "a block");
                if (blockChecksum) {
                    int want = readLE32("a block checksum");
                    if (want != XXHASH.hash32().hash(compressed, 0, len, 0)) {
                        throw new IOException("LZ4 block checksum mismatch");
                    }
                }
                if (stored) {
                    ensureOut(len);
                    System.arraycopy(compressed, 0, out, 0, len);
                    outLim = len;
                } else {
                    outLim = decompress(len);
                }
                outPos = 0;
                if (contentHash != null) {
                    contentHash.update(out, 0, outLim);
                }
                if (outLim > 0) {
                    return true;
                }
            }
        }

        private void ensureOut(int n) {
            if (out.length < n) {
                out = new byte[n];
            }
        }

        /**
         * Decompresses one block into a destination of exactly its decoded size, found by walking
         * the block's sequence headers (no copying); lz4-java's safe decompressor then checks every
         * bound.
         */
        private int decompress(int len) throws IOException {
            int size = decodedLength(compressed, len);
            if (size < 0 || size > maxBlockSize) {
                throw new IOException(
                        "malformed LZ4 block: its sequences "
                                + (size < 0
                                        ? "run past its " + len + " bytes"
                                        : "decode to "
                                                + size
                                                + " bytes, more than the frame's maximum "
                                                + maxBlockSize));
            }
            ensureOut(size);
            try {
                int n = decompressor.decompress(compressed, 0, len, out, 0, size);
                if (n != size) {
                    throw new IOException(
                            "malformed LZ4 block: decoded " + n + " bytes, expected " + size);
                }
                return n;
            } catch (LZ4Exception e) {
                throw new IOException("malformed LZ4 block: " + e.getMessage(), e);
            }
        }

        /** Makes decoded bytes available; false at the end of input. */
        private boolean fillOut() throws IOException {
            if (outPos < outLim) {
                return true;
            }
            if (done) {
                return false;
            }
            done = !nextBlock();
            return !done;
        }

        @Override
        public int read() throws IOException {
            return fillOut() ? out[outPos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fillOut()) {
                return -1;
            }
            int n = Math.min(len, outLim - outPos);
            System.arraycopy(out, outPos, b, off, n);
            outPos += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            if (contentHash != null) {
                contentHash.close();
                contentHash = null;
            }
            in.close();
        }
    }
}
