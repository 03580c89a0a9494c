package io.chunkstore.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Which schema periods own a table name. A period owns the index tables {@code index.prefix ‖ n}
 * whose time range {@code [n·period, (n+1)·period)} overlaps the period's own range {@code [from,
 * next period's from)}, or the one table {@code index.prefix} when its index is not periodic; the
 * same for chunk tables with {@code chunks}. {@code n} is written as Go's {@code %d} writes it (no
 * sign, no leading zeros). A table at a period boundary belongs to both periods.
 *
 * <p>{@code chunkstore serve} routes index and table requests by it, {@code chunkstore index scan}
 * finds the schema version of a table with it.
 */
public final class PeriodTables {
    /** The role a table plays for a period. */
    public enum Role {
        /** An index table ({@code index:} block, store {@code store}). */
        INDEX,
        /** A chunk table ({@code chunks:} block, store {@code object_store}). */
        CHUNKS
    }

    /**
     * One period's claim on a range of table names.
     *
     * @param period the period
     * @param role index or chunk tables
     * @param store the store name keeping them ({@code store} for the index, {@code object_store}
     *     for chunks)
     * @param prefix the table prefix
     * @param first the first table number, or -1 for a non-periodic table (named {@code prefix})
     * @param last the last table number ({@link Long#MAX_VALUE} for the newest period), -1 when
     *     non-periodic
     */
    public record Claim(
            PeriodConfig period, Role role, String store, String prefix, long first, long last) {
        /** Whether the name is one of these tables. */
        public boolean owns(String table) {
            if (first < 0) {
                return table.equals(prefix);
            }
            if (!table.startsWith(prefix)) {
                return false;
            }
            long n = tableNumber(table.substring(prefix.length()));
            return n >= first && n <= last;
        }

        /** The names, for messages: {@code index_2600..index_2610} or {@code index_2600..}. */
        public String describe() {
            if (first < 0) {
                return prefix;
            }
            return prefix + first + ".." + (last == Long.MAX_VALUE ? "" : prefix + last);
        }
    }

    private final SchemaConfig schema;
    private final List<Claim> claims = new ArrayList<>();

    public PeriodTables(SchemaConfig schema) {
        this.schema = schema;
        List<PeriodConfig> periods = schema.periods();
        for (int i = 0; i < periods.size(); i++) {
            PeriodConfig p = periods.get(i);
            long end = i + 1 < periods.size() ? periods.get(i + 1).fromMs() : Long.MAX_VALUE;
            add(p, Role.INDEX, p.store(), p.index(), end);
            add(p, Role.CHUNKS, p.objectStore(), p.chunks(), end);
        }
    }

    private void add(
            PeriodConfig p, Role role, String store, PeriodicTableConfig tables, long endMs) {
        if (tables.prefix().isEmpty()) {
            return;
        }
        if (!tables.isPeriodic()) {
            claims.add(new Claim(p, role, store, tables.prefix(), -1, -1));
            return;
        }
        long first = tables.tableNumber(p.fromMs());
        long last = endMs == Long.MAX_VALUE ? Long.MAX_VALUE : tables.tableNumber(endMs - 1);
        claims.add(new Claim(p, role, store, tables.prefix(), first, last));
    }

    public SchemaConfig schema() {
        return schema;
    }

    /** Every claim, in period order, index before chunks. */
    public List<Claim> claims() {
        return List.copyOf(claims);
    }

    /**
     * The claims on a table name in one role, oldest period first; empty when no period owns it.
     */
    public List<Claim> owners(String table, Role role) {
        List<Claim> out = new ArrayList<>();
        for (Claim c : claims) {
            if (c.role == role && c.owns(table)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The periods whose index tables include this name, oldest first. */
    public List<PeriodConfig> indexPeriods(String table) {
        return periods(owners(table, Role.INDEX));
    }

    /** The periods whose chunk tables include this name, oldest first. */
    public List<PeriodConfig> chunkPeriods(String table) {
        return periods(owners(table, Role.CHUNKS));
    }

    private static List<PeriodConfig> periods(List<Claim> claims) {
        List<PeriodConfig> out = new ArrayList<>();
        for (Claim c : claims) {
            if (!out.contains(c.period())) {
                out.add(c.period());
            }
        }
        return out;
    }

    /**
     * Pairs of claims in one role whose table names overlap but whose stores differ: such a name
     * would live in two stores, and a request that carries only the table name cannot say which.
     *
     * @param role the role to check
     * @param storeOf the store a claim is routed to (usually {@link Claim#store()})
     */
    public List<Claim[]> conflicts(Role role, Function<Claim, String> storeOf) {
        List<Claim[]> out = new ArrayList<>();
        for (int i = 0; i < claims.size(); i++) {
            for (int j = i + 1; j < claims.size(); j++) {
                Claim a = claims.get(i);
                Claim b = claims.get(j);
                if (a.role == role
                        && b.role == role
                        && !storeOf.apply(a).equals(storeOf.apply(b))
                        && overlap(a, b)) {
                    out.add(new Claim[] {a, b});
                }
            }
        }
        return out;
    }

    private static boolean overlap(Claim a, Claim b) {
        if (a.first < 0 && b.first < 0) {
            return a.prefix.equals(b.prefix);
        }
        if (a.first < 0) {
            return b.owns(a.prefix);
        }
        if (b.first < 0) {
            return a.owns(b.prefix);
        }
        if (a.prefix.equals(b.prefix)) {
            return a.first <= b.last && b.first <= a.last;
        }
        // One prefix extends the other with digits ("idx_" and "idx_1"): a name may parse both
        // ways.
        Claim longer = a.prefix.length() > b.prefix.length() ? a : b;
        Claim shorter = longer == a ? b : a;
        if (!longer.prefix.startsWith(shorter.prefix)
                || !longer.prefix
                        .substring(shorter.prefix.length())
                        .chars()
                        .allMatch(Character::isDigit)) {
            return false;
        }
        return true;
    }

    /** A table number as Go's {@code %d} writes it; -1 for anything else. */
    static long tableNumber(String digits) {
        if (digits.isEmpty()
                || digits.length() > 18
                || (digits.length() > 1 && digits.charAt(0) == '0')) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (!Character.isDigit(digits.charAt(i)) || digits.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(digits);
    }
}
