package io.chunkstore.core.read;

import io.chunkstore.spi.InvalidRequestException;

/**
 * A read request needs more than a {@link ReadLimits} limit allows; the message names the limit,
 * its value and how far the request got, so the user can narrow the query or the operator raise the
 * limit.
 */
public final class ReadLimitException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    /** The limits, with the names the operator sets them by. */
    public enum Limit {
        SERIES("max_series_per_request", "series"),
        SAMPLES("max_samples_per_request", "samples"),
        CHUNK_BYTES("max_chunk_bytes_per_request", "bytes of chunks"),
        /** The request ran longer than serve's query time-out. */
        TIME("query-timeout", "");

        private final String key;
        private final String what;

        Limit(String key, String what) {
            this.key = key;
            this.what = what;
        }

        /** The limit's name in config and messages. */
        public String key() {
            return key;
        }
    }

    private final Limit limit;

    ReadLimitException(Limit limit, long used, long max) {
        super(
                "the read exceeds "
                        + limit.key
                        + " ("
                        + max
                        + "): it needs more than that ("
                        + used
                        + " "
                        + limit.what
                        + " so far); narrow the selector or the time range, or raise the limit");
        this.limit = limit;
    }

    private ReadLimitException(String message) {
        super(message);
        this.limit = Limit.TIME;
    }

    static ReadLimitException timedOut(java.time.Duration timeout) {
        return new ReadLimitException(
                "the read ran longer than the query time-out ("
                        + io.chunkstore.core.config.Durations.format(timeout)
                        + ", chunkstore serve --query-timeout) and was stopped; narrow the"
                        + " selector or the time range");
    }

    /** Which limit was exceeded. */
    public Limit limit() {
        return limit;
    }
}
