package io.chunkstore.core.schema;

import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.model.Labels;
import io.chunkstore.spi.InvalidRequestException;
import java.util.List;
import java.util.Objects;

/** What every schema shares: its period, its buckets, and the checks of its inputs. */
abstract class AbstractIndexSchema implements IndexSchema {
    /**
     * The value of v9+ metric-row and v10+ chunk entries: Cortex's non-empty placeholder {@code
     * "-"}.
     */
    static final byte[] EMPTY_PLACEHOLDER = {'-'};

    private final PeriodConfig period;

    AbstractIndexSchema(PeriodConfig period) {
        this.period = Objects.requireNonNull(period, "period");
    }

    @Override
    public PeriodConfig period() {
        return period;
    }

    @Override
    public List<Bucket> buckets(long fromMs, long throughMs, String userId) {
        if (throughMs < fromMs) {
            throw new InvalidRequestException(
                    "time range through " + throughMs + " is before from " + fromMs);
        }
        return Buckets.forPeriod(period, fromMs, throughMs, userId);
    }

    /**
     * Whether a hash-value part is a bucket of this schema ({@code <hour>} for v1, {@code d<day>}
     * otherwise) that overlaps {@code [fromMs, throughMs]}.
     */
    boolean isBucketIn(String part, long fromMs, long throughMs) {
        boolean hourly = period.schema().hasHourlyBuckets();
        String digits = hourly ? part : part.startsWith("d") ? part.substring(1) : "";
        if (digits.isEmpty() || digits.length() > 9) {
            return false;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return false;
            }
        }
        long size = hourly ? Buckets.HOUR_MS : Buckets.DAY_MS;
        long start = Long.parseLong(digits) * size;
        return start <= throughMs && start + size > fromMs;
    }

    static String metricName(Labels labels) {
        String name = labels.metricName();
        if (name.isEmpty()) {
            throw new InvalidRequestException(
                    "metric name label missing: " + labels + " has no " + Labels.METRIC_NAME);
        }
        return name;
    }

    UnsupportedLookupException unsupported(String what) {
        return new UnsupportedLookupException("schema " + version() + " does not support " + what);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + period + "]";
    }
}
