package io.chunkstore.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.TableStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Cortex's Cassandra table client: {@code CREATE TABLE IF NOT EXISTS <t> (hash text, range blob,
 * value blob, PRIMARY KEY (hash, range)) [WITH <table_options>]} for index and chunk tables alike,
 * {@code DROP TABLE IF EXISTS}, the keyspace's tables from {@code system_schema.tables}. Tables are
 * always active and carry only their name; {@link #updateTable} does nothing. Every schema change
 * waits for schema agreement.
 */
public final class CassandraTableClient implements TableClient {
    private final CassandraSession session;

    CassandraTableClient(CassandraSession session) {
        this.session = session;
    }

    @Override
    public List<String> listTables() {
        String ks = session.config().keyspace();
        List<String> names = new ArrayList<>();
        AsyncResultSet rs =
                CassandraSession.await(
                        session.execute(
                                SimpleStatement.newInstance(Cql.LIST_TABLES, ks),
                                Cql.LIST_TABLES,
                                "listing the tables of keyspace " + ks,
                                null));
        while (true) {
            for (Row r : rs.currentPage()) {
                names.add(r.getString(0));
            }
            if (!rs.hasMorePages()) {
                break;
            }
            rs = CassandraSession.await(rs.fetchNextPage());
        }
        names.sort(null);
        return names;
    }

    @Override
    public void createTable(TableDesc desc) {
        String table = CqlIdentifiers.table(desc.name());
        session.ddl(
                Cql.createTable(session.qualified(table), session.config().tableOptions()),
                "creating table " + desc.name());
    }

    @Override
    public void deleteTable(String name) {
        String table = CqlIdentifiers.table(name);
        session.ddl(Cql.dropTable(session.qualified(table)), "deleting table " + name);
        session.forgetTable(table);
    }

    @Override
    public TableStatus describeTable(String name) {
        String table = CqlIdentifiers.table(name);
        String ks = session.config().keyspace();
        AsyncResultSet rs =
                CassandraSession.await(
                        session.execute(
                                SimpleStatement.newInstance(Cql.DESCRIBE_TABLE, ks, table),
                                Cql.DESCRIBE_TABLE,
                                "describing table " + name,
                                name));
        if (rs.one() == null) {
            throw new TableNotFoundException(name);
        }
        return new TableStatus(TableDesc.named(table), true);
    }

    /** Cassandra tables have no throughput or tags to change: a no-op, as in Cortex. */
    @Override
    public void updateTable(TableDesc current, TableDesc expected) {
        CqlIdentifiers.table(current.name());
    }

    @Override
    public void close() {
        // the session belongs to the backend
    }
}
