package io.chunkstore.grpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.chunkstore.grpc.proto.Chunk;
import io.chunkstore.grpc.proto.ChunkID;
import io.chunkstore.grpc.proto.CreateTableRequest;
import io.chunkstore.grpc.proto.DeleteIndexRequest;
import io.chunkstore.grpc.proto.GetChunksRequest;
import io.chunkstore.grpc.proto.PutChunksRequest;
import io.chunkstore.grpc.proto.QueryIndexRequest;
import io.chunkstore.grpc.proto.WriteIndexRequest;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.ChunkWriteException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexWriteException;
import io.chunkstore.spi.InvalidQueryException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.PageConsumer;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.StorageFullException;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.TableStatus;
import io.chunkstore.spi.ThrottledException;
import io.chunkstore.spi.UnavailableException;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.memory.InMemoryBackend;
import io.chunkstore.spi.support.ForwardingChunkClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Status codes a client can act on, both ways: each SPI error raised by the backend reaches the
 * wire as its code and message (raw stub) and comes back out of the Java client as the same type of
 * error. Malformed requests get INVALID_ARGUMENT and the server keeps serving; the empty WriteIndex
 * / DeleteIndex of every Go batch write never reach the backend.
 */
class ErrorMappingTest {

    /** A backend whose every call counts and then throws what the test says. */
    static final class ThrowingBackend implements IndexClient, ChunkClient, TableClient {
        final AtomicInteger calls = new AtomicInteger();
        volatile Supplier<RuntimeException> error = () -> new IllegalStateException("not set");

        private RuntimeException fail() {
            calls.incrementAndGet();
            return error.get();
        }

        @Override
        public void batchWrite(WriteBatch batch) {
            throw fail();
        }

        @Override
        public void queryPages(List<IndexQuery> queries, PageConsumer consumer) {
            throw fail();
        }

        @Override
        public void putChunks(List<EncodedChunk> chunks) {
            throw fail();
        }

        @Override
        public List<EncodedChunk> getChunks(List<ChunkLocation> chunks) {
            throw fail();
        }

        @Override
        public void deleteChunk(ChunkLocation chunk) {
            throw fail();
        }

        @Override
        public List<String> listTables() {
            throw fail();
        }

        @Override
        public void createTable(TableDesc desc) {
            throw fail();
        }

        @Override
        public void deleteTable(String name) {
            throw fail();
        }

        @Override
        public TableStatus describeTable(String name) {
            throw fail();
        }

        @Override
        public void updateTable(TableDesc current, TableDesc expected) {
            throw fail();
        }

        @Override
        public void close() {}
    }

