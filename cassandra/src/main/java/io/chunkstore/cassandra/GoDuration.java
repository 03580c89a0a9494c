package io.chunkstore.cassandra;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Cortex and Loki write them in YAML (Go's {@code time.ParseDuration}): a sequence of decimal numbers,
 * each with an optional fraction and a unit ({@code ns}, {@code us}/{@code µs}, {@code ms}, {@code s}, {@code m},
 * {@code h}), like {@code 2s}, {@code 100ms}, {@code 1m30s}, {@code 1.5h}; {@code 0} alone is zero.
 */
final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    private GoDuration() {
    }

    /** @throws IllegalArgumentException with a message a user can act on */
    static Duration parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        boolean negative = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            negative = s.startsWith("-");
            s = s.substring(1);
        }
        if (s.isEmpty()) {
            throw invalid(text);
        }
        Matcher m = PART.matcher(s);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) {
                throw invalid(text);
            }
            BigDecimal n = new BigDecimal(m.group(1).startsWith(".") ? "0" + m.group(1) : m.group(1));
            nanos = nanos.add(n.multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
            at = m.end();
        }
        long total = nanos.longValue();
        return Duration.ofNanos(negative ? -total : total);
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalStateException(unit);
        };
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid duration '" + text
                + "': write a number with a unit (ns, us, ms, s, m, h), like 2s, 100ms or 1m30s");
    }

    /** Go's formatting for the common cases ({@code 2s}, {@code 100ms}, {@code 1m30s}), for messages and docs. */
    static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        long ms = d.toMillis();
        if (d.toNanos() % 1_000_000 != 0 || ms < 1000) {
            return d.toNanos() % 1_000_000 == 0 ? ms + "ms" : d.toNanos() + "ns";
        }
        StringBuilder b = new StringBuilder();
        long h = d.toHours();
        long m = d.toMinutesPart();
        long s = d.toSecondsPart();
        long rest = d.toMillisPart();
        if (h > 0) {
            b.append(h).append('h');
        }
        if (m > 0) {
            b.append(m).append('m');
        }
        if (s > 0 || rest > 0) {
            b.append(s);
            if (rest > 0) {
                b.append('.').append(String.format("%03d", rest).replaceAll("0+$", ""));
            }
            b.append('s');
        }
        return b.toString();
    }
}
