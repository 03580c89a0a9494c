package io.chunkstore.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexScan;
import io.chunkstore.spi.IndexWriteException;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.support.AsyncQueries;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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

    /**
     * Up to {@code query_concurrency} queries at a time, each a chain of driver callbacks: a page
     * is read, delivered, and the next one requested (by its paging state, with the session's
     * retries) only once the consumer's stage completed with "more". No thread waits for a query.
     */
    @Override
    public CompletionStage<Void> queryPagesAsync(
            List<IndexQuery> queries, AsyncPageConsumer consumer) {
        return AsyncQueries.run(
                queries,
                session.config().effectiveQueryConcurrency(),
                q -> new Query(q, consumer).start());
    }

    /** One query's chain of pages. */
    private final class Query {
        private final IndexQuery q;
        private final AsyncPageConsumer consumer;
        private final byte[] prefixEnd;
        private final Cql.ReadShape shape;
        private final boolean filterOnServer;
        private final String cql;
        private final String what;
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        Query(IndexQuery q, AsyncPageConsumer consumer) {
            this.q = q;
            this.consumer = consumer;
            String table = CqlIdentifiers.table(q.tableName());
            this.prefixEnd = q.hasPrefix() ? Bytes.nextPrefix(q.rangeValuePrefix()) : null;
            this.shape = Cql.shape(q, prefixEnd);
            this.filterOnServer = session.config().allowFiltering() && q.hasValueEqual();
            this.cql = Cql.selectEntries(session.qualified(table), shape, filterOnServer);
            this.what = "index query " + q;
        }

        CompletableFuture<Void> start() {
            fetch(null);
            return done;
        }

        private void fetch(ByteBuffer pagingState) {
            Function<PreparedStatement, BoundStatement> bind =
                    ps -> bind(ps, q, shape, prefixEnd, filterOnServer, pagingState);
            session.run(cql, bind, false, what, q.tableName()).whenComplete(this::onPage);
        }

        private void onPage(AsyncResultSet rs, Throwable error) {
            if (error != null) {
                done.completeExceptionally(
                        CassandraErrors.map(AsyncQueries.unwrap(error), what, q.tableName()));
                return;
            }
            ReadBatch page;
            ByteBuffer next;
            try {
                ReadBatch.Builder b = new ReadBatch.Builder();
                for (Row row : rs.currentPage()) {
                    byte[] range = bytes(row.getByteBuffer(0));
                    byte[] value = bytes(row.getByteBuffer(1));
                    if (q.matches(range, value)) {
                        b.add(range, value);
                    }
                }
                page = b.isEmpty() ? null : b.build();
                next = rs.hasMorePages() ? rs.getExecutionInfo().getPagingState() : null;
            } catch (RuntimeException e) {
                done.completeExceptionally(CassandraErrors.map(e, what, q.tableName()));
                return;
            }
            if (page == null) {
                if (next != null) {
                    fetch(next);
                } else {
                    done.complete(null);
                }
                return;
            }
            AsyncQueries.deliver(consumer, q, page)
                    .whenComplete(
                            (more, consumerError) -> {
                                if (consumerError != null) {
                                    done.completeExceptionally(AsyncQueries.unwrap(consumerError));
                                } else if (Boolean.TRUE.equals(more) && next != null) {
                                    fetch(next);
                                } else {
                                    done.complete(null); // early stop: no further page fetched
                                }
                            });
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
