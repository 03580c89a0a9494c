package io.chunkstore.grpc;

import io.chunkstore.grpc.GrpcStoreClient.Calls;
import io.chunkstore.grpc.proto.DeleteIndexRequest;
import io.chunkstore.grpc.proto.QueryIndexResponse;
import io.chunkstore.grpc.proto.WriteIndexRequest;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexWriteException;
import io.chunkstore.spi.PageConsumer;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.support.ParallelQueries;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executor;

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

    @Override
    public void queryPages(List<IndexQuery> queries, PageConsumer consumer) {
        ParallelQueries.run(queries, parallelism, executor, this::query, consumer);
    }

    /** One QueryIndex stream; each message is one page. Stopping early cancels the stream. */
    private void query(IndexQuery query, PageConsumer consumer) {
        Context.CancellableContext context = Context.current().withCancellation();
        Context previous = context.attach();
        try {
            Iterator<QueryIndexResponse> it =
                    calls.stream().queryIndex(ProtoMapping.toProto(query));
            while (it.hasNext()) {
                if (!consumer.onPage(query, ProtoMapping.page(it.next().getRowsList()))) {
                    return;
                }
            }
        } catch (StatusRuntimeException e) {
            throw Statuses.toException(
                    e, "QueryIndex", Statuses.Call.INDEX_QUERY, query.tableName());
        } finally {
            context.detach(previous);
            context.cancel(null);
        }
    }

    /** Does nothing: the channel belongs to the {@link GrpcStoreClient}. */
    @Override
    public void close() {}
}
