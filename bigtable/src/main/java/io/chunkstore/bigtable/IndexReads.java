package io.chunkstore.bigtable;

import static com.google.cloud.bigtable.data.v2.models.Filters.FILTERS;

import com.google.cloud.bigtable.data.v2.models.Filters;
import com.google.cloud.bigtable.data.v2.models.Query;
import com.google.cloud.bigtable.data.v2.models.Range.ByteStringRange;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.protobuf.ByteString;
import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.IndexQuery;
import java.util.Collection;

/**
 * Builds the ReadRows requests of index queries, pushing the range-value prefix or start and the
 * value-equal condition to the server wherever the layout allows (Cortex reads whole rows and
 * filters on the client).
 *
 * <ul>
 *   <li>{@link IndexLayout#GCP}: the range value is in the row key, so a prefix becomes the row
 *       range {@code prefix(hash ‖ 0x00 ‖ prefix)} and a start the row range {@code [hash ‖ 0x00 ‖
 *       start, hash ‖ 0x01)}: up to the end of that hash value's rows (not Cortex's {@code hash ‖
 *       0x00 ‖ 0xFF}, which misses range values starting with 0xFF followed by more bytes).
 *   <li>Column-key layouts: a prefix becomes the qualifier range {@code [prefix,
 *       nextPrefix(prefix))}, a start {@code [start, ∞)}; rows are read a page of cells at a time
 *       ({@code cells_per_row_limit}) and continued after the last qualifier seen, because the Java
 *       client assembles each row whole before handing it over.
 *   <li>Both: value-equal becomes a value range filter {@code [v, v]} (exact bytes, no regular
 *       expression), applied after {@code cells_per_column_limit 1} so only the latest cell of a
 *       column counts.
 * </ul>
 */
final class IndexReads {
    /**
     * Row keys per ReadRows request (Cortex's {@code maxRowReads}: a RowSet is capped at about 1
     * MB).
     */
    static final int MAX_ROWS_PER_READ = 100;

    private IndexReads() {}

    // ---- gcp (one row per entry)

    /** The rows of a query in the {@link IndexLayout#GCP} layout. */
    static ByteStringRange gcpRowRange(IndexQuery q) {
        ByteString base = IndexLayout.GCP.rowKeyPrefix(q.hashValue());
        if (q.hasPrefix()) {
            return ByteStringRange.prefix(base.concat(IndexLayout.wrap(q.rangeValuePrefix())));
        }
        if (q.hasStart()) {
            return ByteStringRange.unbounded()
                    .startClosed(base.concat(IndexLayout.wrap(q.rangeValueStart())))
                    .endOpen(IndexLayout.wrap(Bytes.nextPrefix(base.toByteArray())));
        }
        return ByteStringRange.prefix(base);
    }

    /**
     * The whole request of a {@link IndexLayout#GCP} query: its row range and the cell {@code f:c}.
     */
    static Query gcpQuery(IndexQuery q) {
        Filters.ChainFilter chain =
                FILTERS.chain()
                        .filter(
                                FILTERS.qualifier()
                                        .rangeWithinFamily(IndexLayout.FAMILY)
                                        .startClosed(IndexLayout.CHUNK_QUALIFIER)
                                        .endClosed(IndexLayout.CHUNK_QUALIFIER))
                        .filter(FILTERS.limit().cellsPerColumn(1));
        if (q.hasValueEqual()) {
            chain.filter(valueEqual(q.valueEqual()));
        }
        return Query.create(TableId.of(q.tableName())).range(gcpRowRange(q)).filter(chain);
    }

    // ---- column-key layouts (one row per hash value)

    /**
     * The cell filter of a column-key read: the query's qualifier range (starting after {@code
     * after} when continuing a row, else at the query's own bound), the latest cell per column, the
     * value condition, at most {@code pageCells} cells per row.
     */
    static Filters.Filter columnKeyFilter(IndexQuery q, ByteString after, int pageCells) {
        Filters.ChainFilter chain = FILTERS.chain();
        ByteString end = null;
        if (q.hasPrefix()) {
            byte[] next = Bytes.nextPrefix(q.rangeValuePrefix());
            end = next == null ? null : IndexLayout.wrap(next);
        }
        ByteString start =
                q.hasPrefix()
                        ? IndexLayout.wrap(q.rangeValuePrefix())
                        : q.hasStart() ? IndexLayout.wrap(q.rangeValueStart()) : null;
        if (start == null && after == null) {
            chain.filter(FILTERS.family().exactMatch(IndexLayout.FAMILY));
        } else {
            Filters.QualifierRangeFilter range =
                    FILTERS.qualifier().rangeWithinFamily(IndexLayout.FAMILY);
            if (after != null) {
                range.startOpen(after);
            } else {
                range.startClosed(start);
            }
            if (end != null) {
                range.endOpen(end);
            }
            chain.filter(range);
        }
        chain.filter(FILTERS.limit().cellsPerColumn(1));
        if (q.hasValueEqual()) {
            chain.filter(valueEqual(q.valueEqual()));
        }
        chain.filter(FILTERS.limit().cellsPerRow(pageCells));
        return chain;
    }

    /**
     * A read of up to {@link #MAX_ROWS_PER_READ} rows that share the conditions of {@code
     * conditions}.
     */
    static Query columnKeyQuery(
            IndexQuery conditions,
            Collection<ByteString> rowKeys,
            ByteString after,
            int pageCells) {
        if (rowKeys.isEmpty() || rowKeys.size() > MAX_ROWS_PER_READ) {
            throw new IllegalArgumentException(
                    "a read names 1 to " + MAX_ROWS_PER_READ + " rows, not " + rowKeys.size());
        }
        Query query = Query.create(TableId.of(conditions.tableName()));
        rowKeys.forEach(query::rowKey);
        return query.filter(columnKeyFilter(conditions, after, pageCells));
    }

    /**
     * The key that groups queries which can share one request: same table and same prefix, start
     * and value conditions (the filter is per request).
     */
    static String conditionsKey(IndexQuery q) {
        return q.tableName()
                + '\u0000'
                + Bytes.hex(q.rangeValuePrefix())
                + '/'
                + Bytes.hex(q.rangeValueStart())
                + '/'
                + Bytes.hex(q.valueEqual());
    }

    private static Filters.Filter valueEqual(byte[] value) {
        ByteString v = IndexLayout.wrap(value);
        return FILTERS.value().range().startClosed(v).endClosed(v);
    }
}
