package io.chunkstore.server;

import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.PeriodTables;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.PeriodClientResolver;
import io.chunkstore.core.store.PeriodClients;
import io.chunkstore.core.store.StoreBackends;
import io.chunkstore.core.store.StoreConfig;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.StorageBackend;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The stores of a config, opened: its backends (each store name opened once, by its provider, when
 * first used; no index cache, so reads stream and see every write) and the composite stores over
 * them. The one place a config becomes stores: {@code chunkstore serve}, the Loki API on its HTTP
 * port, and the cli's query, labels, logs, index, tables and migrate commands all open them here.
 *
 * <p>{@link #close()} closes the composite stores made here, newest first, then the backends.
 * Errors are the typed ones of the layers below: a bad config a {@link
 * io.chunkstore.spi.ConfigException}, an unreachable store a {@link
 * io.chunkstore.spi.StorageException}.
 */
public final class ConfigStores implements AutoCloseable {
    private final ChunkstoreConfig config;
    private final MeterRegistry registry;
    private final StoreBackends backends;
    private final List<CompositeStore> stores = new ArrayList<>();
    private boolean closed;

    private ConfigStores(ChunkstoreConfig config, MeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.backends = StoreBackends.open(config, registry, null);
    }

    /**
     * Opens the backends of a config; each store is reached the first time it is used.
     *
     * @param registry where the backends and stores register their metrics (in the config's metrics
     *     namespace)
     */
    public static ConfigStores open(ChunkstoreConfig config, MeterRegistry registry) {
        return new ConfigStores(config, registry);
    }

    public ChunkstoreConfig config() {
        return config;
    }

    /** The backends by store name; owned here (do not close them). */
    public StoreBackends backends() {
        return backends;
    }

    /**
     * A store over every period of the config as a querier reads it: the config's {@code limits}
     * block, metrics in the config's namespace. Closed by {@link #close()}.
     */
    public synchronized CompositeStore querier() {
        return keep(querier(config, readClients(), registry));
    }

    /**
     * The backends' clients per period, except that a schema table missing from the embedded store
     * (store {@code local}, whose tables serve makes on first write) reads as empty, as serve reads
     * it. Other stores keep answering a missing table with an error: there it means a wrong config
     * or a table manager that has not run.
     */
    private PeriodClientResolver readClients() {
        PeriodTables schemaTables = new PeriodTables(config.schemaConfig());
        return period -> {
            PeriodClients clients = backends.clientsFor(period);
            if (!EmbeddedStore.STORE.equals(period.store())) {
                return clients;
            }
            StorageBackend backend = backends.backend(period.store());
            if (!backend.capabilities().has(Feature.TABLES)) {
                return clients;
            }
            return new PeriodClients(
                    new MissingTablesReadEmpty(
                            schemaTables, clients.index(), backend.tableClient()),
                    clients.chunks());
        };
    }

    /**
     * A store with no query limits (a copy is not a query: {@code max_query_length} would refuse
     * long shards) and no caches (a cached chunk would skip its write, and verification must read
     * the store). Closed by {@link #close()}.
     */
    public synchronized CompositeStore unlimited() {
        return keep(CompositeStore.builder(config.schemaConfig()).clients(backends).build());
    }

    /**
     * A querier's store (as {@link #querier()}) over other clients than a config's own backends,
     * such as the clients a running server serves. The caller closes it.
     */
    public static CompositeStore querier(
            ChunkstoreConfig config, PeriodClientResolver clients, MeterRegistry registry) {
        return CompositeStore.builder(config.schemaConfig())
                .clients(clients)
                .config(StoreConfig.fromLimits(config.limits()))
                .metrics(registry, config.metricsNamespace())
                .build();
    }

    private CompositeStore keep(CompositeStore store) {
        if (closed) {
            store.close();
            throw new IllegalStateException("the stores of this config are closed");
        }
        stores.add(store);
        return store;
    }

    /**
     * Closes the stores made here, newest first, then the backends; the first failure is thrown
     * after all ran.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (int i = stores.size() - 1; i >= 0; i--) {
            try {
                stores.get(i).close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        try {
            backends.close();
        } catch (RuntimeException e) {
            if (first == null) {
                first = e;
            } else {
                first.addSuppressed(e);
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
