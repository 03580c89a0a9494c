package io.chunkstore.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.PeriodClientResolver;
import io.chunkstore.core.store.PeriodClients;
import io.chunkstore.grpc.GrpcStoreClient;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.TableDesc;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schema whose periods live in different stores (the embedded local store until 2020, an
 * in-memory test store after), served by one server: each index entry, chunk and table request
 * reaches the store of its period.
 */
class ServeRoutingTest {
    static final long T2019 = 1557650721000L; // 2019-05-12, week 2575, local
    static final long T2020 = 1590000000000L; // 2020-05-20, week 2628, mem-a

    @TempDir Path tmp;

    static Chunk chunk(long from) {
        List<Sample> s = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            s.add(new Sample(from + i * 10_000L, i));
        }
        return Chunk.fromSamples("t1", Labels.of("__name__", "up", "job", "j" + from), s);
    }

    static int rows(IndexClient index, String table, String hash) {
        int[] n = {0};
        index.queryPages(
                List.of(IndexQuery.row(table, hash)),
                (q, page) -> {
                    n[0] += page.size();
                    return true;
                });
        return n[0];
    }

    @Test
    void eachRequestReachesTheStoreOfItsPeriod() {
        ChunkstoreConfig config =
                ChunkstoreConfig.parse(
                        """
                schema:
                  configs:
                    - from: 2019-01-03
                      store: local
                      object_store: local
                      schema: v11
                      index: {prefix: index_, period: 168h}
                      chunks: {prefix: chunks_, period: 168h}
                    - from: 2020-01-02
                      store: mem-a
                      object_store: mem-a
                      schema: v11
                      index: {prefix: index_, period: 168h}
                      chunks: {prefix: chunks_, period: 168h}
                storage:
                  local:
                    directory: %s
                """
                                .formatted(tmp),
                        "routing.yaml");
        ServeSettings settings =
                ServeSettings.of(
                        config,
                        new InetSocketAddress("127.0.0.1", 0),
                        new InetSocketAddress("127.0.0.1", 0));
        try (ChunkstoreServer server = ChunkstoreServer.start(settings);
                GrpcStoreClient client =
                        GrpcStoreClient.builder("127.0.0.1:" + server.grpcPort()).build();
                CompositeStore querier =
                        CompositeStore.builder(config.schemaConfig())
                                .clients(
                                        PeriodClientResolver.of(
                                                new PeriodClients(
                                                        client.indexClient(),
                                                        client.chunkClient())))
                                .build()) {
            assertThat(server.served()).contains("[local, mem-a]").contains("routed");
            // Tables: each created in the store of its period; the list is the union.
            for (String t : List.of("index_2575", "chunks_2575", "index_2628", "chunks_2628")) {
                client.tableClient().createTable(TableDesc.named(t));
            }
            assertThat(server.backends().tableClient("local").listTables())
                    .containsExactly("chunks_2575", "index_2575");
            assertThat(MemStores.opened("mem-a").listTables())
                    .containsExactly("chunks_2628", "index_2628");
            assertThat(client.tableClient().listTables())
                    .containsExactly("chunks_2575", "chunks_2628", "index_2575", "index_2628");
            assertThat(client.tableClient().describeTable("index_2628").desc().name())
                    .isEqualTo("index_2628");

            // Writes as a Go ingester sends them: chunks, then index entries, by table name.
            Chunk old = chunk(T2019);
            Chunk recent = chunk(T2020);
            querier.put(old);
            querier.put(recent);
            String oldSeries =
                    "t1:d"
                            + (T2019 / 86_400_000L)
                            + ":"
                            + io.chunkstore.core.schema.SeriesId.of(old.labels()).value();
            String newSeries =
                    "t1:d"
                            + (T2020 / 86_400_000L)
                            + ":"
                            + io.chunkstore.core.schema.SeriesId.of(recent.labels()).value();
            IndexClient local = server.backends().indexClient("local");
            IndexClient mem = MemStores.opened("mem-a");
            assertThat(rows(local, "index_2575", oldSeries)).isEqualTo(1);
            assertThat(rows(mem, "index_2628", newSeries)).isEqualTo(1);
            assertThat(
                            MemStores.opened("mem-a")
                                    .getChunks(
                                            List.of(
                                                    new ChunkLocation(
                                                            ChunkCodec.encode(recent).externalKey(),
                                                            "chunks_2628"))))
                    .hasSize(1);
            assertThatThrownBy(
                            () ->
                                    MemStores.opened("mem-a")
                                            .getChunks(
                                                    List.of(
                                                            new ChunkLocation(
                                                                    ChunkCodec.encode(old)
                                                                            .externalKey(),
                                                                    "chunks_2575"))))
                    .isInstanceOf(ChunkFetchException.class);

            // Reads come back from each store (a range over weeks without tables would be
            // NOT_FOUND, as in Cortex).
            for (long t : new long[] {T2019, T2020}) {
                assertThat(
                                querier.get(
                                        "t1",
                                        t - 1000,
                                        t + 3_600_000,
                                        Selectors.parseMatchers("{__name__=\"up\"}")))
                        .singleElement()
                        .extracting(Chunk::from)
                        .isEqualTo(t);
            }

            // Deleting by id alone, as the Go client sends it, finds the chunk's store and table
            // from its time.
            io.grpc.ManagedChannel raw =
                    io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                            .usePlaintext()
                            .build();
            try {
                io.chunkstore
                        .grpc
                        .proto
                        .grpc_storeGrpc
                        .newBlockingStub(raw)
                        .deleteChunks(
                                io.chunkstore.grpc.proto.ChunkID.newBuilder()
                                        .setChunkID(ChunkCodec.encode(recent).externalKey())
                                        .build());
            } finally {
                raw.shutdownNow();
            }
            assertThatThrownBy(
                            () ->
                                    client.chunkClient()
                                            .getChunks(
                                                    List.of(
                                                            new ChunkLocation(
                                                                    ChunkCodec.encode(recent)
                                                                            .externalKey(),
                                                                    "chunks_2628"))))
                    .isInstanceOf(ChunkFetchException.class);
        }
    }
}
