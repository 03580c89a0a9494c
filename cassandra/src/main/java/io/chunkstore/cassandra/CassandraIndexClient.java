package io.chunkstore.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexScan;
import io.chunkstore.spi.IndexWriteException;
import io.chunkstore.spi.PageConsumer;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.support.ParallelQueries;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Cortex's Cassandra index client: rows {@code (hash, range, value)} of the index tables.
 *
 * <ul>
 *   <li>Writes: every put ({@code INSERT}), then every delete ({@code DELETE ... WHERE hash = ? AND
 *       range = ?}), one statement per entry as in Cortex (no CQL batch), but up to {@code
 *       write_concurrency} in flight at once. The first failure stops new statements; once those in
 *       flight are done the call throws an {@link IndexWriteException} listing exactly the entries
 *       not acknowledged (and every delete if a put failed).
 *   <li>Reads: one prepared {@code SELECT} per query; a prefix is the exact range {@code [prefix,
 *       nextPrefix)}; a value-equal condition is checked on the client (or by the server with
 *       {@code allow_filtering}). Pages of {@code page_size} rows are handed to the consumer on a
 *       worker thread one by one; the next page is fetched only after the consumer returned {@code
 *       true}. Queries of a call run in parallel, at most {@code query_concurrency} at once.
 * </ul>
 */
public final class CassandraIndexClient implements IndexClient {
    private final CassandraSession session;

    CassandraIndexClient(CassandraSession session) {
        this.session = session;
    }

    @Override
    public void batchWrite(WriteBatch batch) {
        List<IndexEntry> puts = batch.puts();
        List<IndexEntry> deletes = batch.deletes();
        int limit = session.config().effectiveWriteConcurrency();
        BoundedAsync.Outcomes<AsyncResultSet> p =
                BoundedAsync.run(puts.size(), limit, true, i -> put(puts.get(i)));
        List<IndexEntry> unwrittenPuts = notSucceeded(puts, p);
        if (!unwrittenPuts.isEmpty()) {
            throw failure("index write", puts, p, unwrittenPuts, deletes);
        }
        BoundedAsync.Outcomes<AsyncResultSet> d =
                BoundedAsync.run(deletes.size(), limit, true, i -> delete(deletes.get(i)));
        List<IndexEntry> unwrittenDeletes = notSucceeded(deletes, d);
        if (!unwrittenDeletes.isEmpty()) {
            throw failure("index delete", deletes, d, List.of(), unwrittenDeletes);
        }
    }

    private java.util.concurrent.CompletableFuture<AsyncResultSet> put(IndexEntry e) {
        String table = CqlIdentifiers.table(e.tableName());
        return session.run(
                Cql.insertEntry(session.qualified(table)),
                ps ->
                        ps.bind(
                                e.hashValue(),
                                ByteBuffer.wrap(e.rangeValue()),
                                ByteBuffer.wrap(e.value())),
                true,
                "index write to table " + e.tableName(),
                e.tableName());
    }

    private java.util.concurrent.CompletableFuture<AsyncResultSet> delete(IndexEntry e) {
        String table = CqlIdentifiers.table(e.tableName());
        return session.run(
                Cql.deleteEntry(session.qualified(table)),
                ps -> ps.bind(e.hashValue(), ByteBuffer.wrap(e.rangeValue())),
                true,
                "index delete from table " + e.tableName(),
                e.tableName());
    }

