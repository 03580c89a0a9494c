package io.chunkstore.grpc;

import com.google.protobuf.Empty;
import io.chunkstore.grpc.proto.Chunk;
import io.chunkstore.grpc.proto.ChunkID;
import io.chunkstore.grpc.proto.CreateTableRequest;
import io.chunkstore.grpc.proto.DeleteIndexRequest;
import io.chunkstore.grpc.proto.DeleteTableRequest;
import io.chunkstore.grpc.proto.DescribeTableRequest;
import io.chunkstore.grpc.proto.DescribeTableResponse;
import io.chunkstore.grpc.proto.GetChunksRequest;
import io.chunkstore.grpc.proto.GetChunksResponse;
import io.chunkstore.grpc.proto.ListTablesResponse;
import io.chunkstore.grpc.proto.PutChunksRequest;
import io.chunkstore.grpc.proto.QueryIndexRequest;
import io.chunkstore.grpc.proto.QueryIndexResponse;
import io.chunkstore.grpc.proto.UpdateTableRequest;
import io.chunkstore.grpc.proto.WriteIndexRequest;
import io.chunkstore.grpc.proto.grpc_storeGrpc;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableStatus;
import io.chunkstore.spi.UnavailableException;
import io.chunkstore.spi.WriteBatch;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The grpc_store service over the SPI clients of one backend. gRPC calls the handlers on its
 * transport threads (the server runs with a direct executor). QueryIndex stays there: it starts the
 * backend's asynchronous query ({@link IndexClient#queryPagesAsync}) and a {@link RowStream} writes
 * the pages as they come, with the call's flow control as the query's demand, so no thread waits
 * for a query or a client and a one-row stream takes no thread hop of ours (docs/benchmarks.md,
 * issue 22). Every other handler hands the blocking backend work to a worker thread at once: one
 * thread hand-off per call instead of two. GetChunks sends through a {@link FlowControlledSender},
 * so its fetching waits for the client and stops when the call is cancelled.
 */
final class GrpcStoreService extends grpc_storeGrpc.grpc_storeImplBase {
    private static final Logger log = LoggerFactory.getLogger(GrpcStoreService.class);
    private static final int KEYS_IN_MESSAGES = 5;

    /**
     * Threads of the worker pool that start queries when they are started on the worker (the
     * embedded store): twice the cores, so a read waiting on the disk does not hold the others
     * back, and few enough that a burst of streams is taken up by running threads rather than by
     * waking one thread per stream (docs/benchmarks.md, issue 22).
     */
    static final int QUERY_STARTERS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    private final String storeName;
    private final IndexClient index;
    private final ChunkClient chunks;
    private final TableClient tables;
    private final ChunkTableResolver resolver;
    private final Executor worker;
    private final Executor queryStarter;
    private final int maxMessageBytes;
    private final int targetMessageBytes;
    private final int chunkFetchBatchSize;
    private final boolean startQueriesOnWorker;
    private final RequestMetrics metrics;

    GrpcStoreService(
            String storeName,
            IndexClient index,
            ChunkClient chunks,
            TableClient tables,
            ChunkTableResolver resolver,
            Executor worker,
            int maxMessageBytes,
            int targetMessageBytes,
            int chunkFetchBatchSize,
            boolean startQueriesOnWorker,
            RequestMetrics metrics) {
        this.storeName = storeName;
        this.index = index;
        this.chunks = chunks;
        this.tables = tables;
        this.resolver = resolver;
        this.worker = worker;
        this.queryStarter = new DrainingExecutor(worker, QUERY_STARTERS);
        this.maxMessageBytes = maxMessageBytes;
        this.targetMessageBytes = targetMessageBytes;
        this.chunkFetchBatchSize = chunkFetchBatchSize;
        this.startQueriesOnWorker = startQueriesOnWorker;
        this.metrics = metrics;
    }

    private IndexClient index() {
        if (index == null) {
            throw new UnsupportedOperationException(
                    "store '" + storeName + "' served here has no index");
        }
        return index;
    }

    private ChunkClient chunks() {
        if (chunks == null) {
            throw new UnsupportedOperationException(
                    "store '" + storeName + "' served here has no chunk client");
        }
        return chunks;
    }

    private TableClient tables() {
        if (tables == null) {
            throw new UnsupportedOperationException(
                    "store '" + storeName + "' served here has no table client");
        }
        return tables;
    }

    // ---- index

    /**
     * Go sends WriteIndex on every batch write, often empty: an empty request never reaches the
     * backend.
     */
    @Override
    public void writeIndex(WriteIndexRequest request, StreamObserver<Empty> response) {
        unary(
                "WriteIndex",
                response,
                () -> {
                    if (request.getWritesCount() > 0) {
                        WriteBatch batch = new WriteBatch();
                        for (int i = 0; i < request.getWritesCount(); i++) {
                            batch.add(
                                    ProtoMapping.fromProto(request.getWrites(i), "WriteIndex", i));
                        }
                        index().batchWrite(batch);
                    }
                    return Empty.getDefaultInstance();
                });
    }

