package io.chunkstore.s3;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's {@code time.ParseDuration}, which Cortex and Loki use for the S3 block's durations ({@code 90s}, {@code 1m30s},
 * {@code 1.5s}, {@code 500ms}, {@code 0}): a sequence of decimal numbers, each with an optional fraction and a unit
 * {@code ns us µs ms s m h}. Negative durations are rejected (none of the settings allows one).
 */
final class GoDurations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    private static final Map<String, Long> UNIT_NANOS = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L,
            "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    private GoDurations() {
    }

    /**
     * Parses a Go duration.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static Duration parse(String text) {
        String s = text.strip();
        if (s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty() || s.startsWith("-")) {
            throw new IllegalArgumentException("not a valid non-negative duration: \"" + text
                    + "\" (write Go durations such as 90s, 1m30s, 500ms)");
        }
        Matcher m = PART.matcher(s);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("not a valid duration: \"" + text
                        + "\" (write Go durations such as 90s, 1m30s, 500ms; units ns, us, ms, s, m, h)");
            }
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(UNIT_NANOS.get(m.group(2)))));
            at = m.end();
        }
        try {
            return Duration.ofNanos(nanos.longValueExact());
        } catch (ArithmeticException e) {
            if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new IllegalArgumentException("duration out of range: \"" + text + "\"", e);
            }
            return Duration.ofNanos(nanos.longValue()); // a fraction of a nanosecond is truncated, as in Go
        }
    }
}
