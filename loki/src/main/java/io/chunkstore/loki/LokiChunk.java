package io.chunkstore.loki;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.ChunkEncoding;
import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.core.chunk.MetadataStyle;
import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.chunkenc.ChunkFormat;
import io.chunkstore.loki.chunkenc.Codec;
import io.chunkstore.loki.chunkenc.MemChunk;
import io.chunkstore.loki.chunkenc.MemChunkWriter;
import io.chunkstore.loki.chunkenc.ReadOptions;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidRequestException;
import java.util.Objects;

/**
 * A whole stored Loki chunk: the Cortex envelope (checked against its external key by core's {@link
 * ChunkCodec}) and the MemChunk inside it. {@link #open} reads one as a store holds it; {@link
 * #encode} writes one as Loki's ingester flushes it.
 */
public final class LokiChunk {
    /** The metric name Loki adds to every stored stream's labels at flush. */
    public static final String METRIC_NAME_VALUE = "logs";

    private final Chunk chunk;
    private final MemChunk memChunk;

    private LokiChunk(Chunk chunk, MemChunk memChunk) {
        this.chunk = chunk;
        this.memChunk = memChunk;
    }

    /** {@link #open(ChunkRef, byte[], ReadOptions)} for a key read from an index or a listing. */
    public static LokiChunk open(
            String userId, String externalKey, byte[] stored, ReadOptions options) {
        return open(ChunkRef.parse(userId, externalKey), stored, options, externalKey);
    }

    /**
     * {@link #open(ChunkRef, byte[], ReadOptions)} for a chunk as a {@link
     * io.chunkstore.spi.ChunkClient} returns it.
     */
    public static LokiChunk open(String userId, EncodedChunk stored, ReadOptions options) {
        return open(userId, stored.key(), stored.encoded(), options);
    }

    /**
     * Opens stored chunk bytes fetched under {@code ref}: the envelope's checksum, metadata and
     * lengths are checked against the reference (Cortex's {@code Chunk.Decode}), the encoding must
     * be a Loki log chunk (128 or 129), and the MemChunk is decoded (header, metas and block
     * checksums; blocks are decompressed only when iterated).
     *
     * @param options how to read the MemChunk; a null chunk name (or null options) names the chunk
     *     by its key
     * @throws InvalidChunkException for an envelope that does not match its key or is not a log
     *     chunk, and {@link io.chunkstore.loki.chunkenc.LokiChunkException} for a bad MemChunk
     */
    public static LokiChunk open(ChunkRef ref, byte[] stored, ReadOptions options) {
        return open(ref, stored, options, ref.externalKey());
    }

    private static LokiChunk open(ChunkRef ref, byte[] stored, ReadOptions options, String key) {
        return of(ChunkCodec.decode(ref, stored), options, key);
    }

    /** Opens chunk bytes without a key to check them against (inspection, re-keying). */
    public static LokiChunk openUnverified(byte[] stored, ReadOptions options) {
        Chunk c = ChunkCodec.decodeUnverified(stored);
        return of(c, options, c.externalKey());
    }

    /**
     * Opens a chunk whose envelope was already decoded and checked against its key (by the series
     * store's fetch): checks that it is a Loki log chunk and decodes the MemChunk.
     *
     * @param externalKey the key it was fetched under, which names it in errors (when {@code
     *     options} has no name)
     */
    public static LokiChunk of(Chunk chunk, String externalKey, ReadOptions options) {
        return of(chunk, options, externalKey);
    }

    private static LokiChunk of(Chunk chunk, ReadOptions options, String key) {
        if (!chunk.encoding().isLogs()) {
            throw new InvalidChunkException(
                    InvalidChunkException.Reason.UNKNOWN_ENCODING,
                    key,
                    "encoding "
                            + chunk.encoding()
                            + " holds Prometheus samples, not a Loki log chunk (128 or 129)");
        }
        ReadOptions o =
                options == null
                        ? ReadOptions.named(key)
                        : options.chunkName() == null ? options.withChunkName(key) : options;
        return new LokiChunk(chunk, MemChunk.decode(chunk.data(), 0, chunk.data().length, o));
    }

