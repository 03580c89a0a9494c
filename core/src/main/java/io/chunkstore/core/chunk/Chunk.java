package io.chunkstore.core.chunk;

import io.chunkstore.core.model.Labels;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A chunk (Cortex's pkg/chunk/chunk.go): one series' data over a time range, with the metadata its
 * envelope carries. {@code data} is the encoding-specific payload (Prometheus samples in any Cortex
 * encoding, or a Loki MemChunk), decoded only on demand ({@link #sampleIterator()}); it is shared,
 * not copied, so treat it as read-only. The checksum is not part of the stored bytes: it comes from
 * the external key, or from {@link ChunkCodec#encode} for a new chunk.
 *
 * @param userId the tenant (no '/')
 * @param fingerprint the series fingerprint, an unsigned 64-bit number
 * @param from first sample time, ms
 * @param through last sample time, ms
 * @param labels the series' labels, including {@code __name__}
 * @param encoding what {@code data} holds
 * @param data the payload
 * @param checksum CRC-32C of the encoded chunk, when {@code checksumSet}
 * @param checksumSet false for a chunk not encoded yet and for legacy (pre-checksum) chunks
 */
public record Chunk(
        String userId,
        long fingerprint,
        long from,
        long through,
        Labels labels,
        ChunkEncoding encoding,
        byte[] data,
        int checksum,
        boolean checksumSet) {
    public Chunk {
        ChunkRef.checkTenant(userId);
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(data, "data");
        if (!checksumSet) {
            checksum = 0;
        }
    }

    /** A chunk not encoded yet (no checksum) around an already encoded payload. */
    public static Chunk of(
            String userId,
            long fingerprint,
            Labels labels,
            long from,
            long through,
            ChunkEncoding encoding,
            byte[] data) {
        return new Chunk(userId, fingerprint, from, through, labels, encoding, data, 0, false);
    }

    /**
     * A Bigchunk chunk of these samples, as Cortex's test helpers build one: fingerprint {@link
     * Fingerprints#fingerprint(Labels)}, from/through the first and last sample time.
     *
     * @throws IllegalArgumentException when there are no samples or their times go backwards
     */
    public static Chunk fromSamples(String userId, Labels labels, List<Sample> samples) {
        return fromSamples(
                userId, Fingerprints.fingerprint(labels), labels, ChunkEncoding.BIGCHUNK, samples);
    }

    /**
     * A chunk of these samples in {@code encoding} (Bigchunk or PrometheusXorChunk), from/through
     * the first and last sample time.
     *
     * @throws IllegalArgumentException when there are no samples, their times go backwards, or the
     *     encoding has no sample encoder
     */
    public static Chunk fromSamples(
            String userId,
            long fingerprint,
            Labels labels,
            ChunkEncoding encoding,
            List<Sample> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a chunk needs at least one sample");
        }
        for (int i = 1; i < samples.size(); i++) {
            if (samples.get(i).timestamp() < samples.get(i - 1).timestamp()) {
                throw new IllegalArgumentException(
                        "sample times must not go backwards: "
                                + samples.get(i).timestamp()
                                + " after "
                                + samples.get(i - 1).timestamp());
            }
        }
        return of(
                userId,
                fingerprint,
                labels,
                samples.get(0).timestamp(),
                samples.get(samples.size() - 1).timestamp(),
                encoding,
                SampleData.encode(encoding, samples));
    }

    /** The identity of this chunk. */
    public ChunkRef ref() {
        return new ChunkRef(userId, fingerprint, from, through, checksum, checksumSet);
    }

    /** {@link ChunkRef#externalKey()}: the current form, or the legacy one without checksum. */
    public String externalKey() {
        return ref().externalKey();
    }

    /** {@link ChunkRef#externalKey(KeyFormat)}. */
    public String externalKey(KeyFormat format) {
        return ref().externalKey(format);
    }

    /** This chunk with its checksum set. */
    public Chunk withChecksum(int newChecksum) {
        return new Chunk(
                userId, fingerprint, from, through, labels, encoding, data, newChecksum, true);
    }

    /**
     * The samples of a Prometheus chunk (any encoding but Loki's).
     *
     * @throws io.chunkstore.spi.InvalidChunkException CORRUPT, naming the chunk, when the payload
     *     does not decode; UNKNOWN_ENCODING for a Loki log chunk
     */
    public List<Sample> samples() {
        return SampleData.decode(encoding, data, externalKey());
    }

    /**
     * The samples of a Prometheus chunk one at a time, errors as {@link #samples()} (from the
     * iterator's {@code next()} when the payload turns out corrupt part way).
     */
    public SampleIterator sampleIterator() {
        return SampleData.iterator(encoding, data, externalKey());
    }

    /** The samples with {@code from <= timestamp <= through}. */
    public List<Sample> samples(long fromMs, long throughMs) {
        return samples().stream()
                .filter(s -> s.timestamp() >= fromMs && s.timestamp() <= throughMs)
                .toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Chunk c
                && userId.equals(c.userId)
                && fingerprint == c.fingerprint
                && from == c.from
                && through == c.through
                && labels.equals(c.labels)
                && encoding == c.encoding
                && Arrays.equals(data, c.data)
                && checksum == c.checksum
                && checksumSet == c.checksumSet;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                userId,
                fingerprint,
                from,
                through,
                labels,
                encoding,
                Arrays.hashCode(data),
                checksum,
                checksumSet);
    }

    @Override
    public String toString() {
        return "Chunk{"
                + externalKey()
                + ", "
                + labels
                + ", "
                + encoding
                + ", "
                + data.length
                + " data bytes}";
    }
}
