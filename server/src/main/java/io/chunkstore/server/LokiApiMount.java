package io.chunkstore.server;

import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.loki.http.LokiApiConfig;
import io.chunkstore.loki.http.LokiHttpApi;
import io.chunkstore.loki.query.LogQuerier;
import io.chunkstore.loki.query.QueryLimits;
import io.chunkstore.loki.query.QueryOptions;
import io.chunkstore.loki.query.StoreLogChunkSource;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;

/**
 * Loki's read API ({@code /loki/api/v1/query_range} and {@code /query} with LogQL log and metric
 * queries, {@code /labels}, {@code /series}, {@code /index/stats}, {@code /index/volume}, the
 * {@code /tail} websocket, ...) on serve's HTTP port, over the same stores the gRPC server serves,
 * so Grafana's Loki data source and logcli can read the logs with no Loki running. The store it
 * reads through is closed at shutdown.
 */
public final class LokiApiMount implements HttpMount {
    private final LokiApiConfig api;
    private final QueryLimits limits;

    /**
     * @param api the API's settings (tenant of requests without {@code X-Scope-OrgID}, limits,
     *     tail)
     */
    public LokiApiMount(LokiApiConfig api) {
        this(api, QueryLimits.DEFAULT);
    }

    /**
     * @param api the API's settings
     * @param limits the limits of each LogQL query (Loki's {@code query_timeout}, {@code
     *     max_query_series}, {@code max_query_bytes_read}, ...)
     */
    public LokiApiMount(LokiApiConfig api, QueryLimits limits) {
        this.api = api;
        this.limits = limits;
    }

    @Override
    public Handler handler(Server http, ServeContext context) {
        CompositeStore store =
                ConfigStores.querier(context.config(), context.clients(), context.registry());
        LogQuerier querier = new LogQuerier(new StoreLogChunkSource(store), QueryOptions.DEFAULT);
        context.closeOnShutdown(store);
        context.closeOnShutdown(querier);
        return new LokiHttpApi(querier, api, limits).handler(http);
    }
}
