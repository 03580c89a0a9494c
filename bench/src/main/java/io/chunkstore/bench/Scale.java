package io.chunkstore.bench;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How much data each workload moves. {@link #FULL} is the scale (a 1,000,000-entry row,
 * 10,000 small rows); {@link #SMALL} fits the emulators in minutes; {@link #TINY} only proves the
 * harness works end to end.
 *
 * @param name the name on the command line
 * @param writeBatches index write batches per timed run
 * @param writeBatchEntries entries per batch (an ingester flush writes 1,000-5,000)
 * @param writeHashes distinct hash values in each batch
 * @param writeValueBytes value size of the written entries
 * @param bigRowEntries entries of the one wide row
 * @param smallRows rows of the many-small-rows read
 * @param smallRowEntries entries of each small row
 * @param fanoutShards row shards of the fan-out read (Cortex's default 16)
 * @param fanoutShardEntries entries of each row shard
 * @param smallChunks 2 KB chunks per timed run
 * @param largeChunks 1 MB chunks per timed run
 */
public record Scale(
        String name,
        int writeBatches,
        int writeBatchEntries,
        int writeHashes,
        int writeValueBytes,
        int bigRowEntries,
        int smallRows,
        int smallRowEntries,
        int fanoutShards,
        int fanoutShardEntries,
        int smallChunks,
        int largeChunks) {

    public static final Scale FULL =
            new Scale("full", 40, 2_500, 50, 1024, 1_000_000, 10_000, 10, 16, 10_000, 2_000, 64);
    public static final Scale SMALL =
            new Scale("small", 10, 2_000, 40, 1024, 100_000, 1_000, 10, 16, 2_000, 500, 16);
    public static final Scale TINY =
            new Scale("tiny", 2, 100, 4, 1024, 2_000, 20, 5, 16, 20, 20, 2);

    private static final List<Scale> ALL = List.of(FULL, SMALL, TINY);

    public Scale {
        if (writeBatches < 1
                || writeBatchEntries < 1
                || writeHashes < 1
                || writeHashes > writeBatchEntries
                || writeValueBytes < 0
                || bigRowEntries < 1
                || smallRows < 1
                || smallRowEntries < 1
                || fanoutShards < 1
                || fanoutShardEntries < 1
                || smallChunks < 1
                || largeChunks < 1) {
            throw new IllegalArgumentException("scale " + name + " has a size out of range");
        }
    }

    /** Entries written per timed write run. */
    public long writeEntries() {
        return (long) writeBatches * writeBatchEntries;
    }

    /** Entries of all small rows together. */
    public long smallRowsEntries() {
        return (long) smallRows * smallRowEntries;
    }

    /** Entries of all row shards together. */
    public long fanoutEntries() {
        return (long) fanoutShards * fanoutShardEntries;
    }

    /**
     * The scale named {@code name}: {@code full}, {@code small} or {@code tiny} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the scales
     */
    public static Scale parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (Scale s : ALL) {
            if (s.name.equals(n)) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "unknown scale '"
                        + name
                        + "'; use one of "
                        + ALL.stream().map(Scale::name).collect(Collectors.joining(", ")));
    }
}
