package io.chunkstore.conformance;

import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.PageConsumer;
import io.chunkstore.spi.WriteBatch;
import java.util.List;

/** An index client that forwards to another; the broken backends of the harness tests override one method. */
class ForwardingIndexClient implements IndexClient {
    final IndexClient delegate;

    ForwardingIndexClient(IndexClient delegate) {
        this.delegate = delegate;
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
    public void close() {
        delegate.close();
    }
}
