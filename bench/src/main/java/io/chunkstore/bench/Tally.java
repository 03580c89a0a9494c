package io.chunkstore.bench;

import java.util.Arrays;

/**
 * What one timed run moved: items (index entries, chunks or queries) and their payload bytes (range
 * value plus value, or encoded chunk bytes), and, for workloads that time each operation, the
 * latency of every operation in nanoseconds (empty otherwise).
 */
public record Tally(long items, long bytes, long[] latencyNanos) {
    private static final long[] NONE = new long[0];

    public static final Tally ZERO = new Tally(0, 0);

    public Tally(long items, long bytes) {
        this(items, bytes, NONE);
    }

    public Tally plus(Tally o) {
        long[] l = latencyNanos;
        if (o.latencyNanos.length > 0) {
            l = Arrays.copyOf(latencyNanos, latencyNanos.length + o.latencyNanos.length);
            System.arraycopy(o.latencyNanos, 0, l, latencyNanos.length, o.latencyNanos.length);
        }
        return new Tally(items + o.items, bytes + o.bytes, l);
    }

    /** The 99th percentile of the latencies in milliseconds; NaN when none were timed. */
    public double p99Millis() {
        if (latencyNanos.length == 0) {
            return Double.NaN;
        }
        long[] sorted = latencyNanos.clone();
        Arrays.sort(sorted);
        int i = (int) Math.ceil(0.99 * sorted.length) - 1;
        return sorted[Math.max(0, i)] / 1e6;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tally t
                && items == t.items
                && bytes == t.bytes
                && Arrays.equals(latencyNanos, t.latencyNanos);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(items) * 31 + Long.hashCode(bytes) + Arrays.hashCode(latencyNanos);
    }

    @Override
    public String toString() {
        return "Tally{items=" + items + ", bytes=" + bytes + ", timed=" + latencyNanos.length + "}";
    }
}
