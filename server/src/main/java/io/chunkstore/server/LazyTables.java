package io.chunkstore.server;

import io.chunkstore.core.config.PeriodTables;
import io.chunkstore.core.config.PeriodTables.Role;
import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableStatus;
import io.chunkstore.spi.WriteBatch;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store's tables, made when first needed: an index write to a table of the schema that
 * does not exist yet creates it first, and a query on such a table answers nothing (it holds
 * nothing), as Cortex's BoltDB store did. So {@code chunkstore serve} on a fresh data directory
 * starts at once, whatever the schema's first {@code from}, and a Go client needs no table manager.
 * Names the schema does not own are passed through untouched (a missing one is still NOT_FOUND).
 *
 * <p>Only for a store this process owns alone (the embedded local store): the set of existing
 * tables is read once and then kept by the wrapped table client.
 */
final class LazyTables {
    private static final Logger LOG = LoggerFactory.getLogger(LazyTables.class);

    private final PeriodTables schemaTables;
    private final IndexClient index;
    private final TableClient tables;
    private final Set<String> existing = ConcurrentHashMap.newKeySet();

    LazyTables(PeriodTables schemaTables, IndexClient index, TableClient tables) {
        this.schemaTables = schemaTables;
        this.index = index;
        this.tables = tables;
        existing.addAll(tables.listTables());
    }

    private boolean owned(String table) {
        return !schemaTables.owners(table, Role.INDEX).isEmpty()
                || !schemaTables.owners(table, Role.CHUNKS).isEmpty();
    }

    private void ensure(String table) {
        if (!existing.contains(table) && owned(table)) {
            synchronized (this) {
                if (!existing.contains(table)) {
                    LOG.info("creating table {} on first write", table);
                    tables.createTable(TableDesc.named(table));
                    existing.add(table);
                }
            }
        }
    }

    /** The index client that creates missing schema tables on write and reads them as empty. */
    IndexClient indexClient() {
        return new IndexClient() {
            @Override
            public void batchWrite(WriteBatch batch) {
                Set<String> names = new LinkedHashSet<>();
                for (IndexEntry e : batch.puts()) {
                    names.add(e.tableName());
                }
                names.forEach(LazyTables.this::ensure);
                index.batchWrite(batch);
            }

            @Override
            public CompletionStage<Void> queryPagesAsync(
                    List<IndexQuery> queries, AsyncPageConsumer consumer) {
                List<IndexQuery> present = new ArrayList<>(queries.size());
                for (IndexQuery q : queries) {
                    if (existing.contains(q.tableName()) || !owned(q.tableName())) {
                        present.add(q);
                    }
                }
                return present.isEmpty()
                        ? CompletableFuture.completedFuture(null)
                        : index.queryPagesAsync(present, consumer);
            }

            @Override
            public void close() {}
        };
    }

    /** The table client that keeps the set of existing tables current. */
    TableClient tableClient() {
        return new TableClient() {
            @Override
            public List<String> listTables() {
                return tables.listTables();
            }

            @Override
            public void createTable(TableDesc desc) {
                tables.createTable(desc);
                existing.add(desc.name());
            }

            @Override
            public void deleteTable(String name) {
                existing.remove(name);
                tables.deleteTable(name);
            }

            @Override
            public TableStatus describeTable(String name) {
                return tables.describeTable(name);
            }

            @Override
            public void updateTable(TableDesc current, TableDesc expected) {
                tables.updateTable(current, expected);
            }

            @Override
            public void close() {}
        };
    }
}
