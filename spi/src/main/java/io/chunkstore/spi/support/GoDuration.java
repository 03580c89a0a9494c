package io.chunkstore.spi.support;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration form of chunkstore's config: Go's {@code time.ParseDuration} text (Go's
 * time/format.go), as Cortex and Loki YAML writes timeouts and back-offs, plus the day, week and
 * year units of Prometheus' durations (Prometheus common/model/time.go), which Cortex's and Loki's
 * period and retention keys take: a sequence of decimal numbers, each with an optional fraction and
 * a unit ({@code ns}, {@code us}/{@code µs}, {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}
 * = 24h, {@code w} = 7d, {@code y} = 365d), like {@code 2s}, {@code 100ms}, {@code 1m30s}, {@code
 * 1.5h}, {@code 168h}, {@code 1w}; {@code 0} alone is zero. Every Prometheus duration ({@code
 * 1w2d}, {@code 7d}) is one of these.
 */
public final class GoDuration {
    private static final Pattern PART =
            Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h|d|w|y)");

    private GoDuration() {}

    /** Parses the text. @throws IllegalArgumentException with a message a user can act on */
    public static Duration parse(String text) {
        String s = text == null ? "" : text.trim();
        boolean negative = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            negative = s.startsWith("-");
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
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
            nanos =
                    nanos.add(
                            new BigDecimal(m.group(1))
                                    .multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
            at = m.end();
        }
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(
                    "duration \""
                            + text
                            + "\" is too long (Go durations end at about"
                            + " 2562047h)");
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
            case "d" -> 24 * 3_600_000_000_000L;
            case "w" -> 7 * 24 * 3_600_000_000_000L;
            case "y" -> 365 * 24 * 3_600_000_000_000L;
            default -> throw new IllegalStateException(unit);
        };
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException(
                "not a valid duration string: \""
                        + text
                        + "\" is an invalid duration; write a number with a unit (ns, us, ms, s, m, h, d, w, y), like 2s, 100ms, 1m30s or 168h");
    }

    /** Go's {@code Duration.String}: {@code 100ms}, {@code 1.5s}, {@code 1m30s}, {@code 1h0m0s}. */
    public static String format(Duration d) {
        long n = d.toNanos();
        String sign = n < 0 ? "-" : "";
        long u = Math.abs(n);
        if (u == 0) {
            return "0s";
        }
        if (u < 1_000L) {
            return sign + u + "ns";
        }
        if (u < 1_000_000L) {
            return sign + decimal(u, 1_000L, 3) + "µs";
        }
        if (u < 1_000_000_000L) {
            return sign + decimal(u, 1_000_000L, 6) + "ms";
        }
        long secs = u / 1_000_000_000L;
        String s = decimal(u % 60_000_000_000L, 1_000_000_000L, 9) + "s";
        long h = secs / 3600;
        long m = secs % 3600 / 60;
        if (h > 0) {
            return sign + h + "h" + m + "m" + s;
        }
        return m > 0 ? sign + m + "m" + s : sign + s;
    }

    /** {@code value / unit} with the fraction's trailing zeros dropped. */
    private static String decimal(long value, long unit, int digits) {
        long whole = value / unit;
        long frac = value % unit;
        if (frac == 0) {
            return Long.toString(whole);
        }
        String f = String.format("%0" + digits + "d", frac).replaceAll("0+$", "");
        return whole + "." + f;
    }
}
