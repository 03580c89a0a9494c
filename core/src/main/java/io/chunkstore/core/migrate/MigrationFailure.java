package io.chunkstore.core.migrate;

/**
 * One thing a migration could not do: a chunk it could not read, convert, write or verify, or a
 * shard whose chunks it could not list. Never dropped: every failure is counted and listed in the
 * {@link MigrationSummary}.
 *
 * @param shard the shard id ({@code tenant/fromMs})
 * @param sourceKey the chunk's key in the source, or null for a failure of the whole shard
 * @param destKey the chunk's key in the destination, when known
 * @param phase where it failed
 * @param reason the error, in words
 */
public record MigrationFailure(
        String shard, String sourceKey, String destKey, Phase phase, String reason) {

    /** Where a failure happened. */
    public enum Phase {
        /** Listing the shard's chunks from the source index. */
        LOOKUP,
        /** Fetching the chunk from the source (missing, or it does not verify: a corrupt chunk). */
        FETCH,
        /**
         * Turning it into the destination's chunk (e.g. it starts before the destination's first
         * period).
         */
        CONVERT,
        /** Writing the chunk or its index entries to the destination. */
        WRITE,
        /** Reading it back from the destination or finding it through the destination index. */
        VERIFY
    }

    @Override
    public String toString() {
        return phase
                + " "
                + (sourceKey == null ? "shard " + shard : sourceKey)
                + (destKey == null || destKey.equals(sourceKey) ? "" : " -> " + destKey)
                + ": "
                + reason;
    }
}
