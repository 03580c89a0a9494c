package io.chunkstore.core.config;

import java.util.Objects;

/**
 * The part {@code [fromMs, throughMs]} (inclusive, milliseconds) of a time range that one period
 * handles, as {@link SchemaConfig#split} cuts a range at period boundaries.
 */
public record PeriodRange(PeriodConfig period, long fromMs, long throughMs) {
    public PeriodRange {
        Objects.requireNonNull(period, "period");
        if (throughMs < fromMs) {
            throw new IllegalArgumentException(
                    "through " + throughMs + " is before from " + fromMs);
        }
    }
}
