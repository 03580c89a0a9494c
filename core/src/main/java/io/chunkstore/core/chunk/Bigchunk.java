package io.chunkstore.core.chunk;

import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidChunkException.Reason;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Cortex's Bigchunk payload (encoding 3): a uint16 little-endian count of XOR sub-chunks, then each as a uint16
 * little-endian length and the {@link XorChunk} bytes. A new sub-chunk starts every {@value #SAMPLES_PER_CHUNK}
 * samples, as in Cortex.
 */
public final class Bigchunk {
    /** Samples per XOR sub-chunk (Cortex's {@code samplesPerChunk}). */
    public static final int SAMPLES_PER_CHUNK = 120;
    private static final int MAX_SUB_CHUNKS = 0xFFFF;

    private Bigchunk() {
    }

    /**
     * The Bigchunk payload of these samples.
     *
     * @throws InvalidChunkException TOO_LARGE beyond 65535 sub-chunks (7 864 200 samples)
     */
    public static byte[] encode(List<Sample> samples) {
        int subChunks = (samples.size() + SAMPLES_PER_CHUNK - 1) / SAMPLES_PER_CHUNK;
        if (subChunks > MAX_SUB_CHUNKS) {
            throw new InvalidChunkException(Reason.TOO_LARGE, null, samples.size()
                    + " samples need more than " + MAX_SUB_CHUNKS + " Bigchunk sub-chunks");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(2 + samples.size() * 4);
        out.write(subChunks);
        out.write(subChunks >>> 8);
        for (int i = 0; i < samples.size(); i += SAMPLES_PER_CHUNK) {
            byte[] xor = XorChunk.encode(samples.subList(i, Math.min(samples.size(), i + SAMPLES_PER_CHUNK)));
            out.write(xor.length);
            out.write(xor.length >>> 8);
            out.write(xor, 0, xor.length);
        }
        return out.toByteArray();
    }

    /**
     * Checks the sub-chunk framing (count and lengths within the payload) without decoding samples, as Cortex does
     * when it unmarshals a Bigchunk. Bytes after the last sub-chunk are ignored, as in Cortex.
     *
     * @return the number of sub-chunks
     * @throws InvalidChunkException CORRUPT naming the sub-chunk that does not fit
     */
    public static int validate(byte[] data, String key) {
        return walk(data, key, null);
    }

    /**
     * All samples, sub-chunk after sub-chunk.
     *
     * @throws InvalidChunkException CORRUPT when the framing or a sub-chunk does not decode
     */
    public static List<Sample> decode(byte[] data, String key) {
        List<Sample> out = new ArrayList<>();
        walk(data, key, out);
        return out;
    }

    private static int walk(byte[] data, String key, List<Sample> out) {
        if (data.length < 2) {
            throw new InvalidChunkException(Reason.CORRUPT, key,
                    "Bigchunk payload of " + data.length + " bytes has no sub-chunk count");
        }
        int n = u16le(data, 0);
        int pos = 2;
        for (int i = 0; i < n; i++) {
            if (data.length - pos < 2) {
                throw new InvalidChunkException(Reason.CORRUPT, key,
                        "Bigchunk payload ends before the length of sub-chunk " + i + " of " + n);
            }
            int len = u16le(data, pos);
            pos += 2;
            if (len > data.length - pos) {
                throw new InvalidChunkException(Reason.CORRUPT, key, "Bigchunk sub-chunk " + i + " of " + n
                        + " claims " + len + " bytes, only " + (data.length - pos) + " remain");
            }
            if (out != null) {
                XorChunk.decodeInto(data, pos, len, key, out);
            } else if (len < 2) {
                throw new InvalidChunkException(Reason.CORRUPT, key,
                        "Bigchunk sub-chunk " + i + " of " + n + " has no XOR header");
            }
            pos += len;
        }
        return n;
    }

    private static int u16le(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }
}
