package io.chunkstore.core.read;

/**
 * What one read request may touch, each limit 0 for none. They bound the reader's memory: a
 * request's chunks are held while its series are built, so {@code maxChunkBytes} is the bound on
 * that, and the other two bound the answer.
 *
 * @param maxSeries series in one request, over all of its queries
 * @param maxSamples samples in one request (after merging replicas), over all of its queries
 * @param maxChunkBytes bytes of chunks fetched for one request (replicas included), over all of its
 *     queries
 */
public record ReadLimits(long maxSeries, long maxSamples, long maxChunkBytes) {
    /** Series: 100,000 a request. */
    public static final long DEFAULT_MAX_SERIES = 100_000;

    /**
     * Samples: 50,000,000 a request (Prometheus' default {@code
     * --storage.remote.read-sample-limit}).
     */
    public static final long DEFAULT_MAX_SAMPLES = 50_000_000;

    /** Chunk bytes: 512 MiB a request. */
    public static final long DEFAULT_MAX_CHUNK_BYTES = 512L << 20;

    /** The defaults above. */
    public static final ReadLimits DEFAULT =
            new ReadLimits(DEFAULT_MAX_SERIES, DEFAULT_MAX_SAMPLES, DEFAULT_MAX_CHUNK_BYTES);

    /** No limit at all (for tools that copy everything, such as block conversion). */
    public static final ReadLimits NONE = new ReadLimits(0, 0, 0);

    public ReadLimits {
        if (maxSeries < 0 || maxSamples < 0 || maxChunkBytes < 0) {
            throw new IllegalArgumentException(
                    "read limits must be 0 (none) or positive: series "
                            + maxSeries
                            + ", samples "
                            + maxSamples
                            + ", chunk bytes "
                            + maxChunkBytes);
        }
    }

    /** A fresh count of what one request has used so far. */
    public Budget budget() {
        return new Budget(this, 0, null);
    }

    /**
     * A fresh count of what one request has used so far, which also fails the request once it has
     * run for {@code timeout} (checked each time the budget grows), so a request the server has
     * already answered with a time-out stops reading.
     */
    public Budget budget(java.time.Duration timeout) {
        return new Budget(this, System.nanoTime() + timeout.toNanos(), timeout);
    }

    /**
     * What one request has used so far, checked against the limits as it grows. Not thread-safe.
     */
    public static final class Budget {
        private final ReadLimits limits;
        private final long deadlineNanos;
        private final java.time.Duration timeout;
        private long series;
        private long samples;
        private long chunkBytes;

        Budget(ReadLimits limits, long deadlineNanos, java.time.Duration timeout) {
            this.limits = limits;
            this.deadlineNanos = deadlineNanos;
            this.timeout = timeout;
        }

        /**
         * Counts series.
         *
         * @throws ReadLimitException naming {@code max_series_per_request}
         */
        public void addSeries(long n) {
            series += n;
            check(ReadLimitException.Limit.SERIES, series, limits.maxSeries);
        }

        /**
         * Counts samples.
         *
         * @throws ReadLimitException naming {@code max_samples_per_request}
         */
        public void addSamples(long n) {
            samples += n;
            check(ReadLimitException.Limit.SAMPLES, samples, limits.maxSamples);
        }

        /**
         * Counts fetched chunk bytes.
         *
         * @throws ReadLimitException naming {@code max_chunk_bytes_per_request}
         */
        public void addChunkBytes(long n) {
            chunkBytes += n;
            check(ReadLimitException.Limit.CHUNK_BYTES, chunkBytes, limits.maxChunkBytes);
        }

        /**
         * Checks that {@code more} series would still fit, without counting them (a bound known
         * before fetching, such as the distinct fingerprints the index found).
         *
         * @throws ReadLimitException naming {@code max_series_per_request}
         */
        public void requireSeries(long more) {
            check(ReadLimitException.Limit.SERIES, series + more, limits.maxSeries);
        }

        public long series() {
            return series;
        }

        public long samples() {
            return samples;
        }

        public long chunkBytes() {
            return chunkBytes;
        }

        private void check(ReadLimitException.Limit which, long used, long max) {
            if (max > 0 && used > max) {
                throw new ReadLimitException(which, used, max);
            }
            if (timeout != null && System.nanoTime() - deadlineNanos > 0) {
                throw ReadLimitException.timedOut(timeout);
            }
        }
    }
}
