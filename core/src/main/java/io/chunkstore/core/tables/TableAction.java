package io.chunkstore.core.tables;

import io.chunkstore.spi.TableDesc;
import java.util.Objects;

/**
 * One step of a {@link TablePlan}: what a sync does to one table, and why.
 *
 * @param kind create, update, delete or keep
 * @param table the table name
 * @param current the table as described now (null for a table to create)
 * @param expected the table as it should be (null for a table to delete or an unmanaged one kept)
 * @param reason why, in words (for keep: why nothing is done)
 */
public record TableAction(
        Kind kind, String table, TableDesc current, TableDesc expected, String reason) {

    /** What happens to the table. */
    public enum Kind {
        /** Missing and expected: {@code createTable(expected)}. */
        CREATE,
        /** Exists with other provisioning: {@code updateTable(current, expected)}. */
        UPDATE,
        /**
         * Past the retention period and retention deletes are enabled: {@code deleteTable(table)}.
         */
        DELETE,
        /**
         * Nothing to do (as expected, updates disabled, not active yet, or past retention with
         * deletes off).
         */
        KEEP
    }

    public TableAction {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(table, "table");
        reason = reason == null ? "" : reason;
    }

    /** One line for people: {@code update index_2600 read 300 -> 1, write 1000 -> 1 (inactive)}. */
    public String describe() {
        String what =
                switch (kind) {
                    case CREATE -> provisioning(expected);
                    case UPDATE -> changes(current, expected);
                    case DELETE, KEEP -> "";
                };
        StringBuilder sb =
                new StringBuilder(
                        String.format(
                                "%-7s %s", kind.name().toLowerCase(java.util.Locale.ROOT), table));
        if (!what.isEmpty()) {
            sb.append("  ").append(what);
        }
        if (!reason.isEmpty()) {
            sb.append(" (").append(reason).append(')');
        }
        return sb.toString();
    }

    private static String provisioning(TableDesc d) {
        StringBuilder sb = new StringBuilder();
        if (d.useOnDemandIOMode()) {
            sb.append("on-demand");
        } else {
            sb.append("read ")
                    .append(d.provisionedRead())
                    .append(", write ")
                    .append(d.provisionedWrite());
        }
        if (d.writeScale().enabled()) {
            sb.append(", write auto-scaling ")
                    .append(d.writeScale().minCapacity())
                    .append('-')
                    .append(d.writeScale().maxCapacity());
        }
        if (d.readScale().enabled()) {
            sb.append(", read auto-scaling ")
                    .append(d.readScale().minCapacity())
                    .append('-')
                    .append(d.readScale().maxCapacity());
        }
        if (!d.tags().isEmpty()) {
            sb.append(", tags ").append(d.tags());
        }
        return sb.toString();
    }

    private static String changes(TableDesc from, TableDesc to) {
        StringBuilder sb = new StringBuilder();
        change(sb, "on-demand", from.useOnDemandIOMode(), to.useOnDemandIOMode());
        change(sb, "read", from.provisionedRead(), to.provisionedRead());
        change(sb, "write", from.provisionedWrite(), to.provisionedWrite());
        change(sb, "write auto-scaling", scale(from.writeScale()), scale(to.writeScale()));
        change(sb, "read auto-scaling", scale(from.readScale()), scale(to.readScale()));
        change(sb, "tags", from.tags(), to.tags());
        return sb.toString();
    }

    private static String scale(io.chunkstore.spi.AutoScalingConfig s) {
        return s.enabled()
                ? s.minCapacity() + "-" + s.maxCapacity() + " @" + s.target() + "%"
                : "off";
    }

    private static void change(StringBuilder sb, String what, Object from, Object to) {
        if (!from.equals(to)) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(what).append(' ').append(from).append(" -> ").append(to);
        }
    }
}
