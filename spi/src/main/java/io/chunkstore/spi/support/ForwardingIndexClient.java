package io.chunkstore.spi.support;

import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexScan;
import io.chunkstore.spi.PageConsumer;
import io.chunkstore.spi.WriteBatch;
import java.util.List;
import java.util.Objects;

/**
 * An index client that passes every call to another: a decorator overrides only the calls it
 * changes (counting, recording, injecting a fault, creating tables on the way). Closing it closes
 * the delegate.
 */
public class ForwardingIndexClient implements IndexClient {
    private final IndexClient delegate;

    public ForwardingIndexClient(IndexClient delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The client calls go to. */
    protected final IndexClient delegate() {
        return delegate;
    }

    @Override
    public WriteBatch newWriteBatch() {
        return delegate.newWriteBatch();
    }

    @Override
    public void batchWrite(WriteBatch batch) {
        delegate.batchWrite(batch);
    }

    @Override
    public void queryPages(List<IndexQuery> queries, PageConsumer consumer) {
        delegate.queryPages(queries, consumer);
    }

    @Override
    public void scan(String tableName, String hashPrefix, IndexScan consumer) {
        delegate.scan(tableName, hashPrefix, consumer);
    }

    @Override
    public IndexScan.Mode scanMode() {
        return delegate.scanMode();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