    private static TestHarness throwing(ThrowingBackend b) {
        return TestHarness.start(
                s -> s.indexClient(b).chunkClient(b).tableClient(b).storeName("throwing"));
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of(
                        (Supplier<RuntimeException>)
                                () -> new InvalidRequestException("bad argument x"),
                        Status.Code.INVALID_ARGUMENT,
                        InvalidRequestException.class),
                Arguments.of(
                        (Supplier<RuntimeException>) () -> new TableNotFoundException("index_42"),
                        Status.Code.NOT_FOUND,
                        TableNotFoundException.class),
                Arguments.of(
                        (Supplier<RuntimeException>) () -> new ThrottledException("slow down x"),
                        Status.Code.RESOURCE_EXHAUSTED,
                        ThrottledException.class),
                Arguments.of(
                        // The embedded store's full disk: was INTERNAL, now ResourceExhausted
                        (Supplier<RuntimeException>)
                                () ->
                                        new StorageFullException(
                                                "the disk holding the local index folder x is full"),
                        Status.Code.RESOURCE_EXHAUSTED,
                        StorageFullException.class),
                Arguments.of(
                        (Supplier<RuntimeException>)
                                () -> new UnavailableException("cassandra timed out x"),
                        Status.Code.UNAVAILABLE,
                        UnavailableException.class),
                Arguments.of(
                        (Supplier<RuntimeException>) () -> new IllegalStateException("bug x"),
                        Status.Code.INTERNAL,
                        StorageException.class),
                Arguments.of(
                        (Supplier<RuntimeException>)
                                () -> new UnsupportedOperationException("no such thing x"),
                        Status.Code.UNIMPLEMENTED,
                        StorageException.class));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void backendErrorsReachTheWireAsTheirCodeAndComeBackTyped(
            Supplier<RuntimeException> error,
            Status.Code code,
            Class<? extends StorageException> type)
            throws Exception {
        ThrowingBackend b = new ThrowingBackend();
        b.error = error;
        String message = error.get().getMessage();
        try (TestHarness h = throwing(b)) {
            // Raw: the code and the message on the wire.
            List<Runnable> rawCalls =
                    List.of(
                            () ->
                                    h.raw.writeIndex(
                                            WriteIndexRequest.newBuilder()
                                                    .addWrites(entry("t", "r"))
                                                    .build()),
                            () ->
                                    drain(
                                            h.raw.queryIndex(
                                                    QueryIndexRequest.newBuilder()
                                                            .setTableName("t")
                                                            .build())),
                            () ->
                                    h.raw.putChunks(
                                            PutChunksRequest.newBuilder()
                                                    .addChunks(chunk("u/k", "x"))
                                                    .build()),
                            () ->
                                    drain(
                                            h.raw.getChunks(
                                                    GetChunksRequest.newBuilder()
                                                            .addChunks(chunk("u/k", ""))
                                                            .build())),
                            () ->
                                    h.raw.deleteChunks(
                                            ChunkID.newBuilder().setChunkID("u/k").build()),
                            () -> h.raw.listTables(Empty.getDefaultInstance()));
            for (Runnable call : rawCalls) {
                StatusRuntimeException e = (StatusRuntimeException) catchThrowable(call::run);
                assertThat(e).isNotNull();
                assertThat(e.getStatus().getCode()).isEqualTo(code);
                assertThat(e.getStatus().getDescription()).contains(message);
            }

            // Client: the same type again.
            assertThat(
                            catchThrowable(
                                    () ->
                                            h.client
                                                    .indexClient()
                                                    .queryPages(
                                                            List.of(IndexQuery.row("t", "h")),
                                                            (q, p) -> true)))
                    .isInstanceOf(
                            type == InvalidRequestException.class
                                    ? InvalidQueryException.class
                                    : type);
            assertThat(catchThrowable(() -> h.client.tableClient().listTables()))
                    .isInstanceOf(type);
            assertThat(
                            catchThrowable(
                                    () ->
                                            h.client
                                                    .chunkClient()
                                                    .putChunks(
                                                            List.of(
                                                                    new EncodedChunk(
                                                                            "u/k",
                                                                            "t",
                                                                            new byte[] {1})))))
                    .isInstanceOf(type);
            assertThat(
                            catchThrowable(
                                    () ->
                                            h.client
                                                    .chunkClient()
                                                    .deleteChunk(new ChunkLocation("u/k", ""))))
                    .isInstanceOf(type);
            Throwable write =
                    catchThrowable(
                            () ->
                                    h.client
                                            .indexClient()
                                            .batchWrite(
                                                    new WriteBatch()
                                                            .add("t", "h", new byte[] {1}, null)));
            assertThat(write).isInstanceOf(IndexWriteException.class);
            assertThat(write.getCause()).isInstanceOf(type);
            assertThat(write.getCause().getMessage()).contains(message);

            ChunkFetchException fetch =
                    (ChunkFetchException)
                            catchThrowable(
                                    () ->
                                            h.client
                                                    .chunkClient()
                                                    .getChunks(
                                                            List.of(
                                                                    new ChunkLocation(
                                                                            "u/k", "t"))));
            if (code == Status.Code.NOT_FOUND) {
                assertThat(fetch.failures().get("u/k")).isInstanceOf(ChunkNotFoundException.class);
            } else {
                assertThat(fetch.failures().get("u/k")).isInstanceOf(type);
            }
            assertThat(fetch.fetched()).isEmpty();
        }
    }

    @Test
    void retryabilitySurvivesTheRoundTrip() throws Exception {
        ThrowingBackend b = new ThrowingBackend();
        try (TestHarness h = throwing(b)) {
            b.error = () -> new ThrottledException("throttled");
            assertThat(
                            ((StorageException)
                                            catchThrowable(
                                                    () -> h.client.tableClient().listTables()))
                                    .isRetryable())
                    .isTrue();
            b.error = () -> new InvalidRequestException("never");
            assertThat(
                            ((StorageException)
                                            catchThrowable(
                                                    () -> h.client.tableClient().listTables()))
                                    .isRetryable())
                    .isFalse();
        }
    }

