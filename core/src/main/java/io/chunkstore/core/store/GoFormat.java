package io.chunkstore.core.store;

import java.math.BigDecimal;
import java.time.Duration;

/** How Cortex's error messages print times and durations, so ours read the same. */
final class GoFormat {
    private GoFormat() {}

    /**
     * Prometheus' {@code model.Time.String()}: seconds with the fewest decimals ({@code
     * 1557650721.5}, {@code 0}).
     */
    static String modelTime(long ms) {
        return BigDecimal.valueOf(ms).movePointLeft(3).stripTrailingZeros().toPlainString();
    }

    /**
     * Go's {@code time.Duration.String()}: {@code 744h0m0s}, {@code 5m0s}, {@code 1.5s}, {@code
     * 2ms}, {@code 0s}.
     */
    static String duration(Duration d) {
        long ns;
        try {
            ns = d.toNanos();
        } catch (ArithmeticException e) {
            return d.toString();
        }
        if (ns == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        if (ns < 0) {
            sb.append('-');
            ns = -ns;
        }
        if (ns < 1_000_000_000L) {
            if (ns < 1_000L) {
                return sb.append(ns).append("ns").toString();
            }
            if (ns < 1_000_000L) {
                return sb.append(fraction(ns, 1_000L)).append("µs").toString();
            }
            return sb.append(fraction(ns, 1_000_000L)).append("ms").toString();
        }
        long hours = ns / 3_600_000_000_000L;
        long rem = ns % 3_600_000_000_000L;
        long minutes = rem / 60_000_000_000L;
        long secNanos = rem % 60_000_000_000L;
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            sb.append(minutes).append('m');
        }
        return sb.append(fraction(secNanos, 1_000_000_000L)).append('s').toString();
    }

    private static String fraction(long value, long unit) {
        return BigDecimal.valueOf(value)
                .divide(BigDecimal.valueOf(unit))
                .stripTrailingZeros()
                .toPlainString();
    }
}
