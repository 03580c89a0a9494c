package io.chunkstore.core.config;

import io.chunkstore.spi.ConfigException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A validated schema config: the period configs in increasing order of {@code from}, and the
 * questions the store asks of them: which period owns a time, which table holds a chunk, how a time
 * range splits across periods.
 */
public final class SchemaConfig {
    private final List<PeriodConfig> periods;
    private final long[] starts;
    private final ConfigDialect dialect;

    private SchemaConfig(List<PeriodConfig> periods, ConfigDialect dialect) {
        this.periods = List.copyOf(periods);
        this.dialect = dialect;
        this.starts = new long[periods.size()];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = periods.get(i).fromMs();
        }
    }

    /**
     * Validates and wraps period configs given in code; messages name entries as {@code
     * configs[i]}.
     */
    public static SchemaConfig of(List<PeriodConfig> periods) {
        return validated(periods, "configs");
    }

    /** Validates and wraps period configs given in code. */
    public static SchemaConfig of(PeriodConfig... periods) {
        return of(List.of(periods));
    }

    static SchemaConfig validated(List<PeriodConfig> periods, String keyPath) {
        if (periods.isEmpty()) {
            throw new ConfigException(
                    keyPath + " is empty: a schema config needs at least one period config");
        }
        for (int i = 0; i < periods.size(); i++) {
            PeriodConfig p = periods.get(i);
            String where = entryName(keyPath, i, p.from().toString());
            p.validate(where);
            if (i > 0 && !p.from().isAfter(periods.get(i - 1).from())) {
                throw new ConfigException(
                        where
                                + ": from "
                                + p.from()
                                + " is not after the previous entry's from "
                                + periods.get(i - 1).from()
                                + " (from time in schemas must be distinct and in increasing order)");
            }
        }
        return new SchemaConfig(periods, ConfigDialect.CORTEX);
    }

    /**
     * The same periods as written by a {@code dialect} file: it decides how label values are looked
     * up ({@link io.chunkstore.core.schema.LabelValueLookup#forPeriod}). Periods given in code are
     * Cortex's.
     */
    public SchemaConfig withDialect(ConfigDialect dialect) {
        return new SchemaConfig(periods, java.util.Objects.requireNonNull(dialect, "dialect"));
    }

    /**
     * The kind of file the periods came from ({@link ConfigDialect#CORTEX} for periods given in
     * code).
     */
    public ConfigDialect dialect() {
        return dialect;
    }

    /** How messages name an entry: {@code schema_config.configs[1] (from 2020-01-01)}. */
    static String entryName(String keyPath, int index, String from) {
        return keyPath + "[" + index + "]" + (from == null ? "" : " (from " + from + ")");
    }

    /** The period configs, in increasing order of {@code from}. */
    public List<PeriodConfig> periods() {
        return periods;
    }

    /**
     * The period owning time {@code timeMs}: the one with the greatest {@code from <= timeMs};
     * empty before all.
     */
    public Optional<PeriodConfig> periodAt(long timeMs) {
        int i = lastStartAtOrBefore(timeMs);
        return i < 0 ? Optional.empty() : Optional.of(periods.get(i));
    }

    /**
     * The period owning time {@code timeMs}.
     *
     * @throws ConfigException when the time is before the first period
     */
    public PeriodConfig periodFor(long timeMs) {
        return periodAt(timeMs)
                .orElseThrow(
                        () ->
                                new ConfigException(
                                        "no schema period covers time "
                                                + describe(timeMs)
                                                + ": the first period starts "
                                                + periods.get(0).from()));
    }

    /**
     * Cortex's {@code ChunkTableFor} (Cortex {@code pkg/chunk/schema_config.go}): the chunk table
     * of a chunk whose {@code from} is {@code chunkFromMs}, from the period owning that time. The
     * one chunk-table rule of the project: the store's writes and reads and the plugin server's
     * DeleteChunks all ask here. A chunk starting before the first period has no table, as in
     * Cortex, whose table-backed chunk clients fail such a write or fetch.
     *
     * @throws ConfigException "no chunk table found for time ..." when the time is before the first
     *     period
     */
    public String chunkTableFor(long chunkFromMs) {
        return periodAt(chunkFromMs)
                .map(p -> p.chunks().tableFor(chunkFromMs))
                .orElseThrow(
                        () ->
                                new ConfigException(
                                        "no chunk table found for time "
                                                + describe(chunkFromMs)
                                                + ": the schema config's first period starts "
                                                + periods.get(0).from()));
    }

    /**
     * Whether a chunk starting at {@code chunkFromMs} belongs to a period of schema v12 or later,
     * whose chunks use Loki's newer external key ({@code user/fp/from:through:checksum}). False
     * before the first period.
     */
    public boolean isV12OrLater(long chunkFromMs) {
        return periodAt(chunkFromMs).map(p -> p.schema().number() >= 12).orElse(false);
    }

    /**
     * Splits {@code [fromMs, throughMs]} across periods as Cortex's composite store does
     * (pkg/chunk/composite_store.go): starting at the period owning {@code fromMs} (or the first
     * period, with {@code fromMs} clamped to its start, when the range begins before it), each
     * period gets {@code [cur, min(throughMs, nextStart - 1)]}. A range that ends before the first
     * period gives nothing.
     */
    public List<PeriodRange> split(long fromMs, long throughMs) {
        List<PeriodRange> out = new ArrayList<>();
        if (throughMs < fromMs) {
            return out;
        }
        int i = lastStartAtOrBefore(fromMs);
        long cur = fromMs;
        if (i < 0) {
            i = 0;
            cur = starts[0];
        }
        for (; i < periods.size() && starts[i] <= throughMs; i++) {
            long nextStart = i + 1 < periods.size() ? starts[i + 1] : Long.MAX_VALUE;
            long end = Math.min(throughMs, nextStart - 1);
            out.add(new PeriodRange(periods.get(i), cur, end));
            cur = nextStart;
        }
        return out;
    }

    private int lastStartAtOrBefore(long timeMs) {
        int found = -1;
        for (int i = 0; i < starts.length && starts[i] <= timeMs; i++) {
            found = i;
        }
        return found;
    }

    private static String describe(long timeMs) {
        return timeMs + " (" + Instant.ofEpochMilli(timeMs) + ")";
    }

    @Override
    public String toString() {
        return "SchemaConfig" + periods;
    }
}
