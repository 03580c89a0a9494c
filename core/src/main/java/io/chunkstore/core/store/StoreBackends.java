package io.chunkstore.core.store;

import io.chunkstore.core.cache.CachingIndexClient;
import io.chunkstore.core.cache.IndexCacheConfig;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import io.chunkstore.spi.TableClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The backends a config names, opened once per store name, and the {@link PeriodClientResolver}
 * over them: a period's index comes from its {@code store}, its chunks from its {@code
 * object_store}. Each index client can be wrapped in one {@link CachingIndexClient} (per backend,
 * shared by the periods on it). Backends open lazily, on first use; closing closes every backend
 * opened.
 *
 * <p>The cli's {@code query}, {@code labels}, {@code tables} and {@code migrate} commands, the gRPC
 * server and the Loki query path all start here:
 *
 * <pre>{@code
 * try (StoreBackends backends = StoreBackends.open(config, registry, IndexCacheConfig.DEFAULT)) {
 *     CompositeStore store = CompositeStore.builder(config.schemaConfig()).clients(backends).build();
 *     TableClient tables = backends.tableClient(config.schemaConfig().periods().get(0).store());
 * }
 * }</pre>
 */
public final class StoreBackends implements PeriodClientResolver, AutoCloseable {
    private final Function<String, StorageBackend> opener;
    private final IndexCacheConfig indexCache;
    private final Map<String, StorageBackend> backends = new LinkedHashMap<>();
    private final Map<String, IndexClient> indexClients = new LinkedHashMap<>();
    private boolean closed;

    /**
     * Backends opened by {@code opener} (store name to backend); {@code indexCache} null for no
     * index cache.
     */
    public StoreBackends(Function<String, StorageBackend> opener, IndexCacheConfig indexCache) {
        this.opener = Objects.requireNonNull(opener, "opener");
        this.indexCache = indexCache;
    }

    /**
     * Backends found by store name among the {@link io.chunkstore.spi.StorageProvider}s on the
     * class path, each given the config's storage block, {@code registry} and the config's metrics
     * namespace.
     *
     * @param indexCache the index cache of every backend's index client, or null for none (the
     *     default of the cli, which should stream; a querier serving repeated queries wants one)
     */
    public static StoreBackends open(
            ChunkstoreConfig config, MeterRegistry registry, IndexCacheConfig indexCache) {
        return new StoreBackends(
                store ->
                        StorageProviders.open(
                                new BackendContext(
                                        store,
                                        config.storage(),
                                        registry,
                                        config.metricsNamespace())),
                indexCache);
    }

    /**
     * The index cache settings a config asks for: the limits block's {@code cardinality_limit} and
     * the storage block's {@code index_cache_validity} (bound and checked when the config was
     * loaded), over {@link IndexCacheConfig#DEFAULT}.
     */
    public static IndexCacheConfig indexCacheConfig(ChunkstoreConfig config) {
        return IndexCacheConfig.DEFAULT
                .withCardinalityLimit(config.limitsConfig().cardinalityLimit())
                .withValidity(config.storageSettings().indexCacheValidity());
    }

    /** The backend of a store name, opened on first use. */
    public synchronized StorageBackend backend(String storeName) {
        if (closed) {
            throw new IllegalStateException("these backends are closed");
        }
        StorageBackend b = backends.get(storeName);
        if (b == null) {
            b =
                    Objects.requireNonNull(
                            opener.apply(storeName),
                            () -> "no backend opened for store " + storeName);
            backends.put(storeName, b);
        }
        return b;
    }

    /** The index client of a store, wrapped in the index cache when one is configured. */
    public synchronized IndexClient indexClient(String storeName) {
        IndexClient c = indexClients.get(storeName);
        if (c == null) {
            StorageBackend b = backend(storeName);
            if (!b.capabilities().has(Feature.INDEX)) {
                throw new ConfigException(
                        "store "
                                + storeName
                                + " keeps no index (it is an object store); use it as"
                                + " object_store and name an index store in store");
            }
            c =
                    indexCache == null
                            ? b.indexClient()
                            : new CachingIndexClient(b.indexClient(), indexCache);
            indexClients.put(storeName, c);
        }
        return c;
    }

    /** The table client of a store (for the table manager). */
    public TableClient tableClient(String storeName) {
        StorageBackend b = backend(storeName);
        if (!b.capabilities().has(Feature.TABLES)) {
            throw new ConfigException("store " + storeName + " has no tables to manage");
        }
        return b.tableClient();
    }

    /**
     * Store names that mean another store when they name where chunks go. In Cortex, {@code aws} as
     * an {@code object_store} (or as a {@code store} with no {@code object_store}) keeps the index
     * in DynamoDB but the chunks in S3; {@code aws-dynamo} keeps both in DynamoDB.
     */
    public static final Map<String, String> OBJECT_STORE_ALIASES = Map.of("aws", "s3");

    /**
     * The store that holds chunks for a period's {@code object_store}, after {@link
     * #OBJECT_STORE_ALIASES}.
     */
    public static String chunkStoreName(String objectStore) {
        return OBJECT_STORE_ALIASES.getOrDefault(objectStore, objectStore);
    }

    /** The chunk client of a period's {@code object_store} name (aliases applied). */
    public ChunkClient chunkClient(String objectStore) {
        String name = chunkStoreName(objectStore);
        StorageBackend chunks = backend(name);
        if (!chunks.capabilities().has(Feature.CHUNKS)) {
            throw new ConfigException(
                    "object_store "
                            + objectStore
                            + " cannot store chunks (store "
                            + name
                            + " keeps no chunks)");
        }
        return chunks.chunkClient();
    }

    @Override
    public PeriodClients clientsFor(PeriodConfig period) {
        ChunkClient chunks;
        try {
            chunks = chunkClient(period.objectStore());
        } catch (ConfigException e) {
            throw new ConfigException("period " + period.from() + ": " + e.getMessage(), e);
        }
        return new PeriodClients(indexClient(period.store()), chunks);
    }

    /** The store names opened so far. */
    public synchronized List<String> openedStores() {
        return new ArrayList<>(backends.keySet());
    }

    /** Closes every backend opened; the first failure is thrown after all were tried. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (IndexClient c : indexClients.values()) {
            if (c instanceof CachingIndexClient cached) {
                cached.close();
            }
        }
        for (StorageBackend b : backends.values()) {
            try {
                b.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