    /**
     * The envelope: tenant, fingerprint, from/through (ms), labels, encoding, checksum, and the
     * MemChunk bytes.
     */
    public Chunk chunk() {
        return chunk;
    }

    public MemChunk memChunk() {
        return memChunk;
    }

    public ChunkRef ref() {
        return chunk.ref();
    }

    /** The stored labels, with {@code __name__="logs"}. */
    public Labels labels() {
        return chunk.labels();
    }

    /**
     * The stream's labels as Loki 2.x+ queries return them: the stored labels without {@code
     * __name__}.
     */
    public Labels streamLabels() {
        return chunk.labels().without(Labels.METRIC_NAME);
    }

    /**
     * The entries with {@code fromNs <= ts < throughNs}; see {@link MemChunk#iterator(long, long,
     * Direction)}.
     */
    public EntryIterator iterator(long fromNs, long throughNs, Direction direction) {
        return memChunk.iterator(fromNs, throughNs, direction);
    }

    /**
     * Encodes entries as a stored Loki chunk, as Loki's ingester flushes one; see {@link
     * #encode(String, Labels, long, byte[], MetadataStyle)}.
     *
     * @param streamLabels the stream's labels, with or without {@code __name__}
     * @param entries in non-decreasing time order, at least one
     */
    public static ChunkCodec.Encoded encode(
            String userId,
            Labels streamLabels,
            ChunkFormat format,
            Codec codec,
            int blockSize,
            Iterable<LogEntry> entries) {
        return encode(
                userId,
                streamLabels,
                LokiFingerprint.of(streamLabels),
                MemChunkWriter.encode(format, codec, blockSize, entries),
                null);
    }

    /**
     * Wraps MemChunk bytes in the envelope as Loki's flush does: the labels plus {@code
     * __name__="logs"}, encoding 129 ({@code LogChunk}), {@code from} = the first entry's time in
     * ms rounded down and {@code through} = the last entry's rounded up (Loki's {@code
     * util.RoundToMilliseconds}), the checksum of the result.
     *
     * @param fingerprint the stream's fingerprint, normally {@link LokiFingerprint#of(Labels)}
     * @param memChunk MemChunk bytes with at least one entry (Loki never flushes an empty chunk)
     * @param style the metadata JSON style, or null for {@link ChunkCodec#encode(Chunk)}'s default
     * @throws InvalidRequestException for a MemChunk without entries or a {@code __name__} other
     *     than "logs"
     */
    public static ChunkCodec.Encoded encode(
            String userId,
            Labels streamLabels,
            long fingerprint,
            byte[] memChunk,
            MetadataStyle style) {
        Objects.requireNonNull(streamLabels, "streamLabels");
        String name = streamLabels.metricName();
        if (!name.isEmpty() && !name.equals(METRIC_NAME_VALUE)) {
            throw new InvalidRequestException(
                    "Loki stores every stream as __name__=\"logs\", not \"" + name + "\"");
        }
        MemChunk mc = MemChunk.decode(memChunk);
        if (mc.entryCount() == 0) {
            throw new InvalidRequestException("a stored Loki chunk needs at least one entry");
        }
        Chunk chunk =
                Chunk.of(
                        userId,
                        fingerprint,
                        streamLabels.with(Labels.METRIC_NAME, METRIC_NAME_VALUE),
                        fromMillis(mc.minTime()),
                        throughMillis(mc.maxTime()),
                        ChunkEncoding.LOG,
                        memChunk);
        return style == null ? ChunkCodec.encode(chunk) : ChunkCodec.encode(chunk, style);
    }

    /** A chunk's {@code from}: ns to ms, truncated as Go's integer division does. */
    public static long fromMillis(long firstNs) {
        return firstNs / 1_000_000L;
    }

    /** A chunk's {@code through}: ns to ms, plus one when there is a sub-millisecond remainder. */
    public static long throughMillis(long lastNs) {
        return lastNs / 1_000_000L + (lastNs % 1_000_000L != 0 ? 1 : 0);
    }

    @Override
    public String toString() {
        return "LokiChunk{" + chunk.externalKey() + ", " + streamLabels() + ", " + memChunk + "}";
    }
}
