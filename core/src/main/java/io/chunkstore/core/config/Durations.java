package io.chunkstore.core.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations in Prometheus' {@code model.Duration} form, as Cortex and Loki configs write table
 * periods: units {@code y w d h m s ms}, each at most once and in that order ({@code 168h}, {@code
 * 1w}, {@code 7d}, {@code 1h30m}, {@code 0}). A year is 365 days. No fractions, no signs, no
 * spaces.
 */
public final class Durations {
    private static final Pattern FORM =
            Pattern.compile(
                    "(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");
    private static final long[] UNIT_MS = {
        365L * 24 * 3600 * 1000,
        7L * 24 * 3600 * 1000,
        24L * 3600 * 1000,
        3600L * 1000,
        60L * 1000,
        1000L,
        1L,
    };

    private Durations() {}

    /**
     * Parses a Prometheus duration.
     *
     * @throws IllegalArgumentException saying what is wrong, for an empty, malformed or overflowing
     *     text
     */
    public static Duration parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty duration string");
        }
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "not a valid duration string: \""
                            + text
                            + "\" (use units y, w, d, h, m, s, ms in that order, e.g. 168h, 1w, 7d, 1h30m)");
        }
        long ms = 0;
        try {
            for (int g = 1; g <= UNIT_MS.length; g++) {
                String digits = m.group(g);
                if (digits != null) {
                    ms =
                            Math.addExact(
                                    ms, Math.multiplyExact(Long.parseLong(digits), UNIT_MS[g - 1]));
                }
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("duration out of range: \"" + text + "\"", e);
        }
        return Duration.ofMillis(ms);
    }

    /**
     * Formats a duration with hours as the largest unit ({@code 168h}, {@code 25h}, {@code 1h30m},
     * {@code 0}), so messages echo periods the way configs usually write them. The result parses
     * back with {@link #parse}.
     */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        if (ms < 0) {
            sb.append('-');
            ms = -ms;
        }
        long[] units = {3600_000L, 60_000L, 1000L, 1L};
        String[] names = {"h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            long n = ms / units[i];
            if (n > 0) {
                sb.append(n).append(names[i]);
                ms -= n * units[i];
            }
        }
        return sb.toString();
    }
}
