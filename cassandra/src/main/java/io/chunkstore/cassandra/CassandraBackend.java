package io.chunkstore.cassandra;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.support.SimpleBackend;

/**
 * An open Cassandra store: one driver session shared by its index, chunk and table clients. Closing
 * it closes the session.
 */
public final class CassandraBackend extends SimpleBackend {
    private final CassandraSession session;

    private CassandraBackend(String storeName, CassandraSession session) {
        super(
                storeName,
                CassandraStorageProvider.CAPABILITIES,
                new CassandraIndexClient(session),
                new CassandraChunkClient(session),
                new CassandraTableClient(session));
        this.session = session;
    }

    /**
     * Connects with the given config (creating the keyspace when missing).
     *
     * @param metricsContext where the request-duration metric is registered, and under which
     *     namespace
     */
    public static CassandraBackend open(CassandraConfig config, BackendContext metricsContext) {
        RequestMetrics metrics =
                new RequestMetrics(
                        metricsContext.metrics(), metricsContext.metricName(RequestMetrics.NAME));
        return new CassandraBackend(
                metricsContext.storeName(), CassandraSession.open(config, metrics));
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
