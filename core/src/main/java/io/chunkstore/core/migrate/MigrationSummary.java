package io.chunkstore.core.migrate;

import java.time.Duration;
import java.util.List;

/**
 * What a migration did, over every shard of the plan: those finished in this run and those a
 * checkpoint recorded as finished by earlier runs.
 *
 * @param shardsTotal shards in the plan (time shards x tenants)
 * @param shardsDone shards finished, this run or before
 * @param shardsResumed shards found finished in the checkpoint when the run started
 * @param found source chunks the finished and running shards owned and looked at
 * @param copied chunks written to the destination
 * @param bytes bytes written to the destination
 * @param verbatim chunks copied with their stored bytes and key unchanged
 * @param rekeyed chunks copied with their stored bytes under another key form (v12 or not)
 * @param reencoded chunks re-encoded for another tenant (new checksum, new key)
 * @param skipped references to chunks that belong to another shard (they span shards), not copied
 *     again
 * @param filtered chunks whose labels failed a matcher that the index could not apply
 * @param verified chunks read back from the destination, equal, and found through its index
 * @param failures every failure, in shard order
 * @param elapsed duration of this run
 * @param dryRun nothing was written; {@code found} is what would be copied
 * @param stopped the run stopped before the plan was done ({@link Migrator#stop()} or {@code
 *     maxShards})
 */
public record MigrationSummary(
        int shardsTotal,
        int shardsDone,
        int shardsResumed,
        long found,
        long copied,
        long bytes,
        long verbatim,
        long rekeyed,
        long reencoded,
        long skipped,
        long filtered,
        long verified,
        List<MigrationFailure> failures,
        Duration elapsed,
        boolean dryRun,
        boolean stopped) {

    public MigrationSummary {
        failures = List.copyOf(failures);
    }

    /** Number of failures. */
    public int failed() {
        return failures.size();
    }

    /** Every shard finished. */
    public boolean complete() {
        return shardsDone == shardsTotal;
    }

    /** Nothing failed (the run may still have stopped early; see {@link #complete()}). */
    public boolean ok() {
        return failures.isEmpty();
    }
}
