package io.chunkstore.server;

import io.chunkstore.spi.support.DaemonThreads;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What stands in front of every handler of serve's HTTP port but {@code /ready}:
 *
 * <ul>
 *   <li>credentials ({@link Credentials}, when configured): {@code Authorization: Bearer} or {@code
 *       Basic}, else 401; a credential limited to some tenants must name one of them in {@code
 *       X-Scope-OrgID}, else 403. {@code /ready} stays open for probes.
 *   <li>queries (every request but {@code /ready}, {@code /metrics} and tails) run on their own
 *       pool of {@link ServeSecurity#maxConcurrentQueries()} threads, not Jetty's: a query that
 *       arrives when all are busy is answered 429 at once, and {@code /ready} and {@code /metrics}
 *       are answered by Jetty's threads, which queries never hold.
 *   <li>a query still running after {@link ServeSecurity#queryTimeout()} is answered 504 (the
 *       status Loki gives a query past its deadline, grafana/loki pkg/util/server/error.go); its
 *       thread keeps its slot until the handler returns. The Loki and Prometheus handlers stop
 *       their reads at the same deadline ({@link ServeContext#queryTimeout()}), so their slot is
 *       freed then.
 *   <li>at most {@link ServeSecurity#maxConcurrentTails()} tail websockets are open at once; a tail
 *       asked for beyond that is answered 429. (Tails starting at the same instant may pass the
 *       limit by how many start together: the count is of open websockets.)
 * </ul>
 *
 * Every refusal is logged with the client's address.
 */
final class HttpGuard extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(HttpGuard.class);

    /** The tenant header of Cortex and Loki. */
    static final String TENANT_HEADER = "X-Scope-OrgID";

    /** The Loki tail websocket's path. */
    static final String TAIL_PATH = "/loki/api/v1/tail";

    private final ServeSecurity security;
    private final Semaphore queries;
    private final ExecutorService queryPool;
    private final ScheduledExecutorService timer;
    private final AtomicInteger openTails = new AtomicInteger();

    HttpGuard(ServeSecurity security, Handler next) {
        super(next);
        this.security = security;
        this.queries = new Semaphore(security.maxConcurrentQueries());
        this.queryPool =
                Executors.newFixedThreadPool(
                        security.maxConcurrentQueries(), DaemonThreads.named("serve-http-query"));
        this.timer =
                Executors.newSingleThreadScheduledExecutor(
                        DaemonThreads.named("serve-http-query-timeout"));
    }

    /** Counts the open tail websockets; added to the port's connector. */
    Connection.Listener tailCounter() {
        return new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                if (connection instanceof WebSocketConnection) {
                    openTails.incrementAndGet();
                }
            }

            @Override
            public void onClosed(Connection connection) {
                if (connection instanceof WebSocketConnection) {
                    openTails.decrementAndGet();
                }
            }
        };
    }

    /** Tail websockets open now. */
    int openTails() {
        return openTails.get();
    }

    @Override
    public boolean handle(Request rq, Response rs, Callback cb) throws Exception {
        String path = Request.getPathInContext(rq);
        if (path.equals("/ready")) {
            return super.handle(rq, rs, cb);
        }
        if (security.credentials() != null && !authorized(rq, rs, cb, path)) {
            return true;
        }
        if (path.equals("/metrics")) {
            return super.handle(rq, rs, cb);
        }
        if (path.equals(TAIL_PATH)
                && "websocket".equalsIgnoreCase(rq.getHeaders().get(HttpHeader.UPGRADE))) {
            int open = openTails.get();
            if (open >= security.maxConcurrentTails()) {
                return refuse(
                        rq,
                        rs,
                        cb,
                        429,
                        "too many tails: "
                                + open
                                + " are open, the limit (chunkstore serve --max-concurrent-tails "
                                + security.maxConcurrentTails()
                                + "); close one or retry later");
            }
            return super.handle(rq, rs, cb);
        }
        if (!queries.tryAcquire()) {
            rs.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            return refuse(
                    rq,
                    rs,
                    cb,
                    429,
                    "too many concurrent queries: "
                            + security.maxConcurrentQueries()
                            + " are running, the limit (chunkstore serve --max-concurrent-queries "
                            + security.maxConcurrentQueries()
                            + "); retry later");
        }
        TimedResponse timed = new TimedResponse(rq, rs, cb);
        try {
            queryPool.execute(() -> run(rq, timed, path));
        } catch (RuntimeException e) {
            queries.release();
            throw e;
        }
        return true;
    }

    private void run(Request rq, TimedResponse timed, String path) {
        ScheduledFuture<?> deadline =
                timer.schedule(
                        () -> timed.timeOut(path),
                        security.queryTimeout().toNanos(),
                        TimeUnit.NANOSECONDS);
        try {
            if (!super.handle(rq, timed, timed.callback())) {
                timed.answer(404, "not found\n");
            }
        } catch (Exception e) {
            LOG.error("{} failed", path, e);
            timed.answer(500, "internal error: " + e + "\n");
        } finally {
            deadline.cancel(false);
            queries.release();
        }
    }

    /** Checks the credentials; answers 401 or 403 and returns false when they do not do. */
    private boolean authorized(Request rq, Response rs, Callback cb, String path) {
        Optional<Credentials.Credential> who =
                security.credentials()
                        .ofAuthorizationHeader(rq.getHeaders().get(HttpHeader.AUTHORIZATION));
        if (who.isEmpty()) {
            rs.getHeaders()
                    .put(
                            HttpHeader.WWW_AUTHENTICATE,
                            "Bearer realm=\"chunkstore\", Basic realm=\"chunkstore\"");
            refuse(
                    rq,
                    rs,
                    cb,
                    401,
                    rq.getHeaders().get(HttpHeader.AUTHORIZATION) == null
                            ? "unauthorized: this server requires credentials (Authorization: Bearer"
                                    + " <token> or Basic)"
                            : "unauthorized: the credentials are not valid");
            return false;
        }
        Credentials.Credential c = who.get();
        if (!c.tenants().isEmpty() && !path.equals("/metrics")) {
            String tenant = rq.getHeaders().get(TENANT_HEADER);
            if (tenant == null || tenant.isBlank()) {
                refuse(
                        rq,
                        rs,
                        cb,
                        403,
                        "credential '"
                                + c.name()
                                + "' may read only tenants "
                                + c.tenants()
                                + ": name one in the "
                                + TENANT_HEADER
                                + " header");
                return false;
            }
            for (String t : tenant.split("\\|", -1)) {
                if (!c.mayRead(t.strip())) {
                    refuse(
                            rq,
                            rs,
                            cb,
                            403,
                            "credential '"
                                    + c.name()
                                    + "' may not read tenant '"
                                    + t.strip()
                                    + "'");
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean refuse(
            Request rq, Response rs, Callback cb, int status, String message) {
        LOG.warn(
                "refused {} {} from {}:{}: {} {}",
                rq.getMethod(),
                Request.getPathInContext(rq),
                Request.getRemoteAddr(rq),
                Request.getRemotePort(rq),
                status,
                message);
        answerText(rs, cb, status, message + "\n");
        return true;
    }

    private static void answerText(Response rs, Callback cb, int status, String body) {
        rs.setStatus(status);
        rs.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        rs.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), cb);
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        queryPool.shutdown(); // no interrupts: a query thread may be inside a backend call
        timer.shutdownNow();
    }

    /**
     * The response of a query on the query pool: whichever comes first, the query's first write or
     * the time-out, answers; the other is dropped.
     */
    private final class TimedResponse extends Response.Wrapper {
        private static final int RUNNING = 0;
        private static final int ANSWERED = 1;
        private static final int TIMED_OUT = 2;

        private final Request request;
        private final Callback real;
        private final AtomicInteger state = new AtomicInteger(RUNNING);

        TimedResponse(Request request, Response wrapped, Callback real) {
            super(request, wrapped);
            this.request = request;
            this.real = real;
        }

        Callback callback() {
            return Callback.from(
                    () -> {
                        if (state.get() != TIMED_OUT) {
                            real.succeeded();
                        }
                    },
                    x -> {
                        if (state.get() != TIMED_OUT) {
                            real.failed(x);
                        }
                    });
        }

        @Override
        public void setStatus(int code) {
            if (state.get() != TIMED_OUT) {
                super.setStatus(code);
            }
        }

        @Override
        public HttpFields.Mutable getHeaders() {
            return state.get() == TIMED_OUT ? HttpFields.build() : super.getHeaders();
        }

        @Override
        public void write(boolean last, ByteBuffer content, Callback callback) {
            if (state.compareAndSet(RUNNING, ANSWERED) || state.get() == ANSWERED) {
                super.write(last, content, callback);
            } else {
                callback.succeeded();
            }
        }

        /** Answers directly, when the query's handler did not. */
        void answer(int status, String body) {
            if (state.compareAndSet(RUNNING, ANSWERED)) {
                answerText(getWrapped(), real, status, body);
            }
        }

        void timeOut(String path) {
            if (state.compareAndSet(RUNNING, TIMED_OUT)) {
                refuse(
                        request,
                        getWrapped(),
                        real,
                        504,
                        "query timed out after "
                                + io.chunkstore.core.config.Durations.format(
                                        security.queryTimeout())
                                + " (chunkstore serve --query-timeout): narrow the time range or"
                                + " the stream selector");
            }
        }
    }
}
