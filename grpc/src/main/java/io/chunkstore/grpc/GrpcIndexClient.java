package io.chunkstore.grpc;

import io.chunkstore.grpc.GrpcStoreClient.Calls;
import io.chunkstore.grpc.proto.DeleteIndexRequest;
import io.chunkstore.grpc.proto.QueryIndexRequest;
import io.chunkstore.grpc.proto.WriteIndexRequest;
import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexWriteException;
import io.chunkstore.spi.PageConsumer;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.WriteBatch;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** {@link IndexClient} over the grpc_store protocol; see {@link GrpcStoreClient}. */
final class GrpcIndexClient implements IndexClient {
    private final Calls calls;
    private final int parallelism;
    private final Executor executor;

    GrpcIndexClient(Calls calls, int parallelism, Executor executor) {
        this.calls = calls;
        this.parallelism = parallelism;
        this.executor = executor;
    }

    /**
     * WriteIndex with the puts, then DeleteIndex with the deletes, as Go does; each split into
     * requests under the request size limit, and not sent when empty. On a failure, the {@link
     * IndexWriteException} lists the entries of the failed request and of every request after it
     * (earlier requests were acknowledged).
     */
    @Override
    public void batchWrite(WriteBatch batch) {
        List<List<io.chunkstore.grpc.proto.IndexEntry>> puts = requests(batch.puts());
        List<List<io.chunkstore.grpc.proto.IndexEntry>> deletes = requests(batch.deletes());
        for (int i = 0; i < puts.size(); i++) {
            try {
                calls.unary()
                        .writeIndex(
                                WriteIndexRequest.newBuilder().addAllWrites(puts.get(i)).build());
            } catch (StatusRuntimeException e) {
                throw notWritten(
                        "WriteIndex",
                        i,
                        puts.size(),
                        e,
                        flatten(puts.subList(i, puts.size())),
                        batch.deletes(),
                        puts.get(i));
            }
        }
        for (int i = 0; i < deletes.size(); i++) {
            try {
                calls.unary()
                        .deleteIndex(
                                DeleteIndexRequest.newBuilder()
                                        .addAllDeletes(deletes.get(i))
                                        .build());
            } catch (StatusRuntimeException e) {
                throw notWritten(
                        "DeleteIndex",
                        i,
                        deletes.size(),
                        e,
                        List.of(),
                        flatten(deletes.subList(i, deletes.size())),
                        deletes.get(i));
            }
        }
    }

    private List<List<io.chunkstore.grpc.proto.IndexEntry>> requests(List<IndexEntry> entries) {
        List<io.chunkstore.grpc.proto.IndexEntry> protos = new ArrayList<>(entries.size());
        entries.forEach(e -> protos.add(ProtoMapping.toProto(e)));
        return MessageBatcher.split(protos, calls.maxRequestBytes());
    }

    private static List<IndexEntry> flatten(
            List<List<io.chunkstore.grpc.proto.IndexEntry>> requests) {
        List<IndexEntry> out = new ArrayList<>();
        for (var r : requests) {
            for (var e : r) {
                out.add(
                        new IndexEntry(
                                e.getTableName(),
                                e.getHashValue(),
                                e.getRangeValue().toByteArray(),
                                e.getValue().toByteArray()));
            }
        }
        return out;
    }

    private static IndexWriteException notWritten(
            String rpc,
            int i,
            int n,
            StatusRuntimeException e,
            List<IndexEntry> puts,
            List<IndexEntry> deletes,
            List<io.chunkstore.grpc.proto.IndexEntry> request) {
        String table =
                request.stream()
                                        .map(io.chunkstore.grpc.proto.IndexEntry::getTableName)
                                        .distinct()
                                        .count()
                                == 1
                        ? request.get(0).getTableName()
                        : null;
        return new IndexWriteException(
                "grpc_store " + rpc + " request " + (i + 1) + " of " + n + " failed",
                puts,
                deletes,
                Statuses.toException(e, rpc, Statuses.Call.INDEX_WRITE, table));
    }

