package io.chunkstore.core.schema;

import io.chunkstore.core.config.PeriodConfig;

/** Creates the {@link IndexSchema} of a period. */
public final class IndexSchemas {
    private IndexSchemas() {}

    /**
     * The schema of a period, reading label values as Cortex does ({@link LabelValueLookup#START}).
     */
    public static IndexSchema forPeriod(PeriodConfig period) {
        return forPeriod(period, LabelValueLookup.START);
    }

    /**
     * The schema of a period; {@code labelValueLookup} chooses how v9+ schemas read one label value
     * (Cortex's start, or Loki's prefix). It does not change what is written.
     */
    public static IndexSchema forPeriod(PeriodConfig period, LabelValueLookup labelValueLookup) {
        return period.schema().isSeriesStore()
                ? new SeriesStoreSchema(period, labelValueLookup)
                : new StoreSchema(period);
    }
}
