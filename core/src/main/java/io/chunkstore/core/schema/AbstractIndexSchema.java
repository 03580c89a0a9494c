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
