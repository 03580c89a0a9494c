package io.chunkstore.core.blocks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.store.ChunkStore;
import io.chunkstore.core.store.FetchedChunks;
import io.chunkstore.core.store.IndexedChunk;
import io.chunkstore.core.store.SeriesChunks;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.ObjectClient;
import io.chunkstore.spi.ObjectNotFoundException;
import io.chunkstore.spi.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Converts (tenant, day) units of a chunk store into Prometheus TSDB blocks in an object store,
 * under {@code <tenant>/<ULID>/{chunks/000001..., index, meta.json}}, the layout Cortex's and
 * Mimir's blocks storage and Thanos read.
 *
 * <p>Per unit: the chunk refs of every lookup (one per metric name; the index cannot list a
 * tenant's metrics) in the unit's range, grouped by fingerprint and fetched in batches; each
 * series' chunks (replicas included) merged by {@link SeriesChunks#samples} and written into the
 * block as they are read; then the block is uploaded, {@code meta.json} last (a block without it is
 * ignored by Cortex, Mimir and Thanos), and a progress object {@code
 * <tenant>/chunkstore-convert/<day>.done} recorded. A {@code <day>.started} object names the block
 * being uploaded, so a rerun after a crash deletes that partial block and builds the unit again
 * from scratch; a unit with a {@code .done} object is skipped.
 */
public final class BlockConverter {
    /** The source the Thanos section names. */
    public static final String SOURCE = "chunkstore";

    /** The folder under each tenant holding the progress objects. */
    public static final String PROGRESS_DIR = "chunkstore-convert";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChunkStore source;
    private final ObjectClient dest;
    private final List<List<LabelMatcher>> lookups;
    private final Predicate<Labels> selects;
    private final Path workDir;
    private boolean skipCorrupt;
    private boolean verify;
    private long segmentSize = ChunkSegmentWriter.DEFAULT_SEGMENT_SIZE;
    private int batchChunks = 2000;
    private int spillSeries = BlockWriter.DEFAULT_SPILL_SERIES;

    /**
     * @param source the chunk store read
     * @param dest where blocks go
     * @param lookups index lookups, each with {@code __name__="..."} first (see {@link
     *     io.chunkstore.core.migrate.MigrationPlan#lookups})
     * @param selects whether a fetched chunk's series is converted (all matchers of a selector)
     * @param workDir a local folder where blocks are built before upload
     */
    public BlockConverter(
            ChunkStore source,
            ObjectClient dest,
            List<List<LabelMatcher>> lookups,
            Predicate<Labels> selects,
            Path workDir) {
        this.source = Objects.requireNonNull(source, "source");
        this.dest = Objects.requireNonNull(dest, "dest");
        this.lookups = List.copyOf(lookups);
        this.selects = Objects.requireNonNull(selects, "selects");
        this.workDir = Objects.requireNonNull(workDir, "workDir");
    }

    /** Skip series whose chunks are missing or do not decode (listed in the result). */
    public BlockConverter skipCorrupt(boolean on) {
        this.skipCorrupt = on;
        return this;
    }

    /** Read every written block back and compare each series with what was read. */
    public BlockConverter verify(boolean on) {
        this.verify = on;
        return this;
    }

    /** Largest chunk segment file (Prometheus: 512 MiB); the upload holds one in memory. */
    public BlockConverter segmentSize(long bytes) {
        this.segmentSize = bytes;
        return this;
    }

    /** Chunks fetched per batch (whole fingerprints, so a batch may hold more). */
    public BlockConverter batchChunks(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("batch must be at least 1, not " + n);
        }
        this.batchChunks = n;
        return this;
    }

    /** Series of a unit kept in memory before its sorted series list spills to disk. */
    public BlockConverter spillSeries(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("spill limit must be at least 1, not " + n);
        }
        this.spillSeries = n;
        return this;
    }

    /** The key of a unit's progress object. */
    public static String doneKey(ConversionUnit u) {
        return u.tenant() + "/" + PROGRESS_DIR + "/" + u.day() + ".done";
    }

    static String startedKey(ConversionUnit u) {
        return u.tenant() + "/" + PROGRESS_DIR + "/" + u.day() + ".started";
    }

    /** Converts one unit; never throws for a failure of the unit itself (see the result). */
    public UnitResult convert(ConversionUnit unit) {
        long t0 = System.nanoTime();
        try {
            UnitResult done = alreadyDone(unit, t0);
            if (done != null) {
                return done;
            }
            return build(unit, t0);
        } catch (UnitFailure
                | StorageException
                | UncheckedIOException
                | IllegalArgumentException e) {
            return new UnitResult(
                    unit,
                    UnitResult.Status.FAILED,
                    null,
                    0,
                    0,
                    0,
                    List.of(),
                    List.of(),
                    false,
                    e.getMessage(),
                    ms(t0));
        }
    }

    private UnitResult alreadyDone(ConversionUnit unit, long t0) {
        byte[] done;
        try {
            done = dest.getObject(doneKey(unit));
        } catch (ObjectNotFoundException e) {
            return null;
        }
        JsonNode n = readJson(done, doneKey(unit));
        return new UnitResult(
                unit,
                UnitResult.Status.ALREADY_DONE,
                n.path("ulid").isNull() ? null : n.path("ulid").asText(null),
                n.path("series").asLong(),
                n.path("samples").asLong(),
                n.path("chunks").asLong(),
                List.of(),
                List.of(),
                n.path("verified").asBoolean(),
                null,
                ms(t0));
    }

    private UnitResult build(ConversionUnit unit, long t0) {
        // A crashed earlier attempt: delete the block it was uploading.
        try {
            JsonNode started = readJson(dest.getObject(startedKey(unit)), startedKey(unit));
            deletePrefix(unit.tenant() + "/" + started.path("ulid").asText() + "/");
        } catch (ObjectNotFoundException e) {
            // a fresh unit
        }
        long through = unit.to() - 1;
        String ulid = Ulid.create(System.currentTimeMillis());
        Path blockDir = workDir.resolve(ulid);
        List<String> skipped = new ArrayList<>();
        // Lookups of one metric name may select the same series: their refs are united. Lookups of
        // different names never do (a series has one name).
        Map<String, List<List<LabelMatcher>>> byMetric = new LinkedHashMap<>();
        for (List<LabelMatcher> lookup : lookups) {
            byMetric.computeIfAbsent(lookup.get(0).value(), k -> new ArrayList<>()).add(lookup);
        }
        try (BlockWriter writer = new BlockWriter(blockDir, ulid, segmentSize, spillSeries)) {
            for (List<List<LabelMatcher>> metricLookups : byMetric.values()) {
                // The metric's chunk refs, once each, grouped by fingerprint.
                Map<String, IndexedChunk> refs = new LinkedHashMap<>();
                for (List<LabelMatcher> lookup : metricLookups) {
                    for (IndexedChunk c :
                            source.chunkRefs(unit.tenant(), unit.from(), through, lookup)) {
                        refs.putIfAbsent(c.externalKey(), c);
                    }
                }
                List<IndexedChunk> sorted = new ArrayList<>(refs.values());
                refs.clear();
                sorted.sort(
                        Comparator.comparingLong(IndexedChunk::fingerprint)
                                .thenComparing(IndexedChunk::externalKey));
                int i = 0;
                while (i < sorted.size()) {
                    int j = Math.min(sorted.size(), i + batchChunks);
                    while (j < sorted.size()
                            && sorted.get(j).fingerprint() == sorted.get(j - 1).fingerprint()) {
                        j++;
                    }
                    writeBatch(unit, writer, sorted.subList(i, j), skipped);
                    i = j;
                }
            }
            BlockWriter.Result result =
                    writer.finish(Map.of(BlockMeta.ORG_ID_LABEL, unit.tenant()), SOURCE);
            if (result == null) {
                putProgress(unit, null, 0, 0, 0, false);
                return new UnitResult(
                        unit,
                        UnitResult.Status.EMPTY,
                        null,
                        0,
                        0,
                        0,
                        skipped,
                        List.of(),
                        false,
                        null,
                        ms(t0));
            }
            upload(unit, blockDir, result.meta());
            List<String> differences = verify ? verify(unit, result) : List.of();
            BlockMeta m = result.meta();
            if (differences.isEmpty()) {
                putProgress(unit, ulid, m.numSeries(), m.numSamples(), m.numChunks(), verify);
            }
            return new UnitResult(
                    unit,
                    UnitResult.Status.CONVERTED,
                    ulid,
                    m.numSeries(),
                    m.numSamples(),
                    m.numChunks(),
                    skipped,
                    differences,
                    verify,
                    null,
                    ms(t0));
        } finally {
            deleteLocal(blockDir);
        }
    }

    private void writeBatch(
            ConversionUnit unit,
            BlockWriter writer,
            List<IndexedChunk> batch,
            List<String> skipped) {
        FetchedChunks fetched = source.fetchAll(batch);
        Map<Long, String> badFingerprints = new HashMap<>();
        fetched.failures()
                .forEach(
                        (key, err) -> {
                            if (!skipCorrupt) {
                                throw new UnitFailure(
                                        "unit "
                                                + unit.id()
                                                + ": chunk "
                                                + key
                                                + " cannot be read: "
                                                + err.getMessage()
                                                + " (--skip-corrupt skips its series)");
                            }
                            skipped.add(key + ": " + err.getMessage());
                        });
        for (IndexedChunk c : batch) {
            if (fetched.failures().containsKey(c.externalKey())) {
                badFingerprints.put(c.fingerprint(), c.externalKey());
            }
        }
        List<Chunk> chunks = new ArrayList<>();
        for (IndexedChunk c : batch) {
            Chunk ch = fetched.chunk(c.externalKey());
            if (ch != null
                    && !badFingerprints.containsKey(c.fingerprint())
                    && selects.test(ch.labels())) {
                chunks.add(ch);
            }
        }
        for (SeriesChunks s : SeriesChunks.group(chunks)) {
            try {
                writer.addSeries(s.labels(), s.samples(unit.from(), unit.to() - 1));
            } catch (InvalidChunkException e) {
                if (!skipCorrupt) {
                    throw new UnitFailure(
                            "unit "
                                    + unit.id()
                                    + ": series "
                                    + s.labels()
                                    + ": "
                                    + e.getMessage()
                                    + " (--skip-corrupt skips the series)");
                }
                skipped.add(s.labels() + ": " + e.getMessage());
            }
        }
    }

    private void upload(ConversionUnit unit, Path blockDir, BlockMeta meta) {
        String prefix = unit.tenant() + "/" + meta.ulid() + "/";
        ObjectNode started = JSON.createObjectNode().put("ulid", meta.ulid());
        dest.putObject(
                startedKey(unit),
                started.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (String seg : meta.segmentFiles()) {
            dest.putObject(prefix + "chunks/" + seg, blockDir.resolve("chunks").resolve(seg));
        }
        dest.putObject(prefix + "index", blockDir.resolve("index"));
        dest.putObject(prefix + "meta.json", blockDir.resolve("meta.json"));
    }

    private List<String> verify(ConversionUnit unit, BlockWriter.Result written) {
        String prefix = unit.tenant() + "/" + written.meta().ulid() + "/";
        List<String> diffs = new ArrayList<>();
        Iterator<BlockWriter.WrittenSeries> expected = written.series().iterator();
        long[] read = {0};
        try {
            BlockMeta back = BlockMeta.parse(dest.getObject(prefix + "meta.json"));
            if (!back.equals(written.meta())) {
                diffs.add("meta.json differs: " + back + " vs " + written.meta());
            }
            Map<Integer, byte[]> cache = new HashMap<>();
            new BlockReader(
                            dest.getObject(prefix + "index"),
                            seg -> {
                                if (!cache.containsKey(seg)) {
                                    cache.clear(); // one segment in memory at a time
                                    cache.put(
                                            seg,
                                            dest.getObject(
                                                    prefix
                                                            + "chunks/"
                                                            + String.format(
                                                                    Locale.ROOT, "%06d", seg + 1)));
                                }
                                return cache.get(seg);
                            })
                    .forEachSeries(
                            r -> {
                                read[0]++;
                                if (!expected.hasNext()) {
                                    diffs.add(
                                            "series "
                                                    + r.labels()
                                                    + " is in the block but was not written");
                                    return;
                                }
                                BlockWriter.WrittenSeries w = expected.next();
                                if (!r.labels().equals(w.labels())
                                        || r.samples() != w.samples()
                                        || r.checksum() != w.checksum()) {
                                    diffs.add(
                                            "series "
                                                    + w.labels()
                                                    + ": "
                                                    + w.samples()
                                                    + " samples read from the store (crc32c "
                                                    + Integer.toHexString(w.checksum())
                                                    + "), block has "
                                                    + r.labels()
                                                    + " with "
                                                    + r.samples()
                                                    + " (crc32c "
                                                    + Integer.toHexString(r.checksum())
                                                    + ")");
                                }
                            });
        } catch (BlockReader.CorruptBlockException
                | StorageException
                | IllegalArgumentException e) {
            diffs.add("block " + prefix + " does not read back: " + e.getMessage());
            return diffs;
        }
        while (expected.hasNext()) {
            diffs.add(
                    "series " + expected.next().labels() + " was written but is not in the block");
        }
        return diffs;
    }

    private void putProgress(
            ConversionUnit unit,
            String ulid,
            long series,
            long samples,
            long chunks,
            boolean verified) {
        ObjectNode n = JSON.createObjectNode();
        n.put("tenant", unit.tenant())
                .put("day", unit.day().toString())
                .put("from", unit.from())
                .put("to", unit.to());
        if (ulid == null) {
            n.putNull("ulid");
        } else {
            n.put("ulid", ulid);
        }
        n.put("series", series)
                .put("samples", samples)
                .put("chunks", chunks)
                .put("verified", verified);
        dest.putObject(
                doneKey(unit), n.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
            dest.deleteObject(startedKey(unit));
        } catch (ObjectNotFoundException e) {
            // an empty unit uploads nothing
        }
    }

    private void deletePrefix(String prefix) {
        List<String> keys = new ArrayList<>();
        dest.list(prefix, "").objects().forEach(o -> keys.add(o.key()));
        // meta.json first: if this is interrupted, what is left is still a block nothing reads.
        keys.sort(Comparator.comparing((String k) -> !k.endsWith("/meta.json")));
        for (String key : keys) {
            try {
                dest.deleteObject(key);
            } catch (ObjectNotFoundException e) {
                // already gone
            }
        }
    }

    private static JsonNode readJson(byte[] b, String key) {
        try {
            return JSON.readTree(b);
        } catch (IOException e) {
            throw new UnitFailure("progress object " + key + " does not parse: " + e.getMessage());
        }
    }

    private static void deleteLocal(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(
                    dir,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                                throws IOException {
                            Files.delete(file);
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult postVisitDirectory(Path d, IOException exc)
                                throws IOException {
                            Files.delete(d);
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the local block " + dir + ": " + e, e);
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** A unit that cannot be converted, with a message naming what to do. */
    static final class UnitFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnitFailure(String message) {
            super(message);
        }
    }
}
