package io.chunkstore.cli;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProvider;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableStatus;
import io.chunkstore.spi.UnavailableException;
import io.chunkstore.spi.memory.InMemoryBackend;
import io.chunkstore.spi.support.ComposedBackend;
import io.chunkstore.spi.support.ForwardingTableClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test-only stores, found by store name like real backends: {@code mem-a}, {@code mem-b} (in-memory
 * reference backends, the last one opened per name kept in {@link #OPENED} for assertions), {@code
 * mem-down} (every table call fails as unreachable) and {@code mem-nocreate} (table creation
 * fails).
 */
public final class TestStores implements StorageProvider {
    static final Map<String, InMemoryBackend> OPENED = new ConcurrentHashMap<>();

    @Override
    public Set<String> storeNames() {
        return Set.of("mem-a", "mem-b", "mem-down", "mem-nocreate");
    }

    @Override
    public Capabilities capabilities(String storeName) {
        return new InMemoryBackend().capabilities();
    }

    @Override
    public StorageBackend open(BackendContext context) {
        InMemoryBackend m = new InMemoryBackend();
        OPENED.put(context.storeName(), m);
        return switch (context.storeName()) {
            case "mem-down" ->
                    ComposedBackend.builder("mem-down", m.capabilities())
                            .index(m)
                            .chunks(m)
                            .tables(new Failing(m, true))
                            .build();
            case "mem-nocreate" ->
                    ComposedBackend.builder("mem-nocreate", m.capabilities())
                            .index(m)
                            .chunks(m)
                            .tables(new Failing(m, false))
                            .build();
            default ->
                    ComposedBackend.builder(context.storeName(), m.capabilities())
                            .index(m)
                            .chunks(m)
                            .tables(m)
                            .build();
        };
    }

    /** Table calls that fail: all of them (down) or only creates. */
    private static final class Failing extends ForwardingTableClient {
        private final boolean down;

        Failing(InMemoryBackend m, boolean down) {
            super(m);
            this.down = down;
        }

        private void maybeDown() {
            if (down) {
                throw new UnavailableException("mem-down: connection refused (test store)");
            }
        }

        @Override
        public List<String> listTables() {
            maybeDown();
            return super.listTables();
        }

        @Override
        public void createTable(TableDesc desc) {
            throw new UnavailableException(
                    "cannot create " + desc.name() + ": quota exceeded (test store)");
        }

        @Override
        public void deleteTable(String name) {
            maybeDown();
            super.deleteTable(name);
        }

        @Override
        public TableStatus describeTable(String name) {
            maybeDown();
            return super.describeTable(name);
        }

        @Override
        public void updateTable(TableDesc current, TableDesc expected) {
            maybeDown();
            super.updateTable(current, expected);
        }

        @Override
        public void close() {
            // the in-memory backend is closed with the composed backend
        }
    }
}
