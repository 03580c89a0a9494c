package io.chunkstore.core.schema;

import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodicTableConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a time range into index buckets (Cortex's {@code hourlyBuckets} / {@code dailyBuckets}):
 * one bucket for every hour (v1) or day (other schemas) from {@code floor(from_s / S)} to {@code
 * floor(through_s / S)} inclusive, so a range that ends exactly on a bucket boundary gets an extra
 * bucket with {@code relThrough = 0} (Cortex's pkg/chunk/schema_config.go). Seconds and bucket
 * numbers use truncating division, as in Go.
 */
public final class Buckets {
    /** One hour in ms: the bucket size of schema v1. */
    public static final long HOUR_MS = 3_600_000L;

    /** One day in ms: the bucket size of every schema but v1. */
    public static final long DAY_MS = 86_400_000L;

    private Buckets() {}

    /** The buckets of {@code [fromMs, throughMs]} for a period: hourly for v1, daily otherwise. */
    public static List<Bucket> forPeriod(
            PeriodConfig period, long fromMs, long throughMs, String userId) {
        return period.schema().hasHourlyBuckets()
                ? hourly(period.index(), fromMs, throughMs, userId)
                : daily(period.index(), fromMs, throughMs, userId);
    }

    /** Hourly buckets, hash keys {@code <user>:<hour>}. */
    public static List<Bucket> hourly(
            PeriodicTableConfig indexTables, long fromMs, long throughMs, String userId) {
        return buckets(indexTables, fromMs, throughMs, userId, HOUR_MS, "");
    }

    /** Daily buckets, hash keys {@code <user>:d<day>}. */
    public static List<Bucket> daily(
            PeriodicTableConfig indexTables, long fromMs, long throughMs, String userId) {
        return buckets(indexTables, fromMs, throughMs, userId, DAY_MS, "d");
    }

    private static List<Bucket> buckets(
            PeriodicTableConfig tables,
            long fromMs,
            long throughMs,
            String userId,
            long sizeMs,
            String hashLetter) {
        long sizeSeconds = sizeMs / 1000;
        long first = (fromMs / 1000) / sizeSeconds;
        long last = (throughMs / 1000) / sizeSeconds;
        List<Bucket> out = new ArrayList<>((int) Math.max(0, Math.min(last - first + 1, 1 << 16)));
        for (long i = first; i <= last; i++) {
            long start = i * sizeMs;
            long relFrom = Math.max(0, fromMs - start);
            long relThrough = Math.min(sizeMs, throughMs - start);
            out.add(
                    new Bucket(
                            i,
                            relFrom,
                            relThrough,
                            tables.tableFor(i * sizeSeconds * 1000),
                            userId + ":" + hashLetter + i,
                            sizeMs));
        }
        return out;
    }
}
