package io.chunkstore.spi.support;

import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableStatus;
import java.util.List;
import java.util.Objects;

/**
 * A table client that passes every call to another: a decorator overrides only the calls it
 * changes. Closing it closes the delegate.
 */
public class ForwardingTableClient implements TableClient {
    private final TableClient delegate;

    public ForwardingTableClient(TableClient delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The client calls go to. */
    protected final TableClient delegate() {
        return delegate;
    }

    @Override
    public List<String> listTables() {
        return delegate.listTables();
    }

    @Override
    public void createTable(TableDesc desc) {
        delegate.createTable(desc);
    }

    @Override
    public void deleteTable(String name) {
        delegate.deleteTable(name);
    }

    @Override
    public TableStatus describeTable(String name) {
        return delegate.describeTable(name);
    }

    @Override
    public void updateTable(TableDesc current, TableDesc expected) {
        delegate.updateTable(current, expected);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
