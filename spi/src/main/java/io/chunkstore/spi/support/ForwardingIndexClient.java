package io.chunkstore.spi.support;

import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexScan;
import io.chunkstore.spi.WriteBatch;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

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

    /**
     * Passes the call on. The blocking {@code queryPages} is not forwarded: the SPI's wrapper runs
     * it over this method, so a decorator overrides the asynchronous call alone and both paths see
     * what it changes.
     */
    @Override
    public CompletionStage<Void> queryPagesAsync(
            List<IndexQuery> queries, AsyncPageConsumer consumer) {
        return delegate.queryPagesAsync(queries, consumer);
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
