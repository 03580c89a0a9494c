package io.chunkstore.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.chunkstore.grpc.proto.Chunk;
import io.chunkstore.grpc.proto.ChunkID;
import io.chunkstore.grpc.proto.CreateTableRequest;
import io.chunkstore.grpc.proto.DeleteIndexRequest;
import io.chunkstore.grpc.proto.DeleteTableRequest;
import io.chunkstore.grpc.proto.GetChunksRequest;
import io.chunkstore.grpc.proto.IndexEntry;
import io.chunkstore.grpc.proto.PutChunksRequest;
import io.chunkstore.grpc.proto.QueryIndexRequest;
import io.chunkstore.grpc.proto.TableDesc;
import io.chunkstore.grpc.proto.UpdateTableRequest;
import io.chunkstore.grpc.proto.WriteIndexRequest;
import io.chunkstore.grpc.proto.grpc_storeGrpc;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.memory.InMemoryBackend;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The attacks of issue 20 on the grpc_store port, with grpc-java's own client: calls without or
 * with a wrong token, every write and table change against a read-only server, DeleteTable against
 * a server that does not allow it. The oracle is the backend's state, read directly (not through
 * the server), and the server's log lines.
 */
class CallGuardTest {
    private static final String TOKEN = "s3cr3t-querier-token";
    private static final String KEY = "tenant-a/1:2:3:4";

    /** Compares in constant time, as the server module's credentials do. */
    private static final TokenCheck ONE_TOKEN =
            t ->
                    MessageDigest.isEqual(
                                    t.getBytes(StandardCharsets.UTF_8),
                                    TOKEN.getBytes(StandardCharsets.UTF_8))
                            ? Optional.of("querier")
                            : Optional.empty();

    private InMemoryBackend backend;

    @BeforeEach
    void seed() {
        backend = new InMemoryBackend();
        backend.tableClient().createTable(io.chunkstore.spi.TableDesc.named("index_1"));
        backend.tableClient().createTable(io.chunkstore.spi.TableDesc.named("chunks_tenant-a"));
        WriteBatch w = new WriteBatch();
        w.add("index_1", "tenant-a:h", bytes("r1"), bytes("v1"));
        backend.indexClient().batchWrite(w);
        backend.chunkClient()
                .putChunks(List.of(new EncodedChunk(KEY, "chunks_tenant-a", bytes("chunk"))));
    }

