package io.chunkstore.conformance;

import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.TableClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link StorageBackend} assembled from separate clients, for certifying combinations (an index from one store,
 * chunks from another, such as Cortex's "S3 chunks" fixture) or a store that has only some of the clients. Asking for
 * a client that was not given throws {@link UnsupportedOperationException}; closing closes each given client once,
 * then the extra resources in reverse order of adding them.
 */
public final class ComposedBackend implements StorageBackend {
    private final String storeName;
    private final Capabilities capabilities;
    private final IndexClient index;
    private final ChunkClient chunks;
    private final TableClient tables;
    private final List<AutoCloseable> alsoClose;

    private ComposedBackend(Builder b) {
        this.storeName = b.storeName;
        this.capabilities = Objects.requireNonNull(b.capabilities, "capabilities");
        this.index = b.index;
        this.chunks = b.chunks;
        this.tables = b.tables;
        this.alsoClose = List.copyOf(b.alsoClose);
    }

    public static Builder builder(String storeName, Capabilities capabilities) {
        return new Builder(storeName, capabilities);
    }

    @Override
    public String storeName() {
        return storeName;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public IndexClient indexClient() {
        return require(index, "an index client");
    }

    @Override
    public ChunkClient chunkClient() {
        return require(chunks, "a chunk client");
    }

    @Override
    public TableClient tableClient() {
        return require(tables, "a table client");
    }

    private <T> T require(T client, String what) {
        if (client == null) {
            throw new UnsupportedOperationException("store '" + storeName + "' has no " + what.substring(
                    what.indexOf(' ') + 1));
        }
        return client;
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>();
        for (AutoCloseable c : new AutoCloseable[] {tables, chunks, index}) {
            if (c != null && all.stream().noneMatch(x -> x == c)) {
                all.add(c);
            }
        }
        for (int i = alsoClose.size() - 1; i >= 0; i--) {
            all.add(alsoClose.get(i));
        }
        RuntimeException first = null;
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                RuntimeException r = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                if (first == null) {
                    first = r;
                } else {
                    first.addSuppressed(r);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Collects the parts. */
    public static final class Builder {
        private final String storeName;
        private final Capabilities capabilities;
        private IndexClient index;
        private ChunkClient chunks;
        private TableClient tables;
        private final List<AutoCloseable> alsoClose = new ArrayList<>();

        private Builder(String storeName, Capabilities capabilities) {
            this.storeName = Objects.requireNonNull(storeName, "storeName");
            this.capabilities = capabilities;
        }

        public Builder index(IndexClient c) {
            this.index = c;
            return this;
        }

        public Builder chunks(ChunkClient c) {
            this.chunks = c;
            return this;
        }

        public Builder tables(TableClient c) {
            this.tables = c;
            return this;
        }

        /** Something else to close with the backend, after its clients (a server connection, a temp directory). */
        public Builder alsoClose(AutoCloseable c) {
            alsoClose.add(Objects.requireNonNull(c));
            return this;
        }

        public ComposedBackend build() {
            return new ComposedBackend(this);
        }
    }
}
