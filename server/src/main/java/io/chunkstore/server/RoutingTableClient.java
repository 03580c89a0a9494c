package io.chunkstore.server;

import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.TableStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A table client over several stores ({@link StoreRouter#tableStores}): create, update and delete
 * apply to every store with a claim on the name, describe answers from the first store that has the
 * table, list is the sorted union. Stores without tables are left out ({@code clients} returns null
 * for them).
 */
final class RoutingTableClient implements TableClient {
    private final StoreRouter router;
    private final List<String> tableStores;
    private final Function<String, TableClient> clients;

    /**
     * @param tableStores the stores that have a table client
     * @param clients the table client of such a store
     */
    RoutingTableClient(
            StoreRouter router, List<String> tableStores, Function<String, TableClient> clients) {
        this.router = router;
        this.tableStores = List.copyOf(tableStores);
        this.clients = clients;
    }

    private List<TableClient> owners(String table) {
        List<TableClient> out = new ArrayList<>();
        for (String s : router.tableStores(table)) {
            if (tableStores.contains(s)) {
                out.add(clients.apply(s));
            }
        }
        if (out.isEmpty()) {
            throw new TableNotFoundException(table);
        }
        return out;
    }

    @Override
    public List<String> listTables() {
        TreeSet<String> all = new TreeSet<>();
        for (String s : tableStores) {
            all.addAll(clients.apply(s).listTables());
        }
        return new ArrayList<>(all);
    }

    @Override
    public void createTable(TableDesc desc) {
        owners(desc.name()).forEach(c -> c.createTable(desc));
    }

    @Override
    public void deleteTable(String name) {
        owners(name).forEach(c -> c.deleteTable(name));
    }

    @Override
    public TableStatus describeTable(String name) {
        TableNotFoundException missing = null;
        for (TableClient c : owners(name)) {
            try {
                return c.describeTable(name);
            } catch (TableNotFoundException e) {
                missing = e;
            }
        }
        throw missing;
    }

    @Override
    public void updateTable(TableDesc current, TableDesc expected) {
        owners(expected.name()).forEach(c -> c.updateTable(current, expected));
    }

    @Override
    public void close() {}
}
