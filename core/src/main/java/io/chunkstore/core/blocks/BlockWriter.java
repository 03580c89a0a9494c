package io.chunkstore.core.blocks;

import io.chunkstore.core.chunk.SampleIterator;
import io.chunkstore.core.chunk.XorChunk;
import io.chunkstore.core.model.Labels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds one Prometheus TSDB block in a local directory, series by series: each series' samples
 * are cut into XOR chunks of at most {@value #SAMPLES_PER_CHUNK} samples (Prometheus' head cuts at
 * 120, prometheus/prometheus {@code tsdb/head_append.go}), which go to the chunk segments at once;
 * only the series' labels, chunk metas and digest stay in memory until {@link #finish} sorts them
 * and writes the {@code index} and {@code meta.json}.
 *
 * <p>No {@code tombstones} file is written: Prometheus reads a missing one as no tombstones
 * ({@code tombstones.ReadTombstones} in prometheus/prometheus {@code tsdb/tombstones/tombstones.go})
 * and Thanos does not upload it.
 */
public final class BlockWriter implements AutoCloseable {
    /** Samples per XOR chunk, as Prometheus' head writes them. */
    public static final int SAMPLES_PER_CHUNK = 120;

    /** One written series with what --verify compares. */
    public record WrittenSeries(Labels labels, long samples, int checksum) {}

    private record Entry(Labels labels, List<ChunkMeta> chunks, long samples, int checksum) {}

    private final Path dir;
    private final String ulid;
    private final ChunkSegmentWriter segments;
    private final List<Entry> series = new ArrayList<>();
    private final Set<Labels> seen = new HashSet<>();
    private long minTime = Long.MAX_VALUE;
    private long maxTime = Long.MIN_VALUE;
    private long numSamples;
    private long numChunks;

    /**
     * A writer of block {@code ulid} in {@code dir} (created; its {@code chunks/} subdirectory holds
     * the segments).
     *
     * @param segmentSize largest chunk segment file, bytes (Prometheus: 512 MiB)
     */
    public BlockWriter(Path dir, String ulid, long segmentSize) {
        if (!Ulid.isUlid(ulid)) {
            throw new IllegalArgumentException("block id is not a ULID: " + ulid);
        }
        this.dir = dir;
        this.ulid = ulid;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create block directory " + dir + ": " + e, e);
        }
        this.segments =
                new ChunkSegmentWriter(dir.resolve("chunks"), segmentSize);
    }

    /** A writer with Prometheus' segment size. */
    public BlockWriter(Path dir, String ulid) {
        this(dir, ulid, ChunkSegmentWriter.DEFAULT_SEGMENT_SIZE);
    }

    /** The block's id. */
    public String ulid() {
        return ulid;
    }

    /**
     * Writes one series' samples (in strictly increasing time order, raw value bits kept). A
     * series without samples is left out of the block.
     *
     * @return the series with its sample count and checksum
     * @throws IllegalArgumentException when the series was added before or times do not increase
     * @throws io.chunkstore.spi.InvalidChunkException from the iterator, when a source chunk does
     *     not decode (the chunks written so far for this series are then unreferenced)
     */
    public WrittenSeries addSeries(Labels labels, SampleIterator samples) {
        if (!seen.add(labels)) {
            throw new IllegalArgumentException("series added twice: " + labels);
        }
        SeriesDigest digest = new SeriesDigest();
        List<ChunkMeta> metas = new ArrayList<>();
        XorChunk.Appender app = null;
        long first = 0;
        long last = Long.MIN_VALUE;
        while (samples.next()) {
            long t = samples.timestamp();
            long bits = samples.valueBits();
            if (digest.count() > 0 && t <= last) {
                throw new IllegalArgumentException(
                        "sample times of " + labels + " must increase: " + t + " after " + last);
            }
            if (app == null) {
                app = new XorChunk.Appender();
                first = t;
            }
            app.append(t, Double.longBitsToDouble(bits));
            digest.add(t, bits);
            last = t;
            if (app.count() == SAMPLES_PER_CHUNK) {
                metas.add(new ChunkMeta(first, last, segments.write(app.toByteArray(), app.length())));
                app = null;
            }
        }
        if (app != null) {
            metas.add(new ChunkMeta(first, last, segments.write(app.toByteArray(), app.length())));
        }
        if (!metas.isEmpty()) {
            series.add(new Entry(labels, metas, digest.count(), digest.checksum()));
            minTime = Math.min(minTime, metas.get(0).minTime());
            maxTime = Math.max(maxTime, last);
            numSamples += digest.count();
            numChunks += metas.size();
        }
        return new WrittenSeries(labels, digest.count(), digest.checksum());
    }

    /** Series with samples written so far. */
    public int seriesCount() {
        return series.size();
    }

    /**
     * Sorts the series, writes the index and meta.json, and returns the block's meta and series
     * (in index order), or null when no series had samples (then nothing is left in the
     * directory's index or meta).
     */
    public Result finish(Map<String, String> externalLabels, String source) {
        segments.close();
        if (series.isEmpty()) {
            return null;
        }
        series.sort((a, b) -> Labels.ORDER.compare(a.labels(), b.labels()));
        List<IndexWriter.Series> idx = new ArrayList<>(series.size());
        List<WrittenSeries> written = new ArrayList<>(series.size());
        for (Entry e : series) {
            idx.add(new IndexWriter.Series(e.labels(), e.chunks()));
            written.add(new WrittenSeries(e.labels(), e.samples(), e.checksum()));
        }
        List<String> segmentNames = new ArrayList<>();
        segments.files().forEach(f -> segmentNames.add(f.getFileName().toString()));
        BlockMeta meta =
                new BlockMeta(
                        ulid,
                        minTime,
                        maxTime + 1,
                        numSamples,
                        series.size(),
                        numChunks,
                        externalLabels,
                        source,
                        segmentNames);
        try {
            IndexWriter.write(dir.resolve("index"), idx);
            Files.write(dir.resolve("meta.json"), meta.toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write block " + dir + ": " + e, e);
        }
        return new Result(meta, written);
    }

    /**
     * A finished block.
     *
     * @param meta its meta.json
     * @param series its series in index order with sample counts and checksums
     */
    public record Result(BlockMeta meta, List<WrittenSeries> series) {
        public Result {
            series = List.copyOf(series);
        }
    }

    @Override
    public void close() {
        segments.close();
    }
}
