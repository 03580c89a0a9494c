package io.chunkstore.grpc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.chunkstore.spi.UnavailableException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A minimal HTTP endpoint serving {@code GET /metrics} in the Prometheus text format from a
 * {@link PrometheusMeterRegistry} (the JDK's HTTP server, one daemon thread). Kept apart from the gRPC server so the
 * {@code serve} command owns the HTTP side; pass it the same registry as the gRPC server and the backend.
 */
public final class MetricsHttpServer implements AutoCloseable {
    /** The Prometheus text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer http;
    private final ExecutorService executor;

    private MetricsHttpServer(HttpServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
    }

    /**
     * Starts serving {@code /metrics} on the address (port 0: an ephemeral port, see {@link #port()}).
     *
     * @throws UnavailableException when the address cannot be bound
     */
    public static MetricsHttpServer start(InetSocketAddress address, PrometheusMeterRegistry registry) {
        HttpServer http;
        try {
            http = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new UnavailableException("metrics endpoint cannot listen on " + address + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/metrics", exchange -> serve(exchange, registry));
        http.createContext("/", exchange -> respond(exchange, 404, "text/plain; charset=utf-8",
                "not found; metrics are at /metrics\n"));
        http.start();
        return new MetricsHttpServer(http, executor);
    }

    private static void serve(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/metrics")) {
            respond(exchange, 404, "text/plain; charset=utf-8", "not found; metrics are at /metrics\n");
        } else if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            respond(exchange, 405, "text/plain; charset=utf-8", "use GET\n");
        } else {
            respond(exchange, 200, CONTENT_TYPE, registry.scrape());
        }
    }

    private static void respond(HttpExchange exchange, int code, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
