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
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.support.AsyncQueries;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link IndexClient} over the grpc_store protocol; see {@link GrpcStoreClient}. */
final class GrpcIndexClient implements IndexClient {
    private final Calls calls;
    private final int parallelism;

    GrpcIndexClient(Calls calls, int parallelism) {
        this.calls = calls;
        this.parallelism = parallelism;
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
     * One QueryIndex stream per query, up to {@code queryParallelism} at a time, without a thread
     * of ours waiting on any: each received message is one page for the consumer, and the next
     * message is requested from the server only when the consumer's stage completes with {@code
     * true} (manual inbound flow control, so a slow consumer holds the server back through HTTP/2's
     * window); {@code false} cancels the stream. The consumer runs on the channel's transport
     * thread (it must not block, as {@link AsyncPageConsumer} says). Every query runs even when
     * another fails; the stage then fails with the first error. The blocking {@code queryPages} is
     * the SPI's wrapper over this (the consumer on the calling thread).
     */
    @Override
    public CompletionStage<Void> queryPagesAsync(
            List<IndexQuery> queries, AsyncPageConsumer consumer) {
        return AsyncQueries.run(queries, parallelism, q -> stream(q, consumer, DIRECT));
    }

    /** Starts one QueryIndex stream; the stage completes when it has ended. */
    private CompletionStage<Void> stream(
            IndexQuery query, AsyncPageConsumer consumer, Executor callbacks) {
        QueryStream stream = new QueryStream(query, consumer);
        var stub = calls.async();
        ClientCalls.asyncServerStreamingCall(
                stub.getChannel()
                        .newCall(
                                ResponseParsers.QUERY_INDEX,
                                stub.getCallOptions().withExecutor(callbacks)),
                ProtoMapping.toProto(query),
                stream);
        return stream.done;
    }

    /** Runs callbacks on the thread that completes them (the transport thread). */
    private static final Executor DIRECT = Runnable::run;

    /**
     * One QueryIndex stream with manual inbound flow control: one message requested at a time, the
     * next when the consumer's stage for the last page completes with {@code true}.
     */
    private static final class QueryStream
            implements ClientResponseObserver<QueryIndexRequest, ReadBatch> {
        private final IndexQuery query;
        private final AsyncPageConsumer consumer;
        private final AtomicBoolean ended = new AtomicBoolean();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private ClientCallStreamObserver<QueryIndexRequest> call;
        private boolean pagePending;
        private boolean completed;

        QueryStream(IndexQuery query, AsyncPageConsumer consumer) {
            this.query = query;
            this.consumer = consumer;
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
            synchronized (this) {
                pagePending = true;
            }
            CompletableFuture<Boolean> demand =
                    AsyncQueries.deliver(consumer, query, page).toCompletableFuture();
            if (demand.isDone() && !demand.isCompletedExceptionally()) {
                afterPage(demand.join(), null);
            } else {
                demand.whenComplete(this::afterPage);
            }
        }

        /**
         * The consumer's answer for the last page: the next message is requested, or, when the
         * server has already ended the stream, the query ends now (not before: a stage that fails
         * after the last message still fails the query).
         */
        private void afterPage(Boolean more, Throwable error) {
            if (error != null) {
                stop(AsyncQueries.unwrap(error));
            } else if (!Boolean.TRUE.equals(more)) {
                stop(null);
            } else {
                boolean serverEnded;
                synchronized (this) {
                    pagePending = false;
                    serverEnded = completed;
                }
                if (!serverEnded) {
                    call.request(1);
                } else if (ended.compareAndSet(false, true)) {
                    done.complete(null);
                }
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
                if (error == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(error);
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            if (ended.compareAndSet(false, true)) {
                done.completeExceptionally(
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
            synchronized (this) {
                completed = true;
                if (pagePending) {
                    return; // ends in afterPage, with the consumer's answer
                }
            }
            if (ended.compareAndSet(false, true)) {
                done.complete(null);
            }
        }
    }

    /** Does nothing: the channel belongs to the {@link GrpcStoreClient}. */
    @Override
    public void close() {}
}