    @Test
    void withTokensACallWithoutOrWithAWrongTokenIsUnauthenticatedAndReadsNothing()
            throws Exception {
        try (TestHarness h = TestHarness.start(s -> s.backend(backend).tokens(ONE_TOKEN));
                Captured log = Captured.stderr()) {
            StatusRuntimeException none = refusal(() -> readChunk(h.raw));
            assertThat(none.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(none.getStatus().getDescription()).contains("authorization: Bearer");

            for (String wrong :
                    List.of("Bearer nope", "Bearer " + TOKEN + "x", "Basic " + TOKEN, TOKEN)) {
                StatusRuntimeException e = refusal(() -> readChunk(withHeader(h.raw, wrong)));
                assertThat(e.getStatus().getCode())
                        .as(wrong)
                        .isEqualTo(Status.Code.UNAUTHENTICATED);
            }
            StatusRuntimeException del =
                    refusal(
                            () ->
                                    withHeader(h.raw, "Bearer wrong")
                                            .deleteTable(
                                                    DeleteTableRequest.newBuilder()
                                                            .setTableName("index_1")
                                                            .build()));
            assertThat(del.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);

            assertThat(readChunk(withHeader(h.raw, "Bearer " + TOKEN))).isEqualTo("chunk");
            // The Java client: without its token a typed error naming the code, with it the data.
            assertThat(catchThrowable(() -> h.client.tableClient().listTables()))
                    .isInstanceOf(io.chunkstore.spi.StorageException.class)
                    .hasMessageContaining("UNAUTHENTICATED");
            try (GrpcStoreClient withToken =
                    GrpcStoreClient.builder("127.0.0.1:" + h.server.port())
                            .bearerToken(TOKEN)
                            .build()) {
                assertThat(withToken.tableClient().listTables()).contains("index_1");
            }
            assertThat(readChunk(withHeader(h.raw, "bearer  " + TOKEN + " "))).isEqualTo("chunk");

            // Health stays open for probes.
            assertThat(
                            HealthGrpc.newBlockingStub(h.rawChannel)
                                    .check(HealthCheckRequest.getDefaultInstance())
                                    .getStatus())
                    .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            String lines = log.text();
            assertThat(lines)
                    .contains("refused GetChunks from 127.0.0.1:")
                    .contains("UNAUTHENTICATED");
            assertThat(lines).doesNotContain(TOKEN);
        }
        assertThat(backend.listTables()).contains("index_1");
    }

    @Test
    void readOnlyRefusesEveryWriteDeleteAndTableChangeAndTheStoreIsUnchanged() throws Exception {
        Map<String, Function<grpc_storeGrpc.grpc_storeBlockingStub, Empty>> changes =
                Map.of(
                        "WriteIndex",
                        s ->
                                s.writeIndex(
                                        WriteIndexRequest.newBuilder()
                                                .addWrites(entry("r2"))
                                                .build()),
                        "DeleteIndex",
                        s ->
                                s.deleteIndex(
                                        DeleteIndexRequest.newBuilder()
                                                .addDeletes(entry("r1"))
                                                .build()),
                        "PutChunks",
                        s ->
                                s.putChunks(
                                        PutChunksRequest.newBuilder()
                                                .addChunks(
                                                        Chunk.newBuilder()
                                                                .setKey("tenant-a/9:9:9:9")
                                                                .setTableName("chunks_tenant-a")
                                                                .setEncoded(bs("x")))
                                                .build()),
                        "DeleteChunks",
                        s -> s.deleteChunks(ChunkID.newBuilder().setChunkID(KEY).build()),
                        "CreateTable",
                        s ->
                                s.createTable(
                                        CreateTableRequest.newBuilder()
                                                .setDesc(TableDesc.newBuilder().setName("index_2"))
                                                .build()),
                        "UpdateTable",
                        s ->
                                s.updateTable(
                                        UpdateTableRequest.newBuilder()
                                                .setCurrent(
                                                        TableDesc.newBuilder().setName("index_1"))
                                                .setExpected(
                                                        TableDesc.newBuilder()
                                                                .setName("index_1")
                                                                .setProvisionedRead(5))
                                                .build()),
                        "DeleteTable",
                        s ->
                                s.deleteTable(
                                        DeleteTableRequest.newBuilder()
                                                .setTableName("index_1")
                                                .build()));
        try (TestHarness h =
                        TestHarness.start(
                                s -> s.backend(backend).readOnly(true).allowTableDeletion(true));
                Captured log = Captured.stderr()) {
            for (var c : changes.entrySet()) {
                StatusRuntimeException e = refusal(() -> c.getValue().apply(h.raw));
                assertThat(e).as(c.getKey()).isNotNull();
                assertThat(e.getStatus().getCode())
                        .as(c.getKey())
                        .isEqualTo(Status.Code.PERMISSION_DENIED);
                assertThat(e.getStatus().getDescription())
                        .startsWith(c.getKey() + " refused")
                        .contains("--read-only");
                assertThat(log.text()).contains("refused " + c.getKey() + " from 127.0.0.1:");
            }
            // Reads still answer.
            assertThat(readChunk(h.raw)).isEqualTo("chunk");
            assertThat(h.raw.listTables(Empty.getDefaultInstance()).getTableNamesList())
                    .containsExactlyInAnyOrder("index_1", "chunks_tenant-a");
            var rows =
                    h.raw.queryIndex(
                            QueryIndexRequest.newBuilder()
                                    .setTableName("index_1")
                                    .setHashValue("tenant-a:h")
                                    .build());
            assertThat(rows.next().getRowsCount()).isEqualTo(1);
        }
        // The store, read directly: exactly what was seeded.
        assertThat(backend.listTables()).containsExactlyInAnyOrder("index_1", "chunks_tenant-a");
        assertThat(backend.cellCount("index_1")).isEqualTo(1);
        assertThat(backend.chunkLocations())
                .containsExactly(new ChunkLocation(KEY, "chunks_tenant-a"));
    }

    @Test
    void deleteTableIsRefusedUnlessAllowedAndEveryTableChangeIsLoggedWithThePeer()
            throws Exception {
        try (TestHarness h = TestHarness.start(s -> s.backend(backend).allowTableDeletion(false));
                Captured log = Captured.stderr()) {
            StatusRuntimeException e =
                    refusal(
                            () ->
                                    h.raw.deleteTable(
                                            DeleteTableRequest.newBuilder()
                                                    .setTableName("index_1")
                                                    .build()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getStatus().getDescription()).contains("--allow-table-deletion");
            assertThat(backend.listTables()).contains("index_1");
            assertThat(backend.cellCount("index_1")).isEqualTo(1);

            h.raw.createTable(
                    CreateTableRequest.newBuilder()
                            .setDesc(TableDesc.newBuilder().setName("index_2"))
                            .build());
            assertThat(backend.listTables()).contains("index_2");
            String lines = log.text();
            assertThat(lines).contains("refused DeleteTable from 127.0.0.1:");
            assertThat(lines)
                    .containsPattern("CreateTable 'index_2' from 127\\.0\\.0\\.1:\\d+: done");
        }
        // Default of the builder: off.
        try (TestHarness h = TestHarness.start(s -> s.backend(backend), c -> {})) {
            // TestHarness allows deletion for the older tests; a bare builder must not.
            GrpcStoreServer bare =
                    GrpcStoreServer.builder()
                            .backend(backend)
                            .chunkTableResolver(TestHarness.BY_USER)
                            .build()
                            .start();
            try {
                var ch =
                        io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress(
                                        "127.0.0.1", bare.port())
                                .usePlaintext()
                                .build();
                try {
                    StatusRuntimeException e =
                            refusal(
                                    () ->
                                            grpc_storeGrpc
                                                    .newBlockingStub(ch)
                                                    .deleteTable(
                                                            DeleteTableRequest.newBuilder()
                                                                    .setTableName("index_2")
                                                                    .build()));
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                } finally {
                    ch.shutdownNow();
                }
            } finally {
                bare.close();
            }
            try (Captured log = Captured.stderr()) {
                h.raw.deleteTable(DeleteTableRequest.newBuilder().setTableName("index_2").build());
                assertThat(log.text())
                        .containsPattern("DeleteTable 'index_2' from 127\\.0\\.0\\.1:\\d+: done");
            }
            assertThat(backend.listTables()).doesNotContain("index_2");
        }
    }

    private static String readChunk(grpc_storeGrpc.grpc_storeBlockingStub stub) {
        var it =
                stub.getChunks(
                        GetChunksRequest.newBuilder()
                                .addChunks(
                                        Chunk.newBuilder()
                                                .setKey(KEY)
                                                .setTableName("chunks_tenant-a"))
                                .build());
        return it.next().getChunks(0).getEncoded().toStringUtf8();
    }

    private static grpc_storeGrpc.grpc_storeBlockingStub withHeader(
            grpc_storeGrpc.grpc_storeBlockingStub stub, String authorization) {
        Metadata m = new Metadata();
        m.put(CallGuard.AUTHORIZATION, authorization);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
    }

    private static IndexEntry entry(String range) {
        return IndexEntry.newBuilder()
                .setTableName("index_1")
                .setHashValue("tenant-a:h")
                .setRangeValue(bs(range))
                .setValue(bs("v"))
                .build();
    }

    private static ByteString bs(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** What the server logs (slf4j-simple writes to System.err) while open. */
    static final class Captured implements AutoCloseable {
        private final PrintStream original = System.err;
        private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

        static Captured stderr() {
            Captured c = new Captured();
            System.setErr(
                    new PrintStream(
                            new TeeStream(c.original, c.copy), true, StandardCharsets.UTF_8));
            return c;
        }

        String text() {
            synchronized (copy) {
                return copy.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            System.setErr(original);
        }
    }

    private static final class TeeStream extends java.io.OutputStream {
        private final PrintStream a;
        private final ByteArrayOutputStream b;

        TeeStream(PrintStream a, ByteArrayOutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) {
            a.write(x);
            synchronized (b) {
                b.write(x);
            }
        }

        @Override
        public void write(byte[] buf, int off, int len) {
            a.write(buf, off, len);
            synchronized (b) {
                b.write(buf, off, len);
            }
        }
    }

    /** The gRPC error a call ends with, or null when it succeeds. */
    static StatusRuntimeException refusal(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        if (t != null && !(t instanceof StatusRuntimeException)) {
            throw new AssertionError("not a gRPC status", t);
        }
        return (StatusRuntimeException) t;
    }
}