    /**
     * Go sends DeleteIndex after every WriteIndex, often empty: an empty request never reaches the
     * backend.
     */
    @Override
    public void deleteIndex(DeleteIndexRequest request, StreamObserver<Empty> response) {
        unary(
                "DeleteIndex",
                response,
                () -> {
                    if (request.getDeletesCount() > 0) {
                        WriteBatch batch = new WriteBatch();
                        for (int i = 0; i < request.getDeletesCount(); i++) {
                            var e = ProtoMapping.fromProto(request.getDeletes(i), "DeleteIndex", i);
                            batch.delete(e.tableName(), e.hashValue(), e.rangeValue());
                        }
                        index().batchWrite(batch);
                    }
                    return Empty.getDefaultInstance();
                });
    }

    /**
     * Runs on the transport thread and never blocks it: the query is started with {@link
     * IndexClient#queryPagesAsync}, whose pages a {@link RowStream} writes as messages with gRPC's
     * flow control as the consumer's demand; the call ends when the query's stage completes.
     */
    @Override
    public void queryIndex(QueryIndexRequest request, StreamObserver<QueryIndexResponse> response) {
        var call = (ServerCallStreamObserver<QueryIndexResponse>) response;
        IndexQuery query;
        IndexClient client;
        try {
            query = ProtoMapping.fromProto(request);
            client = index();
        } catch (RuntimeException e) {
            fail("QueryIndex", call, e, null);
            return;
        }
        var rows =
                new RowStream(
                        call,
                        maxMessageBytes,
                        targetMessageBytes,
                        bytes -> metrics.message("QueryIndex", bytes));
        if (startQueriesOnWorker) {
            onWorker(queryStarter, "QueryIndex", call, () -> startQuery(client, query, rows, call));
        } else {
            startQuery(client, query, rows, call);
        }
    }

    private void startQuery(
            IndexClient client,
            IndexQuery query,
            RowStream rows,
            ServerCallStreamObserver<QueryIndexResponse> call) {
        CompletionStage<Void> done;
        try {
            done = client.queryPagesAsync(List.of(query), rows);
        } catch (RuntimeException | Error e) {
            done = CompletableFuture.failedFuture(e);
        }
        done.whenComplete(
                (ok, error) -> {
                    if (error == null) {
                        rows.finish();
                    } else if (rows.cancelled()) {
                        log.debug(
                                "grpc_store QueryIndex stopped after the call was cancelled: {}",
                                Statuses.describe(Statuses.unwrap(error)));
                    } else {
                        fail("QueryIndex", call, error, null);
                    }
                });
    }

    // ---- chunks

    /**
     * Stores the chunks. A chunk whose GetChunks response would exceed the message limit is refused
     * (FAILED_PRECONDITION) before anything is stored: it could never be read back through this
     * server.
     */
    @Override
    public void putChunks(PutChunksRequest request, StreamObserver<Empty> response) {
        unary(
                "PutChunks",
                response,
                () -> {
                    if (request.getChunksCount() > 0) {
                        List<EncodedChunk> list = new ArrayList<>(request.getChunksCount());
                        for (int i = 0; i < request.getChunksCount(); i++) {
                            Chunk c = request.getChunks(i);
                            requireKey(c.getKey(), "PutChunks", i);
                            if (c.getEncoded().isEmpty()) {
                                throw new InvalidRequestException(
                                        "PutChunks: chunk "
                                                + i
                                                + " ("
                                                + c.getKey()
                                                + ") has no encoded bytes");
                            }
                            if (MessageBatcher.fieldSize(c) > maxMessageBytes) {
                                throw tooLarge(
                                        c,
                                        "refused: it could never be read back through this server");
                            }
                            list.add(ProtoMapping.fromProto(c));
                        }
                        chunks().putChunks(list);
                    }
                    return Empty.getDefaultInstance();
                });
    }

    private InvalidChunkException tooLarge(Chunk c, String consequence) {
        return new InvalidChunkException(
                InvalidChunkException.Reason.TOO_LARGE,
                c.getKey(),
                c.getEncoded().size()
                        + " bytes encoded ("
                        + MessageBatcher.fieldSize(c)
                        + " in a response message) exceed the "
                        + maxMessageBytes
                        + " bytes one grpc_store message may carry to a Go client; "
                        + consequence);
    }

    private static void requireKey(String key, String rpc, int position) {
        if (key.isEmpty()) {
            throw new InvalidRequestException(
                    rpc + ": chunk " + position + " has no key (external key)");
        }
    }

