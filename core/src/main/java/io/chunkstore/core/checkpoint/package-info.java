/**
 * The file behind {@code --checkpoint}: {@link io.chunkstore.core.checkpoint.CheckpointFile} reads
 * and atomically replaces the JSON checkpoint of {@code migrate} ({@code core.migrate.Checkpoint})
 * and {@code delete} ({@code core.purge.PurgeCheckpoint}), refusing a corrupt or foreign file and
 * one written for another run with a message that says what to do. {@code convert blocks} keeps its
 * progress as objects in its destination bucket instead (a unit is done when its {@code .done}
 * object exists), so it does not use it.
 */
package io.chunkstore.core.checkpoint;
