package io.chunkstore.core.chunk;

import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidChunkException.Reason;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Cortex's Bigchunk payload (encoding 3): a uint16 little-endian count of XOR sub-chunks, then each
 * as a uint16 little-endian length and the {@link XorChunk} bytes. A new sub-chunk starts every
 * {@value #SAMPLES_PER_CHUNK} samples, as in Cortex.
 */
public final class Bigchunk {
    /** Samples per XOR sub-chunk (Cortex's {@code samplesPerChunk}). */
    public static final int SAMPLES_PER_CHUNK = 120;

    private static final int MAX_SUB_CHUNKS = 0xFFFF;

    private Bigchunk() {}

    /**
     * The Bigchunk payload of these samples.
     *
     * @throws InvalidChunkException TOO_LARGE beyond 65535 sub-chunks (7 864 200 samples)
     */
    public static byte[] encode(List<Sample> samples) {
        int subChunks = (samples.size() + SAMPLES_PER_CHUNK - 1) / SAMPLES_PER_CHUNK;
        if (subChunks > MAX_SUB_CHUNKS) {
            throw new InvalidChunkException(
                    Reason.TOO_LARGE,
                    null,
                    samples.size()
                            + " samples need more than "
                            + MAX_SUB_CHUNKS
                            + " Bigchunk sub-chunks");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(2 + samples.size() * 4);
        out.write(subChunks);
        out.write(subChunks >>> 8);
        for (int i = 0; i < samples.size(); i += SAMPLES_PER_CHUNK) {
            byte[] xor =
                    XorChunk.encode(
                            samples.subList(i, Math.min(samples.size(), i + SAMPLES_PER_CHUNK)));
            out.write(xor.length);
            out.write(xor.length >>> 8);
            out.write(xor, 0, xor.length);
        }
        return out.toByteArray();
    }

    /**
     * Checks the sub-chunk framing (count and lengths within the payload) without decoding samples,
     * as Cortex does when it unmarshals a Bigchunk. Bytes after the last sub-chunk are ignored, as
     * in Cortex.
     *
     * @return the number of sub-chunks
     * @throws InvalidChunkException CORRUPT naming the sub-chunk that does not fit
     */
    public static int validate(byte[] data, String key) {
        SubChunks s = new SubChunks(data, key);
        while (s.next()) {
            if (s.len < 2) {
                throw new InvalidChunkException(
                        Reason.CORRUPT,
                        key,
                        "Bigchunk sub-chunk "
                                + (s.index - 1)
                                + " of "
                                + s.count
                                + " has no XOR header");
            }
        }
        return s.count;
    }

    /**
     * All samples, sub-chunk after sub-chunk.
     *
     * @throws InvalidChunkException CORRUPT when the framing or a sub-chunk does not decode
     */
    public static List<Sample> decode(byte[] data, String key) {
        return iterator(data, key).remaining();
    }

    /**
     * The samples sub-chunk after sub-chunk, one at a time.
     *
     * @throws InvalidChunkException CORRUPT (from {@link SampleIterator#next()}) when the framing
     *     or a sub-chunk does not decode
     */
    public static SampleIterator iterator(byte[] data, String key) {
        return new SampleIterator() {
            private SubChunks subChunks;
            private SampleIterator current;

            private boolean done;

            @Override
            public boolean next() {
                if (done) {
                    return false;
                }
                try {
                    if (subChunks == null) {
                        subChunks = new SubChunks(data, key);
                    }
                    while (current == null || !current.next()) {
                        if (!subChunks.next()) {
                            done = true;
                            return false;
                        }
                        current = XorChunk.iterator(data, subChunks.start, subChunks.len, key);
                    }
                    return true;
                } catch (InvalidChunkException e) {
                    done = true;
                    throw e;
                }
            }

            @Override
            public long timestamp() {
                return current.timestamp();
            }

            @Override
            public long valueBits() {
                return current.valueBits();
            }
        };
    }

    /**
     * Walks the sub-chunk framing: each {@link #next()} checks one sub-chunk's length and finds its
     * bytes.
     */
    private static final class SubChunks {
        private final byte[] data;
        private final String key;
        private final int count;
        private int index;
        private int pos = 2;
        private int start;
        private int len;

        SubChunks(byte[] data, String key) {
            if (data.length < 2) {
                throw new InvalidChunkException(
                        Reason.CORRUPT,
                        key,
                        "Bigchunk payload of " + data.length + " bytes has no sub-chunk count");
            }
            this.data = data;
            this.key = key;
            this.count = u16le(data, 0);
        }

        /**
         * Moves to the next sub-chunk, at {@code data[start, start+len)}; false after the last one.
         */
        boolean next() {
            if (index == count) {
                return false;
            }
            if (data.length - pos < 2) {
                throw new InvalidChunkException(
                        Reason.CORRUPT,
                        key,
                        "Bigchunk payload ends before the length of sub-chunk "
                                + index
                                + " of "
                                + count);
            }
            len = u16le(data, pos);
            pos += 2;
            if (len > data.length - pos) {
                throw new InvalidChunkException(
                        Reason.CORRUPT,
                        key,
                        "Bigchunk sub-chunk "
                                + index
                                + " of "
                                + count
                                + " claims "
                                + len
                                + " bytes, only "
                                + (data.length - pos)
                                + " remain");
            }
            start = pos;
            pos += len;
            index++;
            return true;
        }
    }

    private static int u16le(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }
}
