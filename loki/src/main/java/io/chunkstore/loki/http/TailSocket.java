package io.chunkstore.loki.http;

import io.chunkstore.loki.logql.LogQuery;
import io.chunkstore.loki.query.LogQuerier;
import io.chunkstore.loki.query.LogTailer;
import io.chunkstore.loki.query.StreamEntry;
import io.chunkstore.loki.query.TailOptions;
import io.chunkstore.spi.support.DaemonThreads;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code /loki/api/v1/tail} websocket: a thread polls the store with a {@link LogTailer} and
 * sends each batch as Loki 2.x tail messages of at most 100 entries, waiting for each send (so a
 * slow client slows the tail down instead of dropping entries). It stops when the client goes away.
 * While it waits for entries (chunks reach the store long after their lines: Loki flushes after
 * {@code chunk_idle_period}, and logcli's {@code --delay-for} adds more) it pings the client every
 * {@link #PING_INTERVAL}, as Loki's tailer does, and the session has no idle time-out: the tail
 * lasts as long as the client stays. Public only because Jetty's websocket layer requires endpoint
 * classes to be; created by {@link LokiHttpApi}.
 */
public final class TailSocket implements Session.Listener.AutoDemanding {
    private static final Logger LOG = LoggerFactory.getLogger(TailSocket.class);

    /** Loki's {@code maxEntriesPerTailResponse}. */
    static final int MAX_ENTRIES_PER_MESSAGE = 100;

    /** The longest sleep between checks that the client is still there. */
    private static final Duration MAX_SLEEP = Duration.ofMillis(500);

    /** How often an idle tail pings its client (Loki's tailer pings every second). */
    static final Duration PING_INTERVAL = Duration.ofSeconds(1);

    private final LogTailer tailer;
    private volatile Session session;
    private volatile boolean closed;
    private Thread thread;
    private long lastPingNanos = System.nanoTime();

    TailSocket(
            LogQuerier querier, String tenant, LogQuery query, TailOptions options, Clock clock) {
        this.tailer = new LogTailer(querier, tenant, query, options, clock);
    }

    @Override
    public void onWebSocketOpen(Session s) {
        this.session = s;
        // No idle time-out while the tail runs: the pings keep proxies' idle timers going, and the
        // tail ends when
        // the client closes or goes away (a failed send or ping).
        s.setIdleTimeout(Duration.ZERO);
        thread = DaemonThreads.start("chunkstore-loki-tail", this::run);
    }

    private void run() {
        try {
            tailer.run(
                    this::send,
                    () -> closed || !session.isOpen(),
                    d -> {
                        long left = d.toNanos();
                        while (left > 0 && !closed) {
                            long step = Math.min(left, MAX_SLEEP.toNanos());
                            TimeUnit.NANOSECONDS.sleep(step);
                            left -= step;
                            pingIfDue();
                        }
                    });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("tail failed: {}", e.getMessage(), e);
                String reason = String.valueOf(e.getMessage());
                byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
                session.close(
                        StatusCode.SERVER_ERROR,
                        utf8.length > 120 ? reason.substring(0, 60) : reason,
                        Callback.NOOP);
            }
        }
    }

    private void pingIfDue() {
        long now = System.nanoTime();
        if (now - lastPingNanos < PING_INTERVAL.toNanos() || closed || !session.isOpen()) {
            return;
        }
        lastPingNanos = now;
        session.sendPing(ByteBuffer.allocate(0), Callback.from(() -> {}, e -> closed = true));
    }

    private void send(List<StreamEntry> batch) {
        for (int i = 0; i < batch.size() && !closed; i += MAX_ENTRIES_PER_MESSAGE) {
            List<StreamEntry> part =
                    batch.subList(i, Math.min(batch.size(), i + MAX_ENTRIES_PER_MESSAGE));
            CompletableFuture<Void> sent = new CompletableFuture<>();
            session.sendText(
                    new String(LokiJson.tailMessage(part), StandardCharsets.UTF_8),
                    Callback.from(() -> sent.complete(null), sent::completeExceptionally));
            try {
                sent.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                closed = true;
                return;
            }
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        closed = true;
    }
}