    /**
     * Streams the requested chunks, fetched from the backend in batches of {@code
     * chunkFetchBatchSize} keys so memory stays bounded. Chunks that were fetched are all sent;
     * then, if some were not, the call ends with NOT_FOUND (only missing chunks),
     * FAILED_PRECONDITION (a chunk too large for one message, named in the description and the
     * {@code chunkstore-too-large-chunk-bin} trailer) or the code of another failure.
     */
    @Override
    public void getChunks(GetChunksRequest request, StreamObserver<GetChunksResponse> response) {
        var call = (ServerCallStreamObserver<GetChunksResponse>) response;
        var sender =
                new FlowControlledSender<>(
                        call, m -> metrics.message("GetChunks", m.getSerializedSize()));
        List<ChunkLocation> locations = new ArrayList<>(request.getChunksCount());
        ChunkClient client;
        try {
            for (int i = 0; i < request.getChunksCount(); i++) {
                requireKey(request.getChunks(i).getKey(), "GetChunks", i);
                locations.add(ProtoMapping.location(request.getChunks(i)));
            }
            client = chunks();
        } catch (RuntimeException e) {
            fail("GetChunks", call, e, null);
            return;
        }
        if (locations.isEmpty()) {
            call.onCompleted();
            return;
        }
        stream("GetChunks", sender, () -> streamChunks(client, locations, sender));
    }

    private void streamChunks(
            ChunkClient client,
            List<ChunkLocation> locations,
            FlowControlledSender<GetChunksResponse> sender) {
        var batcher =
                new MessageBatcher<Chunk, GetChunksResponse>(
                        maxMessageBytes,
                        targetMessageBytes,
                        list -> GetChunksResponse.newBuilder().addAllChunks(list).build(),
                        sender::send);
        Map<String, StorageException> failures = new LinkedHashMap<>();
        for (int from = 0; from < locations.size(); from += chunkFetchBatchSize) {
            if (sender.cancelled()) {
                return;
            }
            List<ChunkLocation> group =
                    locations.subList(from, Math.min(locations.size(), from + chunkFetchBatchSize));
            List<EncodedChunk> fetched;
            try {
                fetched = client.getChunks(group);
            } catch (ChunkFetchException e) {
                fetched = e.fetched();
                failures.putAll(e.failures());
            }
            for (EncodedChunk c : fetched) {
                Chunk proto = ProtoMapping.toProto(c);
                if (!batcher.fitsAlone(proto)) {
                    failures.put(c.key(), tooLarge(proto, "it cannot be sent"));
                    continue;
                }
                if (!batcher.add(proto)) {
                    return;
                }
            }
            if (!batcher.flushIfAtTarget()) {
                return;
            }
        }
        if (!batcher.flush()) {
            return;
        }
        if (failures.isEmpty()) {
            sender.call().onCompleted();
            return;
        }
        ChunkFetchException e = new ChunkFetchException(List.of(), failures);
        fail("GetChunks", sender.call(), e, describeFailures(locations.size(), failures));
    }

    private static String describeFailures(int requested, Map<String, StorageException> failures) {
        Map<String, List<Map.Entry<String, StorageException>>> byKind =
                failures.entrySet().stream()
                        .collect(
                                Collectors.groupingBy(
                                        e ->
                                                e.getValue() instanceof ChunkNotFoundException
                                                        ? "not found"
                                                        : Statuses.isTooLarge(e.getValue())
                                                                ? "too large"
                                                                : "failed",
                                        LinkedHashMap::new,
                                        Collectors.toList()));
        StringBuilder sb =
                new StringBuilder("GetChunks: ")
                        .append(failures.size())
                        .append(" of ")
                        .append(requested)
                        .append(" chunk(s) were not sent");
        byKind.forEach(
                (kind, list) -> {
                    sb.append("; ").append(list.size()).append(' ').append(kind).append(": ");
                    sb.append(
                            list.stream()
                                    .limit(KEYS_IN_MESSAGES)
                                    .map(
                                            e ->
                                                    kind.equals("not found")
                                                            ? e.getKey()
                                                            : e.getValue().getMessage())
                                    .collect(Collectors.joining(", ")));
                    if (list.size() > KEYS_IN_MESSAGES) {
                        sb.append(", ...");
                    }
                });
        return sb.toString();
    }

    /**
     * Go sends only the chunk id: the table comes from the {@link ChunkTableResolver}, unless the
     * client named it in the {@code chunkstore-chunk-table} header (the Java client does).
     */
    @Override
    public void deleteChunks(ChunkID request, StreamObserver<Empty> response) {
        unary(
                "DeleteChunks",
                response,
                () -> {
                    requireKey(request.getChunkID(), "DeleteChunks", 0);
                    ChunkClient client = chunks();
                    String named = ChunkTableHeader.current();
                    String table =
                            named != null ? named : resolver.chunkTableFor(request.getChunkID());
                    client.deleteChunk(new ChunkLocation(request.getChunkID(), table));
                    return Empty.getDefaultInstance();
                });
    }

