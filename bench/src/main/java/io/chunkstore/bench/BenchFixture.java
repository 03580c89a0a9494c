package io.chunkstore.bench;

import io.chunkstore.bench.raw.RawBigtable;
import io.chunkstore.bench.raw.RawCassandra;
import io.chunkstore.bench.raw.RawDynamo;
import io.chunkstore.bench.raw.RawLocal;
import io.chunkstore.bigtable.BigtableConfig;
import io.chunkstore.cassandra.CassandraConfig;
import io.chunkstore.dynamodb.DynamoConfig;
import io.chunkstore.grpc.GrpcStoreClient;
import io.chunkstore.grpc.GrpcStoreServer;
import io.chunkstore.local.LocalConfig;
import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import io.chunkstore.spi.TableDesc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;

/**
 * The three sides a run compares, opened on one store: our backend in-process, the raw baseline on
 * the same server (same tables, same settings), and, on first use, our client through a {@link
 * GrpcStoreServer} serving that same backend on a loopback port.
 */
final class BenchFixture implements AutoCloseable {
    private final StorageBackend backend;
    private final OursSubject ours;
    private final Subject raw;
    private final String server;
    private GrpcStoreServer grpcServer;
    private OursSubject grpc;

    private BenchFixture(StorageBackend backend, Subject raw, String server) {
        this.backend = backend;
        this.ours = new OursSubject("ours", backend, backend.tableClient(), false);
        this.raw = raw;
        this.server = server;
    }

    /**
     * Opens the backend through its provider (as any application does) and the raw baseline beside
     * it.
     */
    static BenchFixture open(BenchOptions o, Path workDir) {
        StorageConfigs.Storage storage = StorageConfigs.resolve(o, workDir);
        StorageBackend backend =
                StorageProviders.open(
                        new BackendContext(
                                o.store(),
                                storage.block(),
                                new SimpleMeterRegistry(),
                                "chunkstore"));
        try {
            OursSubject tablesVia = new OursSubject("ours", backend, backend.tableClient(), false);
            Subject raw =
                    switch (o.backend()) {
                        case LOCAL -> {
                            LocalConfig c =
                                    LocalConfig.fromBlock(
                                            StorageConfigs.block(
                                                    storage.block(), LocalConfig.BLOCK));
                            yield new RawLocal(
                                    workDir.resolve("raw-index"),
                                    c.chunksDirectory(),
                                    c.queryConcurrency(),
                                    c.chunkConcurrency(),
                                    c.syncWrites());
                        }
                        case CASSANDRA ->
                                new RawCassandra(
                                        CassandraConfig.bind(
                                                StorageConfigs.block(storage.block(), "cassandra")),
                                        tablesVia::resetTable);
                        case DYNAMODB ->
                                new RawDynamo(
                                        DynamoConfig.fromAwsBlock(
                                                StorageConfigs.block(storage.block(), "aws"),
                                                System::getenv),
                                        tablesVia::resetTable,
                                        Boolean.getBoolean(RawDynamo.CONSUMED_CAPACITY_PROPERTY));
                        case BIGTABLE ->
                                new RawBigtable(
                                        BigtableConfig.bind(
                                                StorageConfigs.block(storage.block(), "bigtable")),
                                        o.store(),
                                        tablesVia::resetTable);
                    };
            String server = storage.server();
            if (raw instanceof RawCassandra rc) {
                server += "; release_version " + rc.releaseVersion();
            }
            return new BenchFixture(backend, raw, server);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    OursSubject ours() {
        return ours;
    }

    Subject raw() {
        return raw;
    }

    String server() {
        return server;
    }

    /**
     * System property: whether the bench's grpc_store server starts QueryIndex queries on its
     * worker ({@code GrpcStoreServer.Builder#startQueriesOnWorker}) instead of the transport
     * thread. Unset, it does what serve does: on the worker for the embedded store only.
     */
    static final String QUERIES_ON_WORKER = "chunkstore.bench.grpc.queries-on-worker";

    /** Our client through a grpc_store server over the same backend (started on first use). */
    synchronized OursSubject grpc() {
        if (grpc == null) {
            // The bench never deletes chunks, the one call that needs the schema to find a chunk's
            // table; the Java
            // client names the table of every put and get.
            grpcServer =
                    GrpcStoreServer.builder()
                            .backend(backend)
                            .chunkTableResolver(key -> BenchData.CHUNK_TABLE)
                            .startQueriesOnWorker(
                                    Boolean.parseBoolean(
                                            System.getProperty(
                                                    QUERIES_ON_WORKER,
                                                    String.valueOf(
                                                            backend.storeName().equals("local")))))
                            .build()
                            .start();
            GrpcStoreClient client =
                    GrpcStoreClient.builder(
                                    grpcServer.address().getAddress().getHostAddress()
                                            + ":"
                                            + grpcServer.port())
                            .capabilities(backend.capabilities())
                            .build();
            grpc = new OursSubject("ours-grpc", client, backend.tableClient(), true);
        }
        return grpc;
    }

    void createTables() {
        for (String t : BenchData.TABLES) {
            backend.tableClient().createTable(TableDesc.named(t));
        }
    }

    void dropTables() {
        for (String t : BenchData.TABLES) {
            backend.tableClient().deleteTable(t);
        }
    }

    @Override
    public void close() {
        if (grpc != null) {
            grpc.close();
            grpcServer.close();
        }
        raw.close();
        backend.close();
    }
}
