package io.chunkstore.core.testing;

import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.support.ForwardingChunkClient;
import io.chunkstore.spi.support.ForwardingIndexClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Index and chunk clients that record what reaches them (in one shared event log) and pass it on.
 */
public final class Recording {
    public final List<String> events = Collections.synchronizedList(new ArrayList<>());
    public final List<IndexQuery> queries = Collections.synchronizedList(new ArrayList<>());
    public final List<IndexEntry> puts = Collections.synchronizedList(new ArrayList<>());
    public volatile RuntimeException failPutChunks;

    public IndexClient index(IndexClient delegate) {
        return new ForwardingIndexClient(delegate) {
            @Override
            public void batchWrite(WriteBatch batch) {
                events.add("batchWrite " + batch.size());
                puts.addAll(batch.puts());
                delegate.batchWrite(batch);
            }

            @Override
            public CompletionStage<Void> queryPagesAsync(
                    List<IndexQuery> qs, AsyncPageConsumer consumer) {
                queries.addAll(qs);
                return delegate.queryPagesAsync(qs, consumer);
            }

            @Override
            public void close() {
                // the delegate belongs to the test
            }
        };
    }

    public ChunkClient chunks(ChunkClient delegate) {
        return new ForwardingChunkClient(delegate) {
            @Override
            public void putChunks(List<EncodedChunk> chunks) {
                events.add("putChunks " + chunks.size());
                if (failPutChunks != null) {
                    throw failPutChunks;
                }
                delegate.putChunks(chunks);
            }

            @Override
            public List<EncodedChunk> getChunks(List<ChunkLocation> chunks) {
                events.add("getChunks " + chunks.size());
                return delegate.getChunks(chunks);
            }

            @Override
            public void close() {
                // the delegate belongs to the test
            }
        };
    }
}