    // ---- tables

    @Override
    public void listTables(Empty request, StreamObserver<ListTablesResponse> response) {
        unary(
                "ListTables",
                response,
                () ->
                        ListTablesResponse.newBuilder()
                                .addAllTableNames(tables().listTables())
                                .build());
    }

    @Override
    public void createTable(CreateTableRequest request, StreamObserver<Empty> response) {
        unary(
                "CreateTable",
                response,
                () -> {
                    tables().createTable(desc(request.getDesc(), "CreateTable"));
                    return Empty.getDefaultInstance();
                });
    }

    @Override
    public void deleteTable(DeleteTableRequest request, StreamObserver<Empty> response) {
        unary(
                "DeleteTable",
                response,
                () -> {
                    tables().deleteTable(tableName(request.getTableName(), "DeleteTable"));
                    return Empty.getDefaultInstance();
                });
    }

    @Override
    public void describeTable(
            DescribeTableRequest request, StreamObserver<DescribeTableResponse> response) {
        unary(
                "DescribeTable",
                response,
                () -> {
                    TableStatus status =
                            tables().describeTable(
                                            tableName(request.getTableName(), "DescribeTable"));
                    return DescribeTableResponse.newBuilder()
                            .setDesc(ProtoMapping.toProto(status.desc()))
                            .setIsActive(status.active())
                            .build();
                });
    }

    @Override
    public void updateTable(UpdateTableRequest request, StreamObserver<Empty> response) {
        unary(
                "UpdateTable",
                response,
                () -> {
                    tables().updateTable(
                                    desc(request.getCurrent(), "UpdateTable (current)"),
                                    desc(request.getExpected(), "UpdateTable (expected)"));
                    return Empty.getDefaultInstance();
                });
    }

    private static TableDesc desc(io.chunkstore.grpc.proto.TableDesc d, String rpc) {
        tableName(d.getName(), rpc);
        return ProtoMapping.fromProto(d);
    }

    private static String tableName(String name, String rpc) {
        if (name.isEmpty()) {
            throw new InvalidRequestException(rpc + ": no table name");
        }
        return name;
    }

    // ---- plumbing

    private <T> void unary(String rpc, StreamObserver<T> response, Supplier<T> body) {
        onWorker(
                rpc,
                response,
                () -> {
                    T result;
                    try {
                        result = body.get();
                    } catch (RuntimeException | Error e) {
                        fail(rpc, response, e, null);
                        return;
                    }
                    response.onNext(result);
                    response.onCompleted();
                });
    }

    /**
     * Runs {@code work} on a worker thread, in the call's gRPC context (which carries the
     * chunk-table header and the deadline); when the server is shutting down the call ends
     * UNAVAILABLE.
     */
    private void onWorker(String rpc, StreamObserver<?> response, Runnable work) {
        onWorker(worker, rpc, response, work);
    }

    private void onWorker(Executor on, String rpc, StreamObserver<?> response, Runnable work) {
        try {
            on.execute(Context.current().wrap(work));
        } catch (RejectedExecutionException e) {
            fail(
                    rpc,
                    response,
                    new UnavailableException("the grpc_store server is shutting down", e),
                    null);
        }
    }

    private <T> void stream(String rpc, FlowControlledSender<T> sender, Runnable work) {
        onWorker(
                rpc,
                sender.call(),
                () -> {
                    try {
                        work.run();
                    } catch (RuntimeException | Error e) {
                        if (sender.cancelled()) {
                            log.debug(
                                    "grpc_store {} stopped after the call was cancelled: {}",
                                    rpc,
                                    Statuses.describe(e));
                        } else {
                            fail(rpc, sender.call(), e, null);
                        }
                    }
                });
    }

    /**
     * Ends a call with the status for the error, and writes the one log line of the failed call.
     */
    private static void fail(
            String rpc, StreamObserver<?> response, Throwable error, String description) {
        StatusRuntimeException status = Statuses.toStatus(error, description);
        Status.Code code = status.getStatus().getCode();
        String cause = Statuses.describe(Statuses.unwrap(error));
        switch (code) {
            case INTERNAL, UNKNOWN, DATA_LOSS ->
                    log.error("grpc_store {} failed with {}: {}", rpc, code, cause, error);
            case INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, UNIMPLEMENTED ->
                    log.info("grpc_store {} failed with {}: {}", rpc, code, cause);
            default -> log.warn("grpc_store {} failed with {}: {}", rpc, code, cause);
        }
        try {
            response.onError(status);
        } catch (IllegalStateException alreadyClosed) {
            log.debug("grpc_store {}: the call was already closed", rpc);
        }
    }
}
