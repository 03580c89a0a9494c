package io.chunkstore.core.read;

import io.chunkstore.core.chunk.SampleIterator;
import io.chunkstore.core.chunk.XorChunk;

/**
 * Cuts one series' samples into Prometheus XOR chunks of at most {@link #maxSamples} samples each
 * (Prometheus' TSDB head cuts at 120: {@code samplesPerChunk} in prometheus/prometheus {@code
 * tsdb/head_append.go}), in time order. Values go in as raw bits, so stale markers stay bit for
 * bit.
 */
public final class XorChunkCutter {
    /** What Prometheus' head writes into one chunk. */
    public static final int DEFAULT_SAMPLES_PER_CHUNK = 120;

    /** Receives each finished chunk. */
    @FunctionalInterface
    public interface ChunkSink {
        /**
         * One chunk.
         *
         * @param minTime its first sample's time, ms
         * @param maxTime its last sample's time, ms
         * @param samples how many samples it holds
         * @param data the XOR chunk's bytes
         */
        void accept(long minTime, long maxTime, int samples, byte[] data);
    }

    private final int maxSamples;

    /**
     * @param maxSamples samples per chunk, 1 to {@link XorChunk#MAX_SAMPLES}
     */
    public XorChunkCutter(int maxSamples) {
        if (maxSamples < 1 || maxSamples > XorChunk.MAX_SAMPLES) {
            throw new IllegalArgumentException(
                    "samples per XOR chunk must be 1.." + XorChunk.MAX_SAMPLES + ": " + maxSamples);
        }
        this.maxSamples = maxSamples;
    }

    /**
     * Reads {@code samples} to the end and hands every chunk to {@code sink}.
     *
     * @return the number of samples read
     * @throws io.chunkstore.spi.InvalidChunkException from the iterator, naming a chunk that does
     *     not decode
     */
    public long cut(SampleIterator samples, ChunkSink sink) {
        long total = 0;
        XorChunk.Appender a = null;
        long min = 0;
        long max = 0;
        while (samples.next()) {
            if (a == null) {
                a = new XorChunk.Appender();
                min = samples.timestamp();
            }
            max = samples.timestamp();
            a.append(max, Double.longBitsToDouble(samples.valueBits()));
            total++;
            if (a.count() == maxSamples) {
                sink.accept(min, max, a.count(), a.toByteArray());
                a = null;
            }
        }
        if (a != null) {
            sink.accept(min, max, a.count(), a.toByteArray());
        }
        return total;
    }
}
