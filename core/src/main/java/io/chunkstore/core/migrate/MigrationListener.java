package io.chunkstore.core.migrate;

/**
 * Progress callbacks of a {@link Migrator}, for progress bars, logs and tests. Called from the
 * worker threads, so implementations must be thread-safe and quick; an exception thrown here aborts
 * the run.
 */
public interface MigrationListener {

    /**
     * The run begins: {@code shardsTotal} in the plan, {@code shardsResumed} of them already
     * finished before.
     */
    default void started(int shardsTotal, int shardsResumed) {}

    /**
     * A shard's chunks were listed: {@code chunks} to copy (its own, not yet copied by an earlier
     * run).
     */
    default void shardListed(Shard shard, int chunks) {}

    /** A batch was written: {@code chunks} chunks, {@code bytes} bytes. */
    default void batchWritten(Shard shard, int chunks, long bytes) {}

    /** Something failed (it is also in the summary). */
    default void failed(MigrationFailure failure) {}

    /**
     * A shard ended: {@code done} when finished and recorded, false when it stopped or must be
     * redone.
     */
    default void shardEnded(Shard shard, boolean done) {}
}
