package io.chunkstore.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.function.Consumer;

/**
 * Sends the messages of one server-streaming call from a worker thread, with back-pressure: {@link
 * #send} waits until the transport is ready for more (gRPC's onReady / isReady flow control), so a
 * slow client slows the backend's paging down instead of the server buffering a whole row. A
 * cancelled call (client gone, deadline, server forced down) makes {@link #send} return false at
 * once, which the caller turns into "stop paging".
 *
 * <p>Must be created on the call's thread, before the service method returns (it installs the
 * call's onReady and onCancel handlers); {@link #send} is then called from a single worker thread.
 */
final class FlowControlledSender<T> {
    /** Re-check readiness at least this often, should a wake-up ever be missed. */
    private static final long READY_POLL_MILLIS = 200;

    private final ServerCallStreamObserver<T> call;
    private final Consumer<T> onSent;
    private final Object lock = new Object();
    private volatile boolean cancelled;

    FlowControlledSender(ServerCallStreamObserver<T> call, Consumer<T> onSent) {
        this.call = call;
        this.onSent = onSent;
        call.setOnReadyHandler(this::wake);
        call.setOnCancelHandler(
                () -> {
                    cancelled = true;
                    wake();
                });
    }

    private void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /**
     * Sends one message once the call is ready; false (and nothing sent) when the call is
     * cancelled.
     */
    boolean send(T message) {
        synchronized (lock) {
            while (!cancelled() && !call.isReady()) {
                try {
                    lock.wait(READY_POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancelled = true;
                }
            }
        }
        if (cancelled()) {
            return false;
        }
        call.onNext(message);
        onSent.accept(message);
        return true;
    }

    boolean cancelled() {
        return cancelled || call.isCancelled();
    }

    ServerCallStreamObserver<T> call() {
        return call;
    }
}
