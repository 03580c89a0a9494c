package io.chunkstore.cassandra;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.TableClient;

/**
 * An open Cassandra store: one driver session shared by its index, chunk and table clients. Closing it closes the
 * session.
 */
public final class CassandraBackend implements StorageBackend {
    private final String storeName;
    private final CassandraSession session;
    private final CassandraIndexClient index;
    private final CassandraChunkClient chunks;
    private final CassandraTableClient tables;

    private CassandraBackend(String storeName, CassandraSession session) {
        this.storeName = storeName;
        this.session = session;
        this.index = new CassandraIndexClient(session);
        this.chunks = new CassandraChunkClient(session);
        this.tables = new CassandraTableClient(session);
    }

    /**
     * Connects with the given config (creating the keyspace when missing).
     *
     * @param metricsContext where the request-duration metric is registered, and under which namespace
     */
    public static CassandraBackend open(CassandraConfig config, BackendContext metricsContext) {
        RequestMetrics metrics = new RequestMetrics(metricsContext.metrics(),
                metricsContext.metricName(RequestMetrics.NAME));
        return new CassandraBackend(metricsContext.storeName(), CassandraSession.open(config, metrics));
    }

    @Override
    public String storeName() {
        return storeName;
    }

    @Override
    public Capabilities capabilities() {
        return CassandraStorageProvider.CAPABILITIES;
    }

    @Override
    public IndexClient indexClient() {
        return index;
    }

    @Override
    public ChunkClient chunkClient() {
        return chunks;
    }

    @Override
    public TableClient tableClient() {
        return tables;
    }

    /** The validated configuration this store was opened with. */
    public CassandraConfig config() {
        return session.config();
    }

    @Override
    public void close() {
        session.close();
    }
}
