package io.chunkstore.cassandra;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProvider;
import java.util.Set;

/**
 * The provider of store name {@code cassandra}: index, chunks and tables in Apache Cassandra (3.x,
 * 4.x, 5.x) with Cortex's layout, configured by the storage config's {@code cassandra:} block
 * ({@link CassandraConfig}).
 */
public final class CassandraStorageProvider implements StorageProvider {
    public static final String STORE_NAME = "cassandra";
    static final Capabilities CAPABILITIES =
            Capabilities.of(
                            Feature.INDEX,
                            Feature.CHUNKS,
                            Feature.TABLES,
                            Feature.MISSING_TABLE_ERRORS,
                            Feature.CHUNK_DELETE,
                            Feature.INDEX_SCAN,
                            Feature.PERSISTENT)
                    .withMaxChunkSize(CassandraChunkClient.MAX_CHUNK_SIZE);

    @Override
    public Set<String> storeNames() {
        return Set.of(STORE_NAME);
    }

    @Override
    public Capabilities capabilities(String storeName) {
        requireOurs(storeName);
        return CAPABILITIES;
    }

    @Override
    public StorageBackend open(BackendContext context) {
        requireOurs(context.storeName());
        if (!context.storageConfig().containsKey("cassandra")) {
            throw new ConfigException(
                    "store 'cassandra' needs a cassandra: block in the storage config, with at"
                            + " least addresses and keyspace");
        }
        return CassandraBackend.open(CassandraConfig.bind(context.block("cassandra")), context);
    }

    private static void requireOurs(String storeName) {
        if (!STORE_NAME.equals(storeName)) {
            throw new ConfigException(
                    "the cassandra provider opens store 'cassandra', not '" + storeName + "'");
        }
    }
}
