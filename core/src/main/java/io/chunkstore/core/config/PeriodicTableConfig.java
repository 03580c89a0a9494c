package io.chunkstore.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code index:} or {@code chunks:} block of a period config: a table-name prefix, a table
 * period and tags. With a zero period the store has one table named {@code prefix}; otherwise table
 * {@code prefix ‖ n} holds the times whose Unix seconds divided by the period's seconds give {@code
 * n} (weeks since 1970-01-01 for 168h).
 *
 * @param prefix table-name prefix; "" when absent
 * @param period table period; {@link Duration#ZERO} for a single non-periodic table
 * @param tags tags for tables the table manager creates (sorted by name)
 * @param pathPrefix Loki's {@code index.path_prefix} (object-store indexes only); "" when absent
 */
public record PeriodicTableConfig(
        String prefix, Duration period, Map<String, String> tags, String pathPrefix) {

    public PeriodicTableConfig {
        prefix = prefix == null ? "" : prefix;
        period = period == null ? Duration.ZERO : period;
        tags = tags == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
        pathPrefix = pathPrefix == null ? "" : pathPrefix;
        if (period.isNegative()) {
            throw new IllegalArgumentException("table period must not be negative: " + period);
        }
    }

    /** A table config without tags. */
    public static PeriodicTableConfig of(String prefix, Duration period) {
        return new PeriodicTableConfig(prefix, period, Map.of(), "");
    }

    /** Whether tables rotate (the period is non-zero). */
    public boolean isPeriodic() {
        return !period.isZero();
    }

    /** The table period in whole seconds (0 when non-periodic). */
    public long periodSeconds() {
        return period.toSeconds();
    }

    /**
     * The number of the table that holds time {@code timeMs}: Unix seconds divided by the period's
     * seconds (Go's truncating division, as Cortex computes it). Only for periodic tables.
     */
    public long tableNumber(long timeMs) {
        if (!isPeriodic()) {
            throw new IllegalStateException("table " + prefix + " is not periodic");
        }
        return (timeMs / 1000) / periodSeconds();
    }

    /** Cortex's {@code TableFor}: the name of the table that holds time {@code timeMs}. */
    public String tableFor(long timeMs) {
        return isPeriodic() ? prefix + tableNumber(timeMs) : prefix;
    }

    /** The names of every table that holds a time in {@code [fromMs, throughMs]}, in order. */
    public List<String> tablesFor(long fromMs, long throughMs) {
        if (!isPeriodic()) {
            return List.of(prefix);
        }
        List<String> out = new ArrayList<>();
        for (long n = tableNumber(fromMs), last = tableNumber(throughMs); n <= last; n++) {
            out.add(prefix + n);
        }
        return out;
    }

    /** Start of table {@code n} in milliseconds since the epoch. */
    public long tableStartMs(long n) {
        return Math.multiplyExact(n, periodSeconds()) * 1000;
    }

    @Override
    public String toString() {
        return "{prefix: "
                + prefix
                + ", period: "
                + Durations.format(period)
                + (tags.isEmpty() ? "" : ", tags: " + tags)
                + (pathPrefix.isEmpty() ? "" : ", path_prefix: " + pathPrefix)
                + "}";
    }
}
