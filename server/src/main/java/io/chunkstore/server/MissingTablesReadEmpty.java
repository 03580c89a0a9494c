package io.chunkstore.server;

import io.chunkstore.core.config.PeriodTables;
import io.chunkstore.core.config.PeriodTables.Role;
import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.WriteBatch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An index client over the embedded store for reading: a query on a table of the schema that does
 * not exist yet answers nothing, as {@code chunkstore serve} answers it ({@link LazyTables}: serve
 * makes its tables on first write, so a week nobody wrote to has no table). Names the schema does
 * not own are passed through, and a missing one is still an error. The set of tables is read when
 * first needed and read again once before a schema table is taken as missing.
 */
final class MissingTablesReadEmpty implements IndexClient {
    private final PeriodTables schemaTables;
    private final IndexClient index;
    private final TableClient tables;
    private Set<String> existing;

    MissingTablesReadEmpty(PeriodTables schemaTables, IndexClient index, TableClient tables) {
        this.schemaTables = schemaTables;
        this.index = index;
        this.tables = tables;
    }

    private boolean owned(String table) {
        return !schemaTables.owners(table, Role.INDEX).isEmpty()
                || !schemaTables.owners(table, Role.CHUNKS).isEmpty();
    }

    private synchronized boolean exists(String table) {
        if (existing == null || !existing.contains(table)) {
            existing = new HashSet<>(tables.listTables());
        }
        return existing.contains(table);
    }

    @Override
    public void batchWrite(WriteBatch batch) {
        index.batchWrite(batch);
    }

    @Override
    public CompletionStage<Void> queryPagesAsync(
            List<IndexQuery> queries, AsyncPageConsumer consumer) {
        List<IndexQuery> present = new ArrayList<>(queries.size());
        Set<String> missing = new HashSet<>();
        for (IndexQuery q : queries) {
            String t = q.tableName();
            if (missing.contains(t)) {
                continue;
            }
            if (!owned(t) || exists(t)) {
                present.add(q);
            } else {
                missing.add(t);
            }
        }
        return present.isEmpty()
                ? CompletableFuture.completedFuture(null)
                : index.queryPagesAsync(present, consumer);
    }

    @Override
    public void close() {}
}
