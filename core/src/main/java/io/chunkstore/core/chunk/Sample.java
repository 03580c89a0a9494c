package io.chunkstore.core.chunk;

/**
 * One Prometheus sample: a time in milliseconds and a float64 value. Equality compares the value's
 * raw bits, so NaN payloads (Prometheus' stale marker is a NaN) survive comparisons.
 */
public record Sample(long timestamp, double value) {
    /**
     * The bits of Prometheus' stale marker, the NaN it writes when a series disappears ({@code
     * StaleNaN} in Prometheus {@code model/value/value.go}); a quiet NaN has 0x7ff8... instead, so
     * arithmetic would lose it.
     */
    public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

    /** Whether the value is Prometheus' stale marker, by its exact bits. */
    public boolean isStaleMarker() {
        return Double.doubleToRawLongBits(value) == STALE_NAN_BITS;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sample s
                && s.timestamp == timestamp
                && Double.doubleToRawLongBits(s.value) == Double.doubleToRawLongBits(value);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(timestamp) * 31 + Long.hashCode(Double.doubleToRawLongBits(value));
    }
}
