package io.chunkstore.core.chunk;

import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidChunkException.Reason;
import java.util.List;

/**
 * The sample payloads of Prometheus chunks by encoding: Bigchunk (3) and PrometheusXorChunk (4)
 * encode and decode; the Prometheus 1.x payloads older Cortex ingesters wrote, DoubleDelta (1, and
 * Delta 0, which Cortex reads as DoubleDelta) and Varbit (2), decode. Every decoder is a {@link
 * SampleIterator}.
 */
public final class SampleData {
    private SampleData() {}

    /**
     * The payload of these samples in {@code encoding}.
     *
     * @throws IllegalArgumentException for encodings without a sample encoder, or more samples than
     *     one XOR chunk holds
     */
    public static byte[] encode(ChunkEncoding encoding, List<Sample> samples) {
        return switch (encoding) {
            case BIGCHUNK -> Bigchunk.encode(samples);
            case PROMETHEUS_XOR -> {
                if (samples.size() > XorChunk.MAX_SAMPLES) {
                    throw new IllegalArgumentException(
                            "a PrometheusXorChunk holds at most "
                                    + XorChunk.MAX_SAMPLES
                                    + " samples, not "
                                    + samples.size());
                }
                yield XorChunk.encode(samples);
            }
            default ->
                    throw new IllegalArgumentException(
                            "cannot encode samples as "
                                    + encoding
                                    + "; use Bigchunk or PrometheusXorChunk");
        };
    }

    /**
     * The samples of a payload.
     *
     * @param key the chunk's external key, for error messages (may be null)
     * @throws InvalidChunkException CORRUPT when the payload does not decode; UNKNOWN_ENCODING for
     *     Loki log chunks (not samples)
     */
    public static List<Sample> decode(ChunkEncoding encoding, byte[] data, String key) {
        return iterator(encoding, data, key).remaining();
    }

    /**
     * The samples of a payload, one at a time.
     *
     * @param key the chunk's external key, for error messages (may be null)
     * @throws InvalidChunkException CORRUPT (now, or from {@link SampleIterator#next()}) when the
     *     payload does not decode; UNKNOWN_ENCODING for Loki log chunks (not samples)
     */
    public static SampleIterator iterator(ChunkEncoding encoding, byte[] data, String key) {
        return switch (encoding) {
            case DELTA, DOUBLE_DELTA -> DoubleDeltaChunk.iterator(data, key);
            case VARBIT -> VarbitChunk.iterator(data, key);
            case BIGCHUNK -> Bigchunk.iterator(data, key);
            case PROMETHEUS_XOR -> XorChunk.iterator(data, 0, data.length, key);
            case GZIP_LOG, LOG ->
                    throw new InvalidChunkException(
                            Reason.UNKNOWN_ENCODING,
                            key,
                            encoding
                                    + " is a Loki log chunk, not samples; decode its data with the loki module");
        };
    }

    /**
     * The structural check a decoder makes before keeping a payload (Cortex unmarshals the data
     * when it decodes a chunk): Bigchunk sub-chunk framing, an XOR header. Other encodings are
     * checked when their samples are read.
     *
     * @throws InvalidChunkException CORRUPT
     */
    static void validate(ChunkEncoding encoding, byte[] data, String key) {
        switch (encoding) {
            case BIGCHUNK -> Bigchunk.validate(data, key);
            case PROMETHEUS_XOR -> XorChunk.sampleCount(data, 0, data.length, key);
            default -> {}
        }
    }
}
