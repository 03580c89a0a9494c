package io.chunkstore.core.blocks;

import io.chunkstore.core.chunk.SampleIterator;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.read.XorChunkCutter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Builds one Prometheus TSDB block in a local directory, series by series: each series' samples are
 * cut into XOR chunks of at most {@value #SAMPLES_PER_CHUNK} samples (Prometheus' head cuts at 120,
 * prometheus/prometheus {@code tsdb/head_append.go}), which go to the chunk segments at once; only
 * the series' labels, chunk metas and digest stay, in memory up to a limit and beyond it in sorted
 * runs on disk ({@link SeriesRuns}), until {@link #finish} merges them into the {@code index} and
 * writes {@code meta.json}.
 *
 * <p>No {@code tombstones} file is written: Prometheus reads a missing one as no tombstones ({@code
 * tombstones.ReadTombstones} in prometheus/prometheus {@code tsdb/tombstones/tombstones.go}) and
 * Thanos does not upload it.
 */
public final class BlockWriter implements AutoCloseable {
    /** Samples per XOR chunk, as Prometheus' head writes them. */
    public static final int SAMPLES_PER_CHUNK = XorChunkCutter.DEFAULT_SAMPLES_PER_CHUNK;

    private static final XorChunkCutter CUTTER = new XorChunkCutter(SAMPLES_PER_CHUNK);

    /** One written series with what --verify compares. */
    public record WrittenSeries(Labels labels, long samples, int checksum) {}

    private final Path dir;
    private final String ulid;
    private final ChunkSegmentWriter segments;
    private final SeriesRuns series;
    private long minTime = Long.MAX_VALUE;
    private long maxTime = Long.MIN_VALUE;
    private long numSamples;
    private long numChunks;

    /** Series kept in memory before the sorted list spills to disk: {@value}. */
    public static final int DEFAULT_SPILL_SERIES = 100_000;

    /**
     * A writer of block {@code ulid} in {@code dir} (created; its {@code chunks/} subdirectory
     * holds the segments), spilling the series list every {@value #DEFAULT_SPILL_SERIES} series.
     *
     * @param segmentSize largest chunk segment file, bytes (Prometheus: 512 MiB)
     */
    public BlockWriter(Path dir, String ulid, long segmentSize) {
        this(dir, ulid, segmentSize, DEFAULT_SPILL_SERIES);
    }

    /**
     * A writer as above whose sorted series list spills to run files in {@code <dir>.series} every
     * {@code spillSeries} series (the index is then written from their merge).
     */
    public BlockWriter(Path dir, String ulid, long segmentSize, int spillSeries) {
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
        this.segments = new ChunkSegmentWriter(dir.resolve("chunks"), segmentSize);
        this.series =
                new SeriesRuns(dir.resolveSibling(dir.getFileName() + ".series"), spillSeries);
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
     * Writes one series' samples (in strictly increasing time order, raw value bits kept). A series
     * without samples is left out of the block.
     *
     * @return the series with its sample count and checksum
     * @throws IllegalArgumentException when times do not increase (a series added twice is refused
     *     by {@link #finish})
     * @throws io.chunkstore.spi.InvalidChunkException from the iterator, when a source chunk does
     *     not decode (the chunks written so far for this series are then unreferenced)
     */
    public WrittenSeries addSeries(Labels labels, SampleIterator samples) {
        SeriesDigest digest = new SeriesDigest();
        List<ChunkMeta> metas = new ArrayList<>();
        // Each sample is checked and digested on its way into core's XOR chunk cutter.
        SampleIterator checked =
                new SampleIterator() {
                    private long last = Long.MIN_VALUE;

                    @Override
                    public boolean next() {
                        if (!samples.next()) {
                            return false;
                        }
                        long t = samples.timestamp();
                        if (digest.count() > 0 && t <= last) {
                            throw new IllegalArgumentException(
                                    "sample times of "
                                            + labels
                                            + " must increase: "
                                            + t
                                            + " after "
                                            + last);
                        }
                        last = t;
                        digest.add(t, samples.valueBits());
                        return true;
                    }

                    @Override
                    public long timestamp() {
                        return samples.timestamp();
                    }

                    @Override
                    public long valueBits() {
                        return samples.valueBits();
                    }
                };
        CUTTER.cut(
                checked,
                (min, max, n, data) ->
                        metas.add(new ChunkMeta(min, max, segments.write(data, data.length))));
        long last = metas.isEmpty() ? 0 : metas.get(metas.size() - 1).maxTime();
        if (!metas.isEmpty()) {
            series.add(new SeriesRuns.Entry(labels, metas, digest.count(), digest.checksum()));
            minTime = Math.min(minTime, metas.get(0).minTime());
            maxTime = Math.max(maxTime, last);
            numSamples += digest.count();
            numChunks += metas.size();
        }
        return new WrittenSeries(labels, digest.count(), digest.checksum());
    }

    /** Series with samples written so far. */
    public long seriesCount() {
        return series.size();
    }

    /** Run files the series list spilled to so far. */
    public int spilledRuns() {
        return series.runCount();
    }

    /**
     * Sorts the series, writes the index and meta.json, and returns the block's meta and series (in
     * index order, read again from the spilled runs on each iteration until {@link #close}), or
     * null when no series had samples (then no index or meta.json is written).
     *
     * @throws IllegalArgumentException when a series was added twice
     */
    public Result finish(Map<String, String> externalLabels, String source) {
        segments.close();
        if (series.size() == 0) {
            return null;
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
            IndexWriter.write(dir.resolve("index"), series);
            Files.write(dir.resolve("meta.json"), meta.toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write block " + dir + ": " + e, e);
        }
        Iterable<WrittenSeries> written =
                () -> {
                    Iterator<SeriesRuns.Entry> it = series.iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public WrittenSeries next() {
                            SeriesRuns.Entry e = it.next();
                            return new WrittenSeries(e.labels(), e.samples(), e.checksum());
                        }
                    };
                };
        return new Result(meta, written);
    }

    /**
     * A finished block.
     *
     * @param meta its meta.json
     * @param series its series in index order with sample counts and checksums (valid until the
     *     writer is closed)
     */
    public record Result(BlockMeta meta, Iterable<WrittenSeries> series) {}

    /** Closes the segments and deletes the spilled series runs (the block's files stay). */
    @Override
    public void close() {
        segments.close();
        series.close();
    }
}