    private static List<IndexEntry> notSucceeded(
            List<IndexEntry> entries, BoundedAsync.Outcomes<?> o) {
        List<IndexEntry> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (!o.succeeded(i)) {
                out.add(entries.get(i));
            }
        }
        return out;
    }

    private static IndexWriteException failure(
            String what,
            List<IndexEntry> entries,
            BoundedAsync.Outcomes<?> o,
            List<IndexEntry> unwrittenPuts,
            List<IndexEntry> unwrittenDeletes) {
        Throwable first = o.firstError();
        StorageException cause =
                first != null
                        ? CassandraErrors.map(first, what, null)
                        : new StorageException(what + " interrupted");
        int failedAt = -1;
        for (int i = 0; i < o.size() && failedAt < 0; i++) {
            if (o.error(i) != null) {
                failedAt = i;
            }
        }
        String at = failedAt >= 0 ? " at " + entries.get(failedAt) : "";
        return new IndexWriteException(
                what + " failed" + at + ": " + cause.getMessage(),
                unwrittenPuts,
                unwrittenDeletes,
                cause);
    }

    @Override
    public void queryPages(List<IndexQuery> queries, PageConsumer consumer) {
        ParallelQueries.run(
                queries,
                session.config().effectiveQueryConcurrency(),
                session.workers(),
                this::query,
                consumer);
    }

    /**
     * Runs one query on the calling (worker) thread, delivering page after page until the consumer
     * stops it.
     */
    private void query(IndexQuery q, PageConsumer consumer) {
        String table = CqlIdentifiers.table(q.tableName());
        byte[] prefixEnd = q.hasPrefix() ? Bytes.nextPrefix(q.rangeValuePrefix()) : null;
        Cql.ReadShape shape = Cql.shape(q, prefixEnd);
        boolean filterOnServer = session.config().allowFiltering() && q.hasValueEqual();
        String cql = Cql.selectEntries(session.qualified(table), shape, filterOnServer);
        String what = "index query " + q;
        ByteBuffer pagingState = null;
        while (true) {
            ByteBuffer state = pagingState;
            Function<PreparedStatement, BoundStatement> bind =
                    ps -> bind(ps, q, shape, prefixEnd, filterOnServer, state);
            AsyncResultSet rs =
                    CassandraSession.await(session.run(cql, bind, false, what, q.tableName()));
            ReadBatch.Builder page = new ReadBatch.Builder();
            for (Row row : rs.currentPage()) {
                byte[] range = bytes(row.getByteBuffer(0));
                byte[] value = bytes(row.getByteBuffer(1));
                if (q.matches(range, value)) {
                    page.add(range, value);
                }
            }
            if (!page.isEmpty() && !consumer.onPage(q, page.build())) {
                return; // early stop: no further page is fetched
            }
            if (!rs.hasMorePages()) {
                return;
            }
            pagingState = rs.getExecutionInfo().getPagingState();
        }
    }

    private BoundStatement bind(
            PreparedStatement ps,
            IndexQuery q,
            Cql.ReadShape shape,
            byte[] prefixEnd,
            boolean filterOnServer,
            ByteBuffer pagingState) {
        BoundStatementBuilder b = ps.boundStatementBuilder().setString(0, q.hashValue());
        int i = 1;
        switch (shape) {
            case ROW -> {}
            case FROM ->
                    b.setByteBuffer(
                            i++,
                            ByteBuffer.wrap(
                                    q.hasPrefix() ? q.rangeValuePrefix() : q.rangeValueStart()));
            case BETWEEN -> {
                b.setByteBuffer(i++, ByteBuffer.wrap(q.rangeValuePrefix()));
                b.setByteBuffer(i++, ByteBuffer.wrap(prefixEnd));
            }
        }
        if (filterOnServer) {
            b.setByteBuffer(i, ByteBuffer.wrap(q.valueEqual()));
        }
        b.setPageSize(session.config().pageSize());
        if (pagingState != null) {
            b.setPagingState(pagingState);
        }
        return b.build();
    }

    static byte[] bytes(ByteBuffer b) {
        if (b == null || !b.hasRemaining()) {
            return Bytes.EMPTY;
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /**
     * A full-table {@code SELECT} paged by the driver: the partitioner places rows by a hash of the
     * hash value, so rows of a prefix are scattered and are kept here, on the client.
     */
    @Override
    public void scan(String tableName, String hashPrefix, IndexScan consumer) {
        String table = CqlIdentifiers.table(tableName);
        String cql = Cql.scanEntries(session.qualified(table));
        String what = "index scan of table " + tableName;
        ByteBuffer pagingState = null;
        while (true) {
            ByteBuffer state = pagingState;
            Function<PreparedStatement, BoundStatement> bind =
                    ps -> {
                        BoundStatementBuilder b =
                                ps.boundStatementBuilder().setPageSize(session.config().pageSize());
                        if (state != null) {
                            b.setPagingState(state);
                        }
                        return b.build();
                    };
            AsyncResultSet rs =
                    CassandraSession.await(session.run(cql, bind, false, what, tableName));
            List<IndexEntry> page = new ArrayList<>();
            for (Row row : rs.currentPage()) {
                String hash = row.getString(0);
                if (hash != null && hash.startsWith(hashPrefix)) {
                    page.add(
                            new IndexEntry(
                                    tableName,
                                    hash,
                                    bytes(row.getByteBuffer(1)),
                                    bytes(row.getByteBuffer(2))));
                }
            }
            if (!page.isEmpty() && !consumer.onPage(page)) {
                return;
            }
            if (!rs.hasMorePages()) {
                return;
            }
            pagingState = rs.getExecutionInfo().getPagingState();
        }
    }

    @Override
    public IndexScan.Mode scanMode() {
        return IndexScan.Mode.WHOLE_TABLE;
    }

    @Override
    public void close() {
        // the session belongs to the backend
    }
}
