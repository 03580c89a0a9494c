package io.chunkstore.dynamodb;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's {@code time.ParseDuration} syntax, as Cortex and Loki YAML durations are written: a sequence of decimal numbers
 * with units {@code ns}, {@code us} ({@code µs}), {@code ms}, {@code s}, {@code m}, {@code h}, e.g. {@code 100ms},
 * {@code 50s}, {@code 1m30s}, {@code 1.5h}; {@code 0} alone is zero.
 */
final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    private GoDuration() {
    }

    /** @throws IllegalArgumentException with Go's wording when the text is not a duration */
    static Duration parse(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\"");
        }
        boolean negative = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(s);
        int pos = 0;
        BigDecimal nanos = BigDecimal.ZERO;
        while (pos < s.length()) {
            if (!m.find(pos) || m.start() != pos) {
                throw new IllegalArgumentException("invalid duration \"" + text + "\" (expected a number with a unit"
                        + " ns, us, ms, s, m or h, like 100ms or 50s)");
            }
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
            pos = m.end();
        }
        long n = nanos.longValue();
        return Duration.ofNanos(negative ? -n : n);
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalArgumentException("unknown unit " + unit);
        };
    }

    /** Go's {@code Duration.String} shape for messages and docs (100ms, 50s, 1m30s). */
    static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toNanos() % 1_000_000_000L != 0) {
            return d.toNanos() % 1_000_000L == 0 ? d.toMillis() + "ms" : d.toNanos() + "ns";
        }
        long secs = d.getSeconds();
        long h = secs / 3600;
        long m = secs % 3600 / 60;
        long sec = secs % 60;
        return h > 0 ? h + "h" + m + "m" + sec + "s" : m > 0 ? m + "m" + sec + "s" : sec + "s";
    }
}
