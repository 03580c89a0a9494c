package io.chunkstore.cli.common;

import io.chunkstore.core.config.Durations;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * The one parser of times on the command line, shared by every command that takes {@code --from} /
 * {@code --to}:
 *
 * <ul>
 *   <li>RFC 3339, with or without fractional seconds and with any offset: {@code
 *       2019-05-12T08:45:21Z}, {@code 2019-05-12T10:45:21.5+02:00}; a bare date {@code 2019-05-12}
 *       is UTC midnight;
 *   <li>a Unix timestamp, its unit told by its digits: up to 10 digits are seconds, 11-13
 *       milliseconds, 14-16 microseconds, 17-19 nanoseconds ({@code 1557650721}, {@code
 *       1557650721000}); a decimal number is seconds ({@code 1557650721.5});
 *   <li>{@code now}, {@code now-1h}, {@code now+30m}, with a Prometheus duration ({@code 1h30m},
 *       {@code 7d}, {@code 250ms}).
 * </ul>
 *
 * Results are milliseconds ({@link #parseMillis}) or nanoseconds ({@link #parseNanos}, for Loki's
 * log times).
 */
public final class CliTime {
    private static final Pattern INTEGER = Pattern.compile("-?(\\d{1,19})");
    private static final Pattern DECIMAL = Pattern.compile("-?\\d+\\.\\d*");
    private static final Pattern RELATIVE = Pattern.compile("now\\s*(?:([+-])\\s*(\\S+))?");
    private static final DateTimeFormatter RFC3339_MS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private CliTime() {}

    /**
     * A time in milliseconds since the epoch (sub-millisecond parts are truncated toward the past).
     *
     * @throws IllegalArgumentException naming the accepted forms when the text is none of them
     */
    public static long parseMillis(String text, Clock clock) {
        return Math.floorDiv(parseNanos(text, clock), 1_000_000L);
    }

    /** {@link #parseMillis(String, Clock)} for an option, whose name starts any error message. */
    public static long parseMillis(String option, String text, Clock clock) {
        try {
            return parseMillis(text, clock);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    /** {@link #parseNanos(String, Clock)} for an option, whose name starts any error message. */
    public static long parseNanos(String option, String text, Clock clock) {
        try {
            return parseNanos(text, clock);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    /**
     * A time in nanoseconds since the epoch.
     *
     * @throws IllegalArgumentException naming the accepted forms when the text is none of them
     */
    public static long parseNanos(String text, Clock clock) {
        String v = text == null ? "" : text.strip();
        try {
            Matcher rel = RELATIVE.matcher(v);
            if (rel.matches()) {
                long now = nanos(clock.instant());
                if (rel.group(1) == null) {
                    return now;
                }
                long d = parseDuration(rel.group(2)).toNanos();
                return rel.group(1).equals("-")
                        ? Math.subtractExact(now, d)
                        : Math.addExact(now, d);
            }
            Matcher num = INTEGER.matcher(v);
            if (num.matches()) {
                long n = Long.parseLong(v);
                int digits = num.group(1).length();
                if (digits <= 10) {
                    return Math.multiplyExact(n, 1_000_000_000L);
                } else if (digits <= 13) {
                    return Math.multiplyExact(n, 1_000_000L);
                } else if (digits <= 16) {
                    return Math.multiplyExact(n, 1_000L);
                }
                return n;
            }
            if (DECIMAL.matcher(v).matches()) {
                return new BigDecimal(v)
                        .movePointRight(9)
                        .setScale(0, RoundingMode.FLOOR)
                        .longValueExact();
            }
            if (v.length() == 10 && v.charAt(4) == '-') {
                return nanos(LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            return nanos(
                    OffsetDateTime.parse(v, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw invalid(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "cannot read time \"" + text + "\": " + e.getMessage(), e);
        }
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException(
                "cannot read time \""
                        + text
                        + "\": use RFC 3339 (2019-05-12T08:45:21Z),"
                        + " a date (2019-05-12), Unix seconds or milliseconds (1557650721, 1557650721000), or now-1h");
    }

    /**
     * A Prometheus duration ({@code 1h30m}, {@code 7d}, {@code 250ms}) or a number of seconds
     * ({@code 90}, {@code 0.5}).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Duration parseDuration(String text) {
        if (text.matches("\\d+(\\.\\d*)?")) {
            return Duration.ofNanos(
                    new java.math.BigDecimal(text)
                            .movePointRight(9)
                            .setScale(0, java.math.RoundingMode.HALF_EVEN)
                            .longValueExact());
        }
        return Durations.parse(text);
    }

    /** {@link #parseDuration(String)} for an option, whose name starts any error message. */
    public static Duration parseDuration(String option, String text) {
        try {
            return parseDuration(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    option
                            + ": cannot read duration \""
                            + text
                            + "\": use 5m, 1h30m, 250ms or a number of seconds",
                    e);
        }
    }

    /**
     * A time in milliseconds as RFC 3339 in UTC with milliseconds: {@code
     * 2019-05-12T08:45:21.000Z}.
     */
    public static String format(long ms) {
        return RFC3339_MS.format(Instant.ofEpochMilli(ms));
    }

    private static long nanos(Instant i) {
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    }

    /**
     * picocli: {@code --from} / {@code --to} in milliseconds, {@code now} from the system clock.
     */
    public static final class MillisConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return parseMillis(value, Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
