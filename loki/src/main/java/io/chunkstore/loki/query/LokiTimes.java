package io.chunkstore.loki.query;

import io.chunkstore.core.config.Durations;
import io.chunkstore.spi.InvalidQueryException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Times and durations as Loki's HTTP API and the cli take them. Timestamps: an integer of up to 10
 * digits is Unix seconds, a longer one Unix nanoseconds, a decimal number is seconds with a
 * fraction (Loki's {@code parseTimestamp}), and RFC 3339 text with or without fractional seconds.
 * The cli also takes {@code now}, {@code now-1h} and {@code now+30m}. Durations: Prometheus form
 * ({@code 1h30m}, {@code 500ms}) or seconds.
 */
public final class LokiTimes {
    private static final long NS = 1_000_000_000L;

    private LokiTimes() {}

    /** Unix ns of an instant. */
    public static long nanos(Instant i) {
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), NS), i.getNano());
    }

    /** Now, in Unix ns. */
    public static long now(Clock clock) {
        return nanos(clock.instant());
    }

    /**
     * Loki's HTTP timestamp: null or empty gives {@code defaultNs}.
     *
     * @throws InvalidQueryException naming the parameter when the text is none of the accepted
     *     forms
     */
    public static long parse(String param, String value, long defaultNs) {
        if (value == null || value.isEmpty()) {
            return defaultNs;
        }
        try {
            if (value.matches("-?\\d+")) {
                long v = Long.parseLong(value);
                return value.replace("-", "").length() <= 10 ? Math.multiplyExact(v, NS) : v;
            }
            if (value.matches("-?\\d+\\.\\d*")) {
                BigDecimal secs = new BigDecimal(value).setScale(3, RoundingMode.HALF_EVEN);
                return secs.movePointRight(9).longValueExact();
            }
            return nanos(
                    OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                            .toInstant());
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            throw new InvalidQueryException(
                    "cannot parse \""
                            + value
                            + "\" to a valid timestamp for "
                            + param
                            + ": use Unix seconds, Unix nanoseconds or RFC 3339 (2006-01-02T15:04:05.999999999Z)",
                    e);
        }
    }

    /**
     * A duration: Prometheus form ({@code 5m}, {@code 1h30m}, {@code 250ms}) or a number of seconds
     * ({@code 10}, {@code 0.5}).
     */
    public static Duration duration(String param, String value) {
        try {
            if (value.matches("\\d+(\\.\\d*)?")) {
                return Duration.ofNanos(
                        new BigDecimal(value)
                                .movePointRight(9)
                                .setScale(0, RoundingMode.HALF_EVEN)
                                .longValueExact());
            }
            return Durations.parse(value);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new InvalidQueryException(
                    "cannot parse \""
                            + value
                            + "\" to a valid duration for "
                            + param
                            + ": use 5m, 1h30m, 250ms or a number of seconds",
                    e);
        }
    }

    /** Go's RFC3339Nano in UTC: fractional seconds without trailing zeros, none when whole. */
    public static String rfc3339Nano(long ns) {
        Instant i = Instant.ofEpochSecond(Math.floorDiv(ns, NS), Math.floorMod(ns, NS));
        String base =
                DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss")
                        .withZone(ZoneOffset.UTC)
                        .format(i);
        int nano = i.getNano();
        if (nano == 0) {
            return base + "Z";
        }
        String frac = String.format("%09d", nano).replaceAll("0+$", "");
        return base + "." + frac + "Z";
    }

    /**
     * Go's {@code time.Duration.String()}: {@code 1m0s}, {@code 30s}, {@code 1h0m0s}, {@code
     * 500ms}.
     */
    public static String goDuration(Duration d) {
        long ns = d.toNanos();
        if (ns == 0) {
            return "0s";
        }
        String sign = ns < 0 ? "-" : "";
        long a = Math.abs(ns);
        if (a < NS) {
            if (a < 1_000) {
                return sign + a + "ns";
            }
            if (a < 1_000_000) {
                return sign
                        + new BigDecimal(a).movePointLeft(3).stripTrailingZeros().toPlainString()
                        + "µs";
            }
            return sign
                    + new BigDecimal(a).movePointLeft(6).stripTrailingZeros().toPlainString()
                    + "ms";
        }
        long h = a / (3600 * NS);
        long m = (a / (60 * NS)) % 60;
        String sec =
                new BigDecimal(a % (60 * NS)).movePointLeft(9).stripTrailingZeros().toPlainString();
        StringBuilder sb = new StringBuilder(sign);
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (h > 0 || m > 0) {
            sb.append(m).append('m');
        }
        return sb.append(sec).append('s').toString();
    }
}
