package io.chunkstore.grpc;

import io.chunkstore.grpc.proto.QueryIndexResponse;
import io.chunkstore.grpc.proto.Row;
import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.ReadBatch;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * One QueryIndex call as an {@link AsyncPageConsumer}: the backend's pages become response
 * messages, written as they arrive on whatever thread delivers them (the transport thread, a
 * driver's I/O thread), and no thread ever waits for the client. Back-pressure is gRPC's onReady
 * flow control turned into the consumer's demand: after a page, when the call is not ready for more
 * ({@link ServerCallStreamObserver#isReady()} false), the consumer answers with a stage the call's
 * onReady handler completes, so the backend pulls no further page until the client has read. A
 * cancelled call (client gone, early stop, deadline) answers {@link AsyncPageConsumer#STOP}, and a
 * stage waiting for readiness completes with {@code false}, which stops the backend's query.
 *
 * <p>Rows are packed into messages by a {@link MessageBatcher} (small pages coalesced up to the
 * target size, never over the Go client's limit). Must be created on the call's thread, before the
 * service method returns (it installs the call's onReady and onCancel handlers). The SPI calls the
 * consumer never concurrently for one query, and a QueryIndex call has one query, so the call's
 * observer is used by one thread at a time.
 */
final class RowStream implements AsyncPageConsumer {
    private final ServerCallStreamObserver<QueryIndexResponse> call;
    private final MessageBatcher<Row, QueryIndexResponse> batcher;
    private final IntConsumer onSent;
    private final AtomicReference<CompletableFuture<Boolean>> waiting = new AtomicReference<>();
    private volatile boolean cancelled;
    private volatile boolean stopped;

    RowStream(
            ServerCallStreamObserver<QueryIndexResponse> call,
            int maxMessageBytes,
            int targetMessageBytes,
            IntConsumer onSent) {
        this.call = call;
        this.onSent = onSent;
        this.batcher =
                new MessageBatcher<>(
                        maxMessageBytes, targetMessageBytes, RowStream::message, this::write);
        call.setOnReadyHandler(() -> release(true));
        call.setOnCancelHandler(
                () -> {
                    cancelled = true;
                    release(false);
                });
    }

    /** The rows as one message, built once (no copy of the rows). */
    private static QueryIndexResponse message(java.util.List<Row> rows) {
        return QueryIndexResponse.newBuilder().addAllRows(rows).build();
    }

    private boolean write(QueryIndexResponse message) {
        if (cancelled()) {
            return false;
        }
        call.onNext(message);
        onSent.accept(message.getSerializedSize());
        return true;
    }

    /** Completes the stage a page is waiting on, if any. */
    private void release(boolean more) {
        CompletableFuture<Boolean> w = waiting.getAndSet(null);
        if (w != null) {
            w.complete(more && !cancelled());
        }
    }

    boolean cancelled() {
        return cancelled || call.isCancelled();
    }

    /**
     * Whether the consumer stopped the query (the call was cancelled): the call is then closed and
     * nothing more may be written.
     */
    boolean stopped() {
        return stopped;
    }

    @Override
    public CompletionStage<Boolean> onPage(IndexQuery query, ReadBatch page) {
        if (cancelled()) {
            stopped = true;
            return STOP;
        }
        ReadBatch.ReadBatchIterator it = page.iterator();
        while (it.next()) {
            Row row = ProtoMapping.row(it.rangeValue(), it.value());
            if (!batcher.fitsAlone(row)) {
                throw new MessageTooLargeException(
                        "QueryIndex: the entry of table "
                                + query.tableName()
                                + ", hash value "
                                + query.hashValue()
                                + ", range value "
                                + abbreviatedHex(it.rangeValue())
                                + " is "
                                + MessageBatcher.fieldSize(row)
                                + " bytes encoded, more than the "
                                + batcher.maxBytes()
                                + " bytes one response message may carry to a Go client");
            }
            if (!batcher.add(row)) {
                stopped = true;
                return STOP;
            }
        }
        if (!batcher.flushIfAtTarget()) {
            stopped = true;
            return STOP;
        }
        if (call.isReady()) {
            return MORE;
        }
        CompletableFuture<Boolean> demand = new CompletableFuture<>();
        waiting.set(demand);
        // onReady (or onCancel) may have run between isReady() and set(): look again.
        if (call.isReady() || cancelled()) {
            release(true);
        }
        return demand.thenApply(
                more -> {
                    if (!more) {
                        stopped = true;
                    }
                    return more;
                });
    }

    /** Sends the rows still buffered and ends the call; nothing when the call is gone. */
    void finish() {
        if (stopped || !batcher.flush()) {
            return;
        }
        call.onCompleted();
    }

    static String abbreviatedHex(byte[] b) {
        String hex = Bytes.hex(b);
        return hex.length() <= 64 ? hex : hex.substring(0, 64) + "...";
    }
}
