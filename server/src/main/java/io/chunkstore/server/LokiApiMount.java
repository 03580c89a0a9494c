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
     *     tail); each query's limits come from the served config's limits block ({@link
     *     QueryLimits#of}), its time-out capped by serve's {@code --query-timeout}
     */
    public LokiApiMount(LokiApiConfig api) {
        this.api = api;
        this.limits = null;
    }

    /**
     * @param api the API's settings
     * @param limits the limits of each LogQL query (Loki's {@code query_timeout}, {@code
     *     max_query_series}, {@code max_query_bytes_read}, ...) instead of the config's; the
     *     time-out is still capped by serve's {@code --query-timeout}
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
        QueryLimits perQuery =
                limitsFor(
                        limits != null ? limits : QueryLimits.of(context.config().limitsConfig()),
                        context.queryTimeout());
        return new LokiHttpApi(querier, api, perQuery).handler(http);
    }

    /**
     * The limits of each query: {@code limits} with its time-out capped by serve's {@code
     * --query-timeout}, so a query the HTTP guard answers 504 also stops reading then.
     */
    static QueryLimits limitsFor(QueryLimits limits, java.time.Duration serveTimeout) {
        return limits.withQueryTimeout(ServeContext.capped(limits.queryTimeout(), serveTimeout));
    }
}
