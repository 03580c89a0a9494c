package io.chunkstore.core.chunk;

import io.chunkstore.spi.InvalidChunkException;
import java.util.ArrayList;
import java.util.List;

/**
 * The samples of one chunk payload in stored order, decoded one at a time: what every reader of
 * samples uses (query, inspect, migrate's verify, and later remote read and block conversion),
 * whatever the encoding. Obtain one from {@link Chunk#sampleIterator()} or {@link
 * SampleData#iterator}.
 *
 * <p>Values are kept as raw IEEE-754 bits from the payload to {@link #valueBits()}: no arithmetic
 * touches a value the encoding stored as bits, so NaN payloads such as Prometheus' stale marker
 * ({@code 0x7ff0000000000002}) come out exactly as they went in.
 */
public interface SampleIterator {
    /**
     * Moves to the next sample.
     *
     * @return false when the payload holds no more samples
     * @throws InvalidChunkException CORRUPT, naming the chunk, when the payload does not decode;
     *     the iterator is then finished
     */
    boolean next();

    /** The current sample's time, ms. Only valid after {@link #next()} returned true. */
    long timestamp();

    /** The current sample's value as raw IEEE-754 bits. */
    long valueBits();

    /** The current sample's value. */
    default double value() {
        return Double.longBitsToDouble(valueBits());
    }

    /** The current sample. */
    default Sample sample() {
        return new Sample(timestamp(), value());
    }

    /**
     * The samples not read yet, in order; the iterator is then finished.
     *
     * @throws InvalidChunkException as {@link #next()}
     */
    default List<Sample> remaining() {
        List<Sample> out = new ArrayList<>();
        while (next()) {
            out.add(sample());
        }
        return out;
    }
}
