package io.chunkstore.core.migrate;

import java.time.Instant;

/**
 * One unit of migration work: a tenant over {@code [from, to)} (ms). A chunk belongs to the shard
 * its {@code from} falls in (chunks starting before the migrated range belong to the first shard),
 * so a chunk spanning shards is migrated once, by its owner; the other shards that find it skip it.
 *
 * @param sourceTenant the tenant read
 * @param destTenant the tenant written
 * @param index the shard's position in the tenant's range, from 0
 * @param from first millisecond (inclusive)
 * @param to end (exclusive)
 */
public record Shard(String sourceTenant, String destTenant, int index, long from, long to) {

    /** Stable name of the shard in checkpoints and messages: {@code <tenant>/<from ms>}. */
    public String id() {
        return sourceTenant + "/" + from;
    }

    /** The last millisecond of the shard (inclusive), as index queries take it. */
    public long through() {
        return to - 1;
    }

    /**
     * Whether a chunk starting at {@code chunkFrom} (and overlapping this shard) belongs to this
     * shard.
     */
    public boolean owns(long chunkFrom) {
        return chunkFrom >= from || index == 0;
    }

    @Override
    public String toString() {
        return sourceTenant
                + (sourceTenant.equals(destTenant) ? "" : "->" + destTenant)
                + " ["
                + Instant.ofEpochMilli(from)
                + ", "
                + Instant.ofEpochMilli(to)
                + ")";
    }
}
