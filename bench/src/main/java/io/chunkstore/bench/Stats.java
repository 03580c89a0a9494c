package io.chunkstore.bench;

import java.util.Arrays;

/** The arithmetic of the report: rates, medians and ratios. */
public final class Stats {
    private Stats() {}

    /**
     * The median: the middle value, or the mean of the two middle values of an even count.
     *
     * @throws IllegalArgumentException for no values or a NaN among them
     */
    public static double median(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("the median of no values");
        }
        double[] v = values.clone();
        for (double d : v) {
            if (Double.isNaN(d)) {
                throw new IllegalArgumentException(
                        "NaN among the values " + Arrays.toString(values));
            }
        }
        Arrays.sort(v);
        int mid = v.length / 2;
        if (v.length % 2 == 1 || v[mid - 1] == v[mid]) {
            return v[mid];
        }
        return v[mid - 1] / 2
                + v[mid] / 2; // halves first: the sum of two large values would overflow
    }

    /** {@code ours / baseline}; NaN when the baseline is zero (nothing to compare with). */
    public static double ratio(double ours, double baseline) {
        return baseline == 0 ? Double.NaN : ours / baseline;
    }

    /**
     * Round-by-round ratios of two equally long series: how far each round's pair, run back to
     * back, differs. Their spread shows how noisy the machine was.
     *
     * @throws IllegalArgumentException when the lengths differ
     */
    public static double[] pairedRatios(double[] ours, double[] baseline) {
        if (ours.length != baseline.length) {
            throw new IllegalArgumentException(
                    ours.length
                            + " rounds of ours against "
                            + baseline.length
                            + " of the baseline");
        }
        double[] r = new double[ours.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = ratio(ours[i], baseline[i]);
        }
        return r;
    }

    /**
     * Units per second.
     *
     * @throws IllegalArgumentException for a non-positive duration
     */
    public static double perSecond(double units, long nanos) {
        if (nanos <= 0) {
            throw new IllegalArgumentException("a duration of " + nanos + " ns");
        }
        return units * 1e9 / nanos;
    }

    /**
     * CPU time of this whole JVM so far, nanoseconds (every thread, the collector's included); -1
     * where the platform does not tell.
     */
    public static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun
                ? sun.getProcessCpuTime()
                : -1;
    }

    public static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    public static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    /** Bytes to MiB. */
    public static double mib(double bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