    @Test
    void partialChunkFetchesKeepTheirChunksAndTypeEachFailure() throws Exception {
        InMemoryBackend memory = new InMemoryBackend();
        EncodedChunk here = new EncodedChunk("u/here", "t", new byte[] {1, 2});
        memory.putChunks(List.of(here));
        ChunkClient flaky =
                new ChunkClient() {
                    @Override
                    public void putChunks(List<EncodedChunk> chunks) {}

                    @Override
                    public List<EncodedChunk> getChunks(List<ChunkLocation> chunks) {
                        throw new ChunkFetchException(
                                List.of(here),
                                Map.of(
                                        "u/gone", new ChunkNotFoundException("u/gone"),
                                        "u/slow", new UnavailableException("replica timed out")));
                    }

                    @Override
                    public void deleteChunk(ChunkLocation chunk) {}

                    @Override
                    public void close() {}
                };
        try (TestHarness h = TestHarness.start(s -> s.chunkClient(flaky))) {
            List<ChunkLocation> asked =
                    List.of(
                            here.location(),
                            new ChunkLocation("u/gone", "t"),
                            new ChunkLocation("u/slow", "t"));
            // On the wire: the chunk that was read is sent, then the call ends with the code of the
            // worst failure.
            Iterator<io.chunkstore.grpc.proto.GetChunksResponse> it =
                    h.raw.getChunks(
                            GetChunksRequest.newBuilder()
                                    .addAllChunks(
                                            asked.stream().map(ProtoMapping::toProto).toList())
                                    .build());
            assertThat(it.next().getChunks(0).getKey()).isEqualTo("u/here");
            StatusRuntimeException e = (StatusRuntimeException) catchThrowable(it::hasNext);
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getStatus().getDescription())
                    .contains("2 of 3", "u/gone", "replica timed out");

            ChunkFetchException f =
                    (ChunkFetchException)
                            catchThrowable(() -> h.client.chunkClient().getChunks(asked));
            assertThat(f.fetched()).containsExactly(here);
            assertThat(f.failures().keySet()).containsExactlyInAnyOrder("u/gone", "u/slow");
            // The code is UNAVAILABLE, so the client cannot tell which key was merely missing: both
            // are retryable.
            assertThat(f.failures().get("u/slow")).isInstanceOf(UnavailableException.class);
            assertThat(f.isRetryable()).isTrue();
        }
    }

    @Test
    void partialChunkPutsNameWhatWasWrittenOnTheWireAndInTheClient() throws Exception {
        InMemoryBackend memory = new InMemoryBackend();
        // The store refuses chunks whose key says so and writes the rest; a chunk "u/down" fails
        // its whole request.
        ChunkClient partial =
                new ForwardingChunkClient(memory) {
                    @Override
                    public void putChunks(List<EncodedChunk> chunks) {
                        if (chunks.stream().anyMatch(c -> c.key().equals("u/down"))) {
                            throw new UnavailableException("store went away");
                        }
                        Map<String, StorageException> refused = new java.util.LinkedHashMap<>();
                        List<EncodedChunk> taken = new java.util.ArrayList<>();
                        for (EncodedChunk c : chunks) {
                            if (c.key().startsWith("u/refused")) {
                                refused.put(
                                        c.key(),
                                        new ThrottledException(
                                                "write capacity exceeded for " + c.key()));
                            } else {
                                taken.add(c);
                            }
                        }
                        memory.putChunks(taken);
                        ChunkWriteException.check("test store", chunks, refused);
                    }
                };
        EncodedChunk a = new EncodedChunk("u/a", "t", new byte[] {1});
        EncodedChunk refused = new EncodedChunk("u/refused", "t", new byte[] {2});
        EncodedChunk b = new EncodedChunk("u/b", "t", new byte[] {3});
        try (TestHarness h = TestHarness.start(s -> s.chunkClient(partial))) {
            // On the wire: the code of the chunk that was not written, and a trailer naming it.
            StatusRuntimeException e =
                    (StatusRuntimeException)
                            catchThrowable(
                                    () ->
                                            h.raw.putChunks(
                                                    PutChunksRequest.newBuilder()
                                                            .addChunks(ProtoMapping.toProto(a))
                                                            .addChunks(
                                                                    ProtoMapping.toProto(refused))
                                                            .build()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(Statuses.notWrittenKeys(e)).containsExactly("u/refused");

            // In the client: the same partial write, typed.
            assertThatThrownBy(() -> h.client.chunkClient().putChunks(List.of(a, refused, b)))
                    .isInstanceOfSatisfying(
                            ChunkWriteException.class,
                            w -> {
                                assertThat(w.written()).containsExactly("u/a", "u/b");
                                assertThat(w.keys()).containsExactly("u/refused");
                                assertThat(w.notWritten().get("u/refused"))
                                        .isInstanceOf(ThrottledException.class);
                                assertThat(w.isRetryable()).isTrue();
                            });
            assertThat(memory.getChunks(List.of(a.location(), b.location())))
                    .containsExactlyInAnyOrder(a, b);
        }
        // One chunk per request: the first request is written, the second fails whole, the third is
        // never sent.
        EncodedChunk one = new EncodedChunk("u/one", "t", new byte[600]);
        EncodedChunk down = new EncodedChunk("u/down", "t", new byte[600]);
        EncodedChunk three = new EncodedChunk("u/three", "t", new byte[600]);
        try (TestHarness h =
                TestHarness.start(
                        s -> s.chunkClient(partial), c -> c.maxRequestMessageBytes(1000))) {
            assertThatThrownBy(() -> h.client.chunkClient().putChunks(List.of(one, down, three)))
                    .isInstanceOfSatisfying(
                            ChunkWriteException.class,
                            w -> {
                                assertThat(w.written()).containsExactly("u/one");
                                assertThat(w.keys()).containsExactly("u/down", "u/three");
                                assertThat(w.notWritten().values())
                                        .allMatch(UnavailableException.class::isInstance);
                            });
            assertThat(memory.chunkLocations())
                    .contains(one.location())
                    .doesNotContain(three.location());
        }
    }

    @Test
    void malformedRequestsGetInvalidArgumentAndTheServerKeepsServing() throws Exception {
        InMemoryBackend memory = new InMemoryBackend();
        memory.createTable(TableDesc.named("t"));
        try (TestHarness h = TestHarness.start(s -> s.backend(memory))) {
            Map<String, Runnable> malformed =
                    Map.of(
                            "both a range value prefix",
                                    () ->
                                            drain(
                                                    h.raw.queryIndex(
                                                            QueryIndexRequest.newBuilder()
                                                                    .setTableName("t")
                                                                    .setHashValue("h")
                                                                    .setRangeValuePrefix(bs("a"))
                                                                    .setRangeValueStart(bs("b"))
                                                                    .build())),
                            "no table name",
                                    () ->
                                            drain(
                                                    h.raw.queryIndex(
                                                            QueryIndexRequest.newBuilder()
                                                                    .setHashValue("h")
                                                                    .build())),
                            "has no range value",
                                    () ->
                                            h.raw.writeIndex(
                                                    WriteIndexRequest.newBuilder()
                                                            .addWrites(entry("t", ""))
                                                            .build()),
                            "index entry 1 (hash value h) has no table name",
                                    () ->
                                            h.raw.deleteIndex(
                                                    DeleteIndexRequest.newBuilder()
                                                            .addDeletes(entry("t", "r"))
                                                            .addDeletes(entry("", "r"))
                                                            .build()),
                            "chunk 0 has no key",
                                    () ->
                                            h.raw.putChunks(
                                                    PutChunksRequest.newBuilder()
                                                            .addChunks(chunk("", "bytes"))
                                                            .build()),
                            "has no encoded bytes",
                                    () ->
                                            h.raw.putChunks(
                                                    PutChunksRequest.newBuilder()
                                                            .addChunks(chunk("u/k", ""))
                                                            .build()),
                            "GetChunks: chunk 0 has no key",
                                    () ->
                                            drain(
                                                    h.raw.getChunks(
                                                            GetChunksRequest.newBuilder()
                                                                    .addChunks(chunk("", ""))
                                                                    .build())),
                            "DeleteChunks: chunk 0 has no key",
                                    () -> h.raw.deleteChunks(ChunkID.getDefaultInstance()),
                            "CreateTable: no table name",
                                    () ->
                                            h.raw.createTable(
                                                    CreateTableRequest.getDefaultInstance()));
            for (var e : malformed.entrySet()) {
                StatusRuntimeException s =
                        (StatusRuntimeException) catchThrowable(e.getValue()::run);
                assertThat(s).as(e.getKey()).isNotNull();
                assertThat(s.getStatus().getCode())
                        .as(e.getKey())
                        .isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(s.getStatus().getDescription()).as(e.getKey()).contains(e.getKey());

                // ... and the next request succeeds.
                h.raw.writeIndex(WriteIndexRequest.newBuilder().addWrites(entry("t", "r")).build());
                assertThat(
                                h.raw.queryIndex(
                                                QueryIndexRequest.newBuilder()
                                                        .setTableName("t")
                                                        .setHashValue("h")
                                                        .build())
                                        .next()
                                        .getRowsCount())
                        .isEqualTo(1);
            }
            // Nothing malformed reached the backend.
            assertThat(memory.listTables()).containsExactly("t");
        }
    }

    @Test
    void theEmptyWriteIndexAndDeleteIndexOfEveryGoBatchNeverReachTheBackend() throws Exception {
        ThrowingBackend b = new ThrowingBackend();
        try (TestHarness h = throwing(b)) {
            h.raw.writeIndex(WriteIndexRequest.getDefaultInstance());
            h.raw.deleteIndex(DeleteIndexRequest.getDefaultInstance());
            h.raw.putChunks(PutChunksRequest.getDefaultInstance());
            assertThat(h.raw.getChunks(GetChunksRequest.getDefaultInstance()).hasNext()).isFalse();
            h.client.indexClient().batchWrite(new WriteBatch());
            assertThat(b.calls).hasValue(0);
        }
    }

    @Test
    void aStoreWithoutTablesAnswersUnimplemented() throws Exception {
        InMemoryBackend memory = new InMemoryBackend();
        try (TestHarness h =
                TestHarness.start(s -> s.indexClient(memory).storeName("index-only"))) {
            StatusRuntimeException e =
                    (StatusRuntimeException)
                            catchThrowable(() -> h.raw.listTables(Empty.getDefaultInstance()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
            assertThat(e.getStatus().getDescription()).contains("index-only", "no table client");
            assertThatThrownBy(
                            () ->
                                    h.client
                                            .chunkClient()
                                            .getChunks(List.of(new ChunkLocation("u/k", ""))))
                    .isInstanceOf(ChunkFetchException.class);
        }
    }

    @Test
    void aChunkIdTheResolverCannotParseIsInvalidArgument() throws Exception {
        InMemoryBackend memory = new InMemoryBackend();
        ChunkTableResolver strict =
                key -> {
                    if (!key.contains("/")) {
                        throw new InvalidRequestException("invalid chunk ID " + key + ": no user");
                    }
                    return "t";
                };
        try (TestHarness h =
                TestHarness.start(s -> s.chunkClient(memory).chunkTableResolver(strict))) {
            StatusRuntimeException e =
                    (StatusRuntimeException)
                            catchThrowable(
                                    () ->
                                            h.raw.deleteChunks(
                                                    ChunkID.newBuilder()
                                                            .setChunkID("garbage")
                                                            .build()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains("invalid chunk ID garbage");
        }
    }

    @Test
    void aServerNeedsSomethingToServeAndAResolverForChunks() {
        InMemoryBackend memory = new InMemoryBackend();
        assertThatThrownBy(() -> GrpcStoreServer.builder().build())
                .hasMessageContaining("nothing to serve");
        assertThatThrownBy(() -> GrpcStoreServer.builder().backend(memory).build())
                .hasMessageContaining("chunk table resolver is required");
    }

    private static void drain(Iterator<?> it) {
        while (it.hasNext()) {
            it.next();
        }
    }

    private static ByteString bs(String s) {
        return ByteString.copyFrom(s, UTF_8);
    }

    private static io.chunkstore.grpc.proto.IndexEntry entry(String table, String range) {
        return io.chunkstore.grpc.proto.IndexEntry.newBuilder()
                .setTableName(table)
                .setHashValue("h")
                .setRangeValue(bs(range))
                .setValue(bs("v"))
                .build();
    }

    private static Chunk chunk(String key, String encoded) {
        return Chunk.newBuilder().setKey(key).setTableName("t").setEncoded(bs(encoded)).build();
    }
}
