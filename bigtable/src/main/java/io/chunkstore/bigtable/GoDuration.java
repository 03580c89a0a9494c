package io.chunkstore.bigtable;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's {@code time.ParseDuration}, which Cortex's and Loki's flag and YAML durations use: an optional sign, then one
 * or more decimal numbers with a unit each ({@code ns}, {@code us}, {@code µs}, {@code ms}, {@code s}, {@code m},
 * {@code h}), as in {@code 30m}, {@code 1h30m}, {@code 1.5s}, {@code 300ms}; or {@code 0}.
 */
final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    private static final Map<String, Long> UNIT_NANOS = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L,
            "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    private GoDuration() {
    }

    /** @throws IllegalArgumentException saying what is wrong */
    static Duration parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(s);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("invalid duration \"" + text
                        + "\" (write it the Go way: 30m, 1h30m, 1.5s, 300ms)");
            }
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(UNIT_NANOS.get(m.group(2)))));
            at = m.end();
        }
        // Go truncates fractions of a nanosecond, and refuses durations beyond about 292 years.
        BigInteger whole = nanos.toBigInteger();
        if (whole.bitLength() > 63) {
            throw new IllegalArgumentException("duration out of range: \"" + text + "\"");
        }
        return Duration.ofNanos(negative ? -whole.longValue() : whole.longValue());
    }
}
