package io.chunkstore.core.schema;

/**
 * One index bucket (an hour for v1, a day otherwise) that a time range touches: the index table and
 * hash key of the bucket, and the range's start and end relative to the bucket start (Cortex's
 * pkg/chunk/schema_config.go).
 *
 * @param number hours (v1) or days since the epoch
 * @param relFrom {@code max(0, from - bucketStart)} in ms
 * @param relThrough {@code min(sizeMs, through - bucketStart)} in ms; equals {@code sizeMs} when
 *     the range runs past the bucket, 0 when it ends exactly on the bucket's start
 * @param tableName the index table of the bucket start
 * @param hashKey {@code <user>:<hour>} (hourly) or {@code <user>:d<day>} (daily)
 * @param sizeMs the bucket size in ms (3 600 000 or 86 400 000)
 */
public record Bucket(
        long number, long relFrom, long relThrough, String tableName, String hashKey, long sizeMs) {

    /** The bucket start in ms since the epoch. */
    public long startMs() {
        return number * sizeMs;
    }

    /** {@code hexTime(relFrom)}. */
    public String hexFrom() {
        return HexTime.encode(relFrom);
    }

    /** {@code hexTime(relThrough)}. */
    public String hexThrough() {
        return HexTime.encode(relThrough);
    }
}
