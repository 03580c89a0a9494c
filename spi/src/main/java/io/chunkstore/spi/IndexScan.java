package io.chunkstore.spi;

import java.util.List;

/**
 * Receives the entries of {@link IndexClient#scan}, a page at a time, on the calling thread.
 * Returning {@code false} stops the scan. A page holds entries of one or more rows; the entries of
 * one row arrive in ascending unsigned range-value order, rows in the backend's own order.
 */
@FunctionalInterface
public interface IndexScan {

    /**
     * @param entries entries of the table, each with its table name, hash value, range value and
     *     value
     * @return whether to go on
     */
    boolean onPage(List<IndexEntry> entries);

    /**
     * How a backend answers a scan with a hash-value prefix.
     *
     * <ul>
     *   <li>{@link #PREFIX}: it reads only the rows with the prefix (hash values are stored in
     *       order: the local store, the in-memory store, Bigtable without hashed row keys);
     *   <li>{@link #WHOLE_TABLE}: it reads the whole table and filters (hash values are placed by a
     *       hash of the key: Cassandra's partitioner, DynamoDB's partitions, {@code
     *       bigtable-hashed});
     *   <li>{@link #NONE}: it cannot scan at all ({@link IndexClient#scan} throws {@link
     *       UnsupportedOperationException}).
     * </ul>
     */
    enum Mode {
        PREFIX,
        WHOLE_TABLE,
        NONE
    }
}