    /**
     * The asynchronous path with the blocking consumer run on the query threads (it may block, so
     * never on the transport thread); the calling thread waits for the end of every query.
     */
    @Override
    public void queryPages(List<IndexQuery> queries, PageConsumer consumer) {
        CompletableFuture<Void> done =
                new AsyncQueries(
                                queries,
                                (q, page) ->
                                        consumer.onPage(q, page)
                                                ? AsyncPageConsumer.MORE
                                                : AsyncPageConsumer.STOP,
                                executor)
                        .start();
        try {
            done.join();
        } catch (CompletionException e) {
            Throwable cause = Statuses.unwrap(e);
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /**
     * One QueryIndex stream per query, up to {@code queryParallelism} at a time, without a thread
     * of ours waiting on any: each received message is one page for the consumer, and the next
     * message is requested from the server only when the consumer's stage completes with {@code
     * true} (manual inbound flow control, so a slow consumer holds the server back through HTTP/2's
     * window); {@code false} cancels the stream. The consumer runs on the channel's transport
     * thread (it must not block, as {@link AsyncPageConsumer} says). Every query runs even when
     * another fails; the stage then fails with the first error.
     */
    @Override
    public CompletionStage<Void> queryPagesAsync(
            List<IndexQuery> queries, AsyncPageConsumer consumer) {
        return new AsyncQueries(queries, consumer, DIRECT).start();
    }

    /** Runs callbacks on the thread that completes them (the transport thread). */
    private static final Executor DIRECT = Runnable::run;

    /** The queries of one {@link #queryPagesAsync} call, at most {@code parallelism} in flight. */
    private final class AsyncQueries {
        private final List<IndexQuery> queries;
        private final AsyncPageConsumer consumer;
        private final Executor callbacks;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger open;
        private final AtomicReference<Throwable> firstError = new AtomicReference<>();
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        AsyncQueries(List<IndexQuery> queries, AsyncPageConsumer consumer, Executor callbacks) {
            this.queries = List.copyOf(queries);
            this.consumer = consumer;
            this.callbacks = callbacks;
            this.open = new AtomicInteger(this.queries.size());
        }

        CompletableFuture<Void> start() {
            if (queries.isEmpty()) {
                done.complete(null);
                return done;
            }
            int first = Math.min(parallelism, queries.size());
            for (int i = 0; i < first; i++) {
                startNext();
            }
            return done;
        }

        private void startNext() {
            int i = next.getAndIncrement();
            if (i >= queries.size()) {
                return;
            }
            IndexQuery query = queries.get(i);
            try {
                var stub = calls.async();
                ClientCalls.asyncServerStreamingCall(
                        stub.getChannel()
                                .newCall(
                                        ResponseParsers.QUERY_INDEX,
                                        stub.getCallOptions().withExecutor(callbacks)),
                        ProtoMapping.toProto(query),
                        new QueryStream(query, this));
            } catch (RuntimeException e) {
                ended(query, e);
            }
        }

        /** One query ended ({@code error} null: completed or stopped by the consumer). */
        void ended(IndexQuery query, Throwable error) {
            if (error != null) {
                firstError.compareAndSet(null, error);
            }
            if (open.decrementAndGet() == 0) {
                Throwable e = firstError.get();
                if (e == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(e);
                }
            } else {
                startNext();
            }
        }
    }

    /** One QueryIndex stream with manual inbound flow control. */
    private static final class QueryStream
            implements ClientResponseObserver<QueryIndexRequest, ReadBatch> {
        private final IndexQuery query;
        private final AsyncQueries owner;
        private final AtomicBoolean ended = new AtomicBoolean();
        private ClientCallStreamObserver<QueryIndexRequest> call;

        QueryStream(IndexQuery query, AsyncQueries owner) {
            this.query = query;
            this.owner = owner;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<QueryIndexRequest> call) {
            this.call = call;
            call.disableAutoRequestWithInitial(1);
        }

        @Override
        public void onNext(ReadBatch page) {
            if (ended.get()) {
                return;
            }
            CompletionStage<Boolean> demand;
            try {
                demand = owner.consumer.onPage(query, page);
            } catch (RuntimeException | Error e) {
                stop(e);
                return;
            }
            CompletableFuture<Boolean> f = demand.toCompletableFuture();
            if (f.isDone() && !f.isCompletedExceptionally()) {
                afterPage(f.join(), null);
            } else {
                demand.whenComplete(this::afterPage);
            }
        }

        private void afterPage(Boolean more, Throwable error) {
            if (error != null) {
                stop(Statuses.unwrap(error));
            } else if (Boolean.TRUE.equals(more)) {
                call.request(1);
            } else {
                stop(null);
            }
        }

        /** The consumer stopped the query (error null) or failed it: cancel the stream. */
        private void stop(Throwable error) {
            if (ended.compareAndSet(false, true)) {
                call.cancel(
                        error == null
                                ? "the page consumer stopped the query"
                                : "the page consumer failed",
                        error);
                owner.ended(query, error);
            }
        }

        @Override
        public void onError(Throwable t) {
            if (ended.compareAndSet(false, true)) {
                owner.ended(
                        query,
                        t instanceof StatusRuntimeException e
                                ? Statuses.toException(
                                        e,
                                        "QueryIndex",
                                        Statuses.Call.INDEX_QUERY,
                                        query.tableName())
                                : t);
            }
        }

        @Override
        public void onCompleted() {
            if (ended.compareAndSet(false, true)) {
                owner.ended(query, null);
            }
        }
    }

    /** Does nothing: the channel belongs to the {@link GrpcStoreClient}. */
    @Override
    public void close() {}
}
