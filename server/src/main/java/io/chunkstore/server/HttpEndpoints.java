package io.chunkstore.server;

import io.chunkstore.spi.UnavailableException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code chunkstore serve}'s HTTP port (Jetty 12): {@code GET /metrics} (Prometheus text format
 * from the server's registry) and {@code GET /ready} (200 while the gRPC server serves and every
 * store answers; 503 before, from the start of shutdown, and while a store does not answer or is
 * full, saying why) first, so a mounted API cannot shadow them; then the mounted handlers ({@link
 * HttpMount}, such as the Loki HTTP API) in order; then a 404 naming the endpoints.
 */
final class HttpEndpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoints.class);

    /** The Prometheus text exposition format. */
    static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Server server;
    private final ServerConnector connector;

    private HttpEndpoints(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Starts serving with {@link ServeSecurity#DEFAULT}.
     *
     * @throws UnavailableException when the address cannot be bound
     */
    static HttpEndpoints start(
            InetSocketAddress address,
            PrometheusMeterRegistry registry,
            Supplier<String> notReady,
            List<HttpMount> mounts,
            ServeContext context) {
        return start(address, registry, notReady, mounts, context, ServeSecurity.DEFAULT);
    }

    /**
     * Starts serving, every handler but {@code /ready} behind an {@link HttpGuard} (credentials,
     * concurrency limits, query time-out).
     *
     * @throws UnavailableException when the address cannot be bound
     */
    static HttpEndpoints start(
            InetSocketAddress address,
            PrometheusMeterRegistry registry,
            Supplier<String> notReady,
            List<HttpMount> mounts,
            ServeContext context,
            ServeSecurity security) {
        QueuedThreadPool pool = new QueuedThreadPool(32, 2);
        pool.setName("serve-http");
        pool.setDaemon(true);
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(address.getHostString());
        connector.setPort(address.getPort());
        server.addConnector(connector);
        List<Handler> handlers = new ArrayList<>();
        handlers.add(new Endpoints(registry, notReady));
        for (HttpMount m : mounts) {
            handlers.add(m.handler(server, context));
        }
        handlers.add(new NotFound(!mounts.isEmpty()));
        HttpGuard guard = new HttpGuard(security, new Handler.Sequence(handlers));
        connector.addEventListener(guard.tailCounter());
        server.setHandler(
                new HttpRequestMetrics(
                        registry,
                        context == null ? "" : context.config().metricsNamespace(),
                        guard));
        server.setStopTimeout(2000);
        server.setErrorHandler(new PlainTextErrors());
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UnavailableException(
                    "the HTTP endpoint cannot listen on "
                            + address.getHostString()
                            + ":"
                            + address.getPort()
                            + ": "
                            + e.getMessage(),
                    e);
        }
        return new HttpEndpoints(server, connector);
    }

    int port() {
        return connector.getLocalPort();
    }

    /** The host the port is bound to, as given ({@code 127.0.0.1}, {@code 0.0.0.0}, a name). */
    String host() {
        String h = connector.getHost();
        return h == null ? "0.0.0.0" : h;
    }

    /**
     * Stops the port: requests in flight get the stop time-out to finish, then their connections
     * are closed (a slow query's answer is cut off, which is logged, not thrown, so the shutdown
     * goes on).
     */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (TimeoutException e) {
            LOG.warn(
                    "HTTP requests still running {} ms after the stop began were cut off",
                    server.getStopTimeout());
        } catch (Exception e) {
            throw new IllegalStateException("stopping the HTTP endpoint: " + e.getMessage(), e);
        }
    }

    /** /metrics and /ready; other paths go on to the next handler. */
    private static final class Endpoints extends Handler.Abstract {
        private final PrometheusMeterRegistry registry;
        private final Supplier<String> notReady;

        Endpoints(PrometheusMeterRegistry registry, Supplier<String> notReady) {
            this.registry = registry;
            this.notReady = notReady;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            String method = request.getMethod();
            boolean read = HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method);
            switch (path) {
                case "/metrics" -> {
                    if (!read) {
                        response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                        return text(response, callback, 405, "use GET\n");
                    }
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, METRICS_CONTENT_TYPE);
                    response.setStatus(200);
                    Content.Sink.write(response, true, registry.scrape(), callback);
                    return true;
                }
                case "/ready" -> {
                    String why = notReady.get();
                    return why == null
                            ? text(response, callback, 200, "ready\n")
                            : text(response, callback, 503, "not ready: " + why + "\n");
                }
                default -> {
                    return false;
                }
            }
        }
    }

    /** The answer for paths nobody serves. */
    private static final class NotFound extends Handler.Abstract {
        private final boolean mounted;

        NotFound(boolean mounted) {
            this.mounted = mounted;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            return text(
                    response,
                    callback,
                    404,
                    "not found; this port serves /metrics and /ready"
                            + (mounted
                                    ? ", Loki's API under /loki/api/v1/ and Prometheus' remote read"
                                            + " at /api/v1/read"
                                    : "")
                            + "\n");
        }
    }

    private static boolean text(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, body, callback);
        return true;
    }
}
