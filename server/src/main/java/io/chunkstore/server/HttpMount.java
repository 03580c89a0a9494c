package io.chunkstore.server;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;

/**
 * An extra handler on {@code chunkstore serve}'s HTTP port, tried before {@code /metrics} and
 * {@code /ready}. A handler returns false for paths it does not serve, so the next one gets them.
 * The Loki HTTP API mounts here:
 *
 * <pre>{@code
 * HttpMount loki = (http, ctx) -> new LokiHttpApi(querierOver(ctx.backends()), apiConfig).handler(http);
 * }</pre>
 */
@FunctionalInterface
public interface HttpMount {
    /** The handler, built for the Jetty server of the port, over what the server serves. */
    Handler handler(Server http, ServeContext context);
}
