package io.chunkstore.spi.support;

import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.TableClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link StorageBackend} assembled from separate clients: combinations (an index from one store,
 * chunks from another, such as Cortex's "S3 chunks" fixture), a store that has only some of the
 * clients, or a test backend with one client wrapped. Asking for a client that was not given throws
 * {@link UnsupportedOperationException}; closing closes each given client once, then the extra
 * resources in reverse order of adding them.
 */
public final class ComposedBackend extends SimpleBackend {
    private final List<AutoCloseable> toClose;

    private ComposedBackend(Builder b) {
        super(b.storeName, b.capabilities, b.index, b.chunks, b.tables);
        List<AutoCloseable> all = new ArrayList<>();
        for (AutoCloseable c : new AutoCloseable[] {b.tables, b.chunks, b.index}) {
            if (c != null && all.stream().noneMatch(x -> x == c)) {
                all.add(c);
            }
        }
        for (int i = b.alsoClose.size() - 1; i >= 0; i--) {
            all.add(b.alsoClose.get(i));
        }
        this.toClose = List.copyOf(all);
    }

    public static Builder builder(String storeName, Capabilities capabilities) {
        return new Builder(storeName, capabilities);
    }

    /** Closes everything, then throws the first failure (the others suppressed). */
    @Override
    public void close() {
        RuntimeException first = null;
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                RuntimeException r =
                        e instanceof RuntimeException re ? re : new IllegalStateException(e);
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

        /**
         * Something else to close with the backend, after its clients (a server connection, a temp
         * directory).
         */
        public Builder alsoClose(AutoCloseable c) {
            alsoClose.add(Objects.requireNonNull(c));
            return this;
        }

        public ComposedBackend build() {
            return new ComposedBackend(this);
        }
    }
}
