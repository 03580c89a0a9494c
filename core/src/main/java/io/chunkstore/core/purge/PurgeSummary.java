package io.chunkstore.core.purge;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a purge deleted (or, in a dry run, would delete), over this run and the earlier runs its
 * checkpoint recorded. After an interruption the chunk counts stay exact, but the index counts are
 * approximate: a resumed run counts the entries it deletes itself, so entries the interrupted run
 * deleted after its last checkpoint save are missed and entries already gone may be counted again.
 *
 * @param dryRun nothing was written or deleted; the counts are what a real run would do
 * @param series series matched (delete series), or series of the tenant's v9+ chunk rows counted
 *     once per index table (delete tenant)
 * @param chunksFound chunks looked at
 * @param chunksDeleted chunks removed, with every index entry their writes produced
 * @param chunksRewritten chunks that straddled the range, replaced by a chunk without the deleted
 *     samples
 * @param chunksKept chunks that straddled the range and were kept whole ({@code --whole-chunks})
 * @param chunksUntouched chunks of the matched series that hold no sample of the range
 * @param indexDeletes index entries deleted, by index table
 * @param indexWrites index entries written (those of rewritten chunks), by index table
 * @param chunkDeletes chunk objects deleted, by chunk table ("" for stores without tables)
 * @param chunkWrites chunk objects written (rewritten chunks), by chunk table
 * @param sampleKeys up to a few of the keys deleted or to delete ({@code table hash range} for
 *     index entries, {@code chunk table/key} for chunks)
 * @param keptChunks the keys of the chunks kept whole
 * @param resumedChunks chunks a checkpoint listed as in progress and this run finished
 * @param failures every failure
 * @param notes what was deliberately left and why (shared rows another tenant still uses, rows a
 *     backend without a table scan could not check, missing tables)
 * @param elapsed duration of this run
 */
public record PurgeSummary(
        boolean dryRun,
        long series,
        long chunksFound,
        long chunksDeleted,
        long chunksRewritten,
        long chunksKept,
        long chunksUntouched,
        Map<String, Long> indexDeletes,
        Map<String, Long> indexWrites,
        Map<String, Long> chunkDeletes,
        Map<String, Long> chunkWrites,
        List<String> sampleKeys,
        List<String> keptChunks,
        long resumedChunks,
        List<PurgeFailure> failures,
        List<String> notes,
        Duration elapsed) {

    public PurgeSummary {
        indexDeletes = Collections.unmodifiableMap(new TreeMap<>(indexDeletes));
        indexWrites = Collections.unmodifiableMap(new TreeMap<>(indexWrites));
        chunkDeletes = Collections.unmodifiableMap(new TreeMap<>(chunkDeletes));
        chunkWrites = Collections.unmodifiableMap(new TreeMap<>(chunkWrites));
        sampleKeys = List.copyOf(sampleKeys);
        keptChunks = List.copyOf(keptChunks);
        failures = List.copyOf(failures);
        notes = List.copyOf(notes);
    }

    /** Index entries deleted over every table. */
    public long indexDeletesTotal() {
        return indexDeletes.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Chunk objects deleted over every table. */
    public long chunkDeletesTotal() {
        return chunkDeletes.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Nothing failed. */
    public boolean ok() {
        return failures.isEmpty();
    }
}
