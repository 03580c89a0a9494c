package io.chunkstore.spi.support;

import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import java.util.List;
import java.util.Objects;

/**
 * A chunk client that passes every call to another: a decorator overrides only the calls it
 * changes. Closing it closes the delegate.
 */
public class ForwardingChunkClient implements ChunkClient {
    private final ChunkClient delegate;

    public ForwardingChunkClient(ChunkClient delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The client calls go to. */
    protected final ChunkClient delegate() {
        return delegate;
    }

    @Override
    public void putChunks(List<EncodedChunk> chunks) {
        delegate.putChunks(chunks);
    }

    @Override
    public List<EncodedChunk> getChunks(List<ChunkLocation> chunks) {
        return delegate.getChunks(chunks);
    }

    @Override
    public void deleteChunk(ChunkLocation chunk) {
        delegate.deleteChunk(chunk);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
