package io.chunkstore.core.chunk;

/**
 * One Prometheus sample: a time in milliseconds and a float64 value. Equality compares the value's raw bits, so NaN
 * payloads (Prometheus' stale marker is a NaN) survive comparisons.
 */
public record Sample(long timestamp, double value) {
    @Override
    public boolean equals(Object o) {
        return o instanceof Sample s && s.timestamp == timestamp
                && Double.doubleToRawLongBits(s.value) == Double.doubleToRawLongBits(value);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(timestamp) * 31 + Long.hashCode(Double.doubleToRawLongBits(value));
    }
}
