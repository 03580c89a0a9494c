package io.chunkstore.cassandra;

import io.chunkstore.spi.IndexQuery;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The CQL text of every statement, as Cortex writes it (pkg/chunk/cassandra/storage_client.go,
 * table_client.go) except where noted: table names are keyspace-qualified and quoted (see {@link
 * CqlIdentifiers}), and an index query's prefix is the exact range {@code [prefix,
 * nextPrefix(prefix))}.
 */
final class Cql {
    static final String SELECT_KEYSPACE =
            "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?";
    static final String LIST_TABLES =
            "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?";
    static final String DESCRIBE_TABLE =
            "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?";

    /** Cortex's table definition, for index and chunk tables alike. */
    static final String TABLE_COLUMNS =
            "(hash text, range blob, value blob, PRIMARY KEY (hash, range))";

    private Cql() {}

    /** {@code "keyspace"."table"}; both must be validated and folded. */
    static String qualified(String keyspace, String table) {
        return CqlIdentifiers.quote(keyspace) + "." + CqlIdentifiers.quote(table);
    }

    static String createKeyspace(
            String keyspace,
            String strategy,
            int replicationFactor,
            Map<String, Integer> datacenterFactors) {
        String replication =
                strategy.equals("NetworkTopologyStrategy")
                        ? "{'class': 'NetworkTopologyStrategy', "
                                + datacenterFactors.entrySet().stream()
                                        .map(e -> "'" + e.getKey() + "': " + e.getValue())
                                        .collect(Collectors.joining(", "))
                                + "}"
                        : "{'class': 'SimpleStrategy', 'replication_factor': "
                                + replicationFactor
                                + "}";
        return "CREATE KEYSPACE IF NOT EXISTS "
                + CqlIdentifiers.quote(keyspace)
                + " WITH replication = "
                + replication;
    }

    static String createTable(String qualifiedTable, String tableOptions) {
        return "CREATE TABLE IF NOT EXISTS "
                + qualifiedTable
                + " "
                + TABLE_COLUMNS
                + (tableOptions.isEmpty() ? "" : " WITH " + tableOptions);
    }

    static String dropTable(String qualifiedTable) {
        return "DROP TABLE IF EXISTS " + qualifiedTable;
    }

    static String insertEntry(String t) {
        return "INSERT INTO " + t + " (hash, range, value) VALUES (?, ?, ?)";
    }

    static String deleteEntry(String t) {
        return "DELETE FROM " + t + " WHERE hash = ? AND range = ?";
    }

    static String insertChunk(String t) {
        return "INSERT INTO " + t + " (hash, range, value) VALUES (?, 0x00, ?)";
    }

    static String selectChunk(String t) {
        return "SELECT value FROM " + t + " WHERE hash = ?";
    }

    static String deleteChunk(String t) {
        return "DELETE FROM " + t + " WHERE hash = ?";
    }

    /** Every entry of a table, in token order (partitions by the hash of their key). */
    static String scanEntries(String t) {
        return "SELECT hash, range, value FROM " + t;
    }

    /** The shape of an index read: which bounds it binds after the hash value. */
    enum ReadShape {
        /** {@code hash = ?}. */
        ROW,
        /**
         * {@code hash = ? AND range >= ?}: a start, or a prefix with no upper bound (all 0xFF
         * bytes).
         */
        FROM,
        /** {@code hash = ? AND range >= ? AND range < ?}: a prefix. */
        BETWEEN
    }

    static ReadShape shape(IndexQuery q, byte[] prefixEnd) {
        if (q.hasPrefix()) {
            return prefixEnd == null ? ReadShape.FROM : ReadShape.BETWEEN;
        }
        return q.hasStart() ? ReadShape.FROM : ReadShape.ROW;
    }

    /**
     * An index read. With {@code filterOnServer} a value-equal query adds {@code AND value = ?
     * ALLOW FILTERING} (Cortex's way); otherwise values are filtered on the client and Cassandra
     * never filters.
     */
    static String selectEntries(String t, ReadShape shape, boolean filterOnServer) {
        String cql =
                "SELECT range, value FROM "
                        + t
                        + " WHERE hash = ?"
                        + switch (shape) {
                            case ROW -> "";
                            case FROM -> " AND range >= ?";
                            case BETWEEN -> " AND range >= ? AND range < ?";
                        };
        return filterOnServer ? cql + " AND value = ? ALLOW FILTERING" : cql;
    }
}
