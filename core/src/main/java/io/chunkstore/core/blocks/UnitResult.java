package io.chunkstore.core.blocks;

import java.util.List;

/**
 * What became of one unit.
 *
 * @param unit the unit
 * @param status {@link Status}
 * @param ulid the block written (or found done), null when none
 * @param series series in the block
 * @param samples samples in the block
 * @param chunks chunks in the block
 * @param skipped chunks skipped as corrupt (external key and reason), with {@code --skip-corrupt}
 * @param verifyDifferences what --verify found different (empty when equal or not verified)
 * @param verified whether the block was read back and compared
 * @param error why the unit failed, null otherwise
 * @param millis time spent
 */
public record UnitResult(
        ConversionUnit unit,
        Status status,
        String ulid,
        long series,
        long samples,
        long chunks,
        List<String> skipped,
        List<String> verifyDifferences,
        boolean verified,
        String error,
        long millis) {

    /** A unit's outcome. */
    public enum Status {
        /** A block was written. */
        CONVERTED,
        /** A progress object said a previous run finished it. */
        ALREADY_DONE,
        /** The tenant had no samples that day: no block. */
        EMPTY,
        /** It failed; {@code error} says why. */
        FAILED
    }

    public UnitResult {
        skipped = List.copyOf(skipped);
        verifyDifferences = List.copyOf(verifyDifferences);
    }

    /** Whether the unit counts as a success (differences found by --verify do not). */
    public boolean ok() {
        return status != Status.FAILED && verifyDifferences.isEmpty();
    }
}
