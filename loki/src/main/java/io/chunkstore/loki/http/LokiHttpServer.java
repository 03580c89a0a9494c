package io.chunkstore.loki.http;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A small Jetty 12 server for the Loki API on one port, with room for more handlers on exact paths
 * (the {@code serve} command adds {@code /metrics}). Threads are daemons. Close it to stop.
 */
public final class LokiHttpServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;

    private LokiHttpServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Starts a server on {@code host:port} (port 0 picks a free one).
     *
     * @param extra handlers for other paths (Jetty path specs such as {@code /metrics}), tried
     *     after the API
     */
    public static LokiHttpServer start(
            String host, int port, LokiHttpApi api, Map<String, Handler> extra) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool();
        pool.setName("chunkstore-http");
        pool.setDaemon(true);
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        List<Handler> handlers = new ArrayList<>();
        handlers.add(api.handler(server));
        if (!extra.isEmpty()) {
            PathMappingsHandler paths = new PathMappingsHandler();
            extra.forEach((path, h) -> paths.addMapping(PathSpec.from(path), h));
            handlers.add(paths);
        }
        server.setHandler(new Handler.Sequence(handlers));
        server.setStopTimeout(2000);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return new LokiHttpServer(server, connector);
    }

    public Server server() {
        return server;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://host:port}. */
    public URI uri() {
        String host =
                connector.getHost() == null || connector.getHost().isEmpty()
                        ? "127.0.0.1"
                        : connector.getHost();
        return URI.create("http://" + host + ":" + port());
    }

    /** Stops the server; a failure to stop cleanly is rethrown unchecked. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "the HTTP server did not stop cleanly: " + e.getMessage(), e);
        }
    }
}
