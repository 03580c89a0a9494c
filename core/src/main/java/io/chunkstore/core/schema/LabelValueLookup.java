package io.chunkstore.core.schema;

import io.chunkstore.core.config.ConfigDialect;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.SchemaVersion;

/**
 * How v9+ schemas read the series of one label value ({@code name="value"}). Both give the same
 * entries after the value filter; they differ in what a backend scans.
 */
public enum LabelValueLookup {
    /**
     * Cortex 1.8-1.13 (the default): range value <em>start</em> {@code sha256b64(value) \0} plus
     * value-equal, so the backend scans from that hash to the end of the row and the value filter
     * removes the rest.
     */
    START,
    /** Loki 2.5+: range value <em>prefix</em> {@code sha256b64(value) \0} plus value-equal. */
    PREFIX;

    /**
     * The lookup the writer of a period's data uses: Loki's prefix for a Loki config and for schema
     * v12 (which only Loki has); Cortex's start otherwise. Loki 2.5+ reads with the prefix (its
     * {@code seriesStoreSchema}'s {@code GetReadQueriesForMetricLabelValue}); Cortex v9-v11 with
     * the start.
     */
    public static LabelValueLookup forPeriod(PeriodConfig period, ConfigDialect dialect) {
        return dialect == ConfigDialect.LOKI || period.schema() == SchemaVersion.V12
                ? PREFIX
                : START;
    }
}
