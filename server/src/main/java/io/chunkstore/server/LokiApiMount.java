package io.chunkstore.server;

import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.loki.http.LokiApiConfig;
import io.chunkstore.loki.http.LokiHttpApi;
import io.chunkstore.loki.query.LogQuerier;
import io.chunkstore.loki.query.QueryOptions;
import io.chunkstore.loki.query.StoreLogChunkSource;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;

/**
 * Loki's read API ({@code /loki/api/v1/query_range}, {@code /labels}, {@code /series}, the {@code
 * /tail} websocket, ...) on serve's HTTP port, over the same stores the gRPC server serves, so
 * Grafana's Loki data source and logcli can read the logs with no Loki running. The store it reads
 * through is closed at shutdown.
 */
public final class LokiApiMount implements HttpMount {
    private final LokiApiConfig api;

    /**
     * @param api the API's settings (tenant of requests without {@code X-Scope-OrgID}, limits,
     *     tail)
     */
    public LokiApiMount(LokiApiConfig api) {
        this.api = api;
    }

    @Override
    public Handler handler(Server http, ServeContext context) {
        CompositeStore store =
                ConfigStores.querier(context.config(), context.clients(), context.registry());
        LogQuerier querier = new LogQuerier(new StoreLogChunkSource(store), QueryOptions.DEFAULT);
        context.closeOnShutdown(store);
        context.closeOnShutdown(querier);
        return new LokiHttpApi(querier, api).handler(http);
    }
}
