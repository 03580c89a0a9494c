package io.chunkstore.server;

import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.server.prom.PromApiConfig;
import io.chunkstore.server.prom.PromHttpApi;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;

/**
 * Prometheus' remote read ({@code POST /api/v1/read}) and its label and series endpoints on serve's
 * HTTP port, over the same stores the gRPC server serves, so a Prometheus with {@code remote_read}
 * pointed here answers PromQL (and Grafana through it) over the chunks. The store it reads through
 * is closed at shutdown.
 */
public final class PromApiMount implements HttpMount {
    private final PromApiConfig api;

    /**
     * @param api tenant of requests without {@code X-Scope-OrgID}, limits, frame size; its time-out
     *     is capped by serve's {@code --query-timeout}
     */
    public PromApiMount(PromApiConfig api) {
        this.api = api;
    }

    @Override
    public Handler handler(Server http, ServeContext context) {
        CompositeStore store =
                ConfigStores.querier(context.config(), context.clients(), context.registry());
        context.closeOnShutdown(store);
        return new PromHttpApi(
                store,
                api.withQueryTimeout(
                        ServeContext.capped(api.queryTimeout(), context.queryTimeout())));
    }
}
