package io.chunkstore.core.blocks;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One unit of {@code convert blocks}: a tenant's samples in one UTC day clipped to the run's range,
 * which become one block (Cortex's blocksconvert planned per tenant and day too).
 *
 * @param tenant the tenant
 * @param day the UTC day
 * @param from first ms of the unit (inclusive)
 * @param to end of the unit (exclusive)
 */
public record ConversionUnit(String tenant, LocalDate day, long from, long to) {
    private static final long DAY_MS = 86_400_000L;

    /** {@code tenant/day}, how the unit is named in messages and in the summary. */
    public String id() {
        return tenant + "/" + day;
    }

    /**
     * Every unit of {@code tenants} over {@code [from, to)}: each UTC day the range touches, in
     * tenant order (as given) then day order.
     */
    public static List<ConversionUnit> plan(List<String> tenants, long from, long to) {
        if (to <= from) {
            throw new IllegalArgumentException(
                    "the range is empty: --to "
                            + Instant.ofEpochMilli(to)
                            + " is not after --from "
                            + Instant.ofEpochMilli(from));
        }
        List<ConversionUnit> out = new ArrayList<>();
        for (String t : tenants) {
            long dayStart = Math.floorDiv(from, DAY_MS) * DAY_MS;
            for (long d = dayStart; d < to; d += DAY_MS) {
                LocalDate day = Instant.ofEpochMilli(d).atZone(ZoneOffset.UTC).toLocalDate();
                out.add(new ConversionUnit(t, day, Math.max(from, d), Math.min(to, d + DAY_MS)));
            }
        }
        return out;
    }

    /**
     * Shard {@code index} of {@code count}: every {@code count}-th unit starting at {@code index}
     * of the plan sorted by tenant then day, so N runs with indexes 0..N-1 cover each unit once.
     */
    public static List<ConversionUnit> shard(List<ConversionUnit> units, int index, int count) {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException(
                    "--shard I/N needs 0 <= I < N, not " + index + "/" + count);
        }
        List<ConversionUnit> sorted = new ArrayList<>(units);
        sorted.sort(
                Comparator.comparing(ConversionUnit::tenant).thenComparing(ConversionUnit::day));
        List<ConversionUnit> out = new ArrayList<>();
        for (int i = index; i < sorted.size(); i += count) {
            out.add(sorted.get(i));
        }
        return out;
    }
}
