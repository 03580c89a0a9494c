package io.chunkstore.spi;

import java.util.List;

/**
 * Creates, lists, describes, updates and deletes the physical tables of a table store (Cortex's
 * TableClient).
 */
public interface TableClient extends AutoCloseable {

    /** Names of the tables this store manages, sorted. */
    List<String> listTables();

    /** Creates the table; creating a table that exists is a no-op. */
    void createTable(TableDesc desc);

    /** Deletes the table and everything in it; deleting a missing table is a no-op. */
    void deleteTable(String name);

    /**
     * @throws TableNotFoundException when the table does not exist
     */
    TableStatus describeTable(String name);

    /**
     * Brings {@code current} to {@code expected} (throughput, billing mode, tags); a no-op where
     * not supported.
     */
    void updateTable(TableDesc current, TableDesc expected);

    @Override
    void close();
}
