package io.chunkstore.loki.http;

import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.TenantIds;
import io.chunkstore.loki.Direction;
import io.chunkstore.loki.logql.Expr;
import io.chunkstore.loki.logql.LogQL;
import io.chunkstore.loki.logql.LogQuery;
import io.chunkstore.loki.logql.UnsupportedQueryException;
import io.chunkstore.loki.query.LogQuerier;
import io.chunkstore.loki.query.LogQueryRequest;
import io.chunkstore.loki.query.LogQueryResult;
import io.chunkstore.loki.query.LokiTimes;
import io.chunkstore.loki.query.MetricQuerier;
import io.chunkstore.loki.query.MetricResult;
import io.chunkstore.loki.query.QueryGuard;
import io.chunkstore.loki.query.QueryLimitException;
import io.chunkstore.loki.query.QueryLimits;
import io.chunkstore.loki.query.QueryOptions;
import io.chunkstore.loki.query.TailOptions;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.StorageException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loki's read-only HTTP API over a {@link LogQuerier}, so Grafana's Loki data source and logcli can
 * query a chunk store with no Loki running: {@code /loki/api/v1/query_range} and {@code /query}
 * (LogQL log and metric queries), {@code /labels}, {@code /label/<name>/values}, {@code /series},
 * {@code /index/stats}, {@code /index/volume}, {@code /index/volume_range}, the {@code /tail}
 * websocket, {@code /loki/api/v1/status/buildinfo} and {@code /ready}. The tenant comes from {@code
 * X-Scope-OrgID}. Unknown paths under {@code /loki/} answer 404, {@code push} and {@code
 * /api/prom/} 400 naming what is not supported; other paths are left to the next handler, so {@code
 * serve} can mount {@code /metrics} next to it.
 */
public final class LokiHttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(LokiHttpApi.class);

    /** The tenant header Loki and Cortex use. */
    public static final String TENANT_HEADER = "X-Scope-OrgID";

    /** Loki 3's header asking for structured metadata as a third element of each value. */
    public static final String ENCODING_FLAGS_HEADER = "X-Loki-Response-Encoding-Flags";

    public static final String TAIL_PATH = "/loki/api/v1/tail";
    private static final String V1 = "/loki/api/v1/";
    private static final long HOUR_NS = 3_600_000_000_000L;

    private final LogQuerier querier;
    private final MetricQuerier metrics;
    private final LokiApiConfig config;
    private final QueryLimits limits;
    private final String chunkstoreVersion;

    public LokiHttpApi(LogQuerier querier, LokiApiConfig config) {
        this(querier, config, QueryLimits.DEFAULT);
    }

    /** The API with query limits (time-out, series, bytes, samples). */
    public LokiHttpApi(LogQuerier querier, LokiApiConfig config, QueryLimits limits) {
        this.querier = Objects.requireNonNull(querier, "querier");
        this.metrics = new MetricQuerier(querier);
        this.limits = Objects.requireNonNull(limits, "limits");
        this.config = Objects.requireNonNull(config, "config");
        String v = LokiHttpApi.class.getPackage().getImplementationVersion();
        this.chunkstoreVersion = v == null ? "dev" : v;
    }

    public LokiApiConfig config() {
        return config;
    }

    /**
     * The API as one Jetty handler for {@code server}: the websocket upgrade for {@value
     * #TAIL_PATH} around the HTTP endpoints. It returns false (not handled) for paths outside
     * {@code /loki/}, {@code /api/prom/} and {@code /ready}, so put it first in a {@link
     * Handler.Sequence} with the other handlers of the port.
     */
    public Handler handler(Server server) {
        WebSocketUpgradeHandler ws =
                WebSocketUpgradeHandler.from(
                        server, container -> container.addMapping(TAIL_PATH, this::createTail));
        ws.setHandler(new Http());
        return ws;
    }

    /**
     * A request error with its HTTP status and plain-text message (Loki answers errors as text).
     */
    static final class HttpError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final class Http extends Handler.Abstract {
        @Override
        public boolean handle(Request rq, Response rs, Callback cb) {
            String path = Request.getPathInContext(rq);
            if (path.equals("/ready")) {
                send(
                        rs,
                        cb,
                        200,
                        "text/plain; charset=utf-8",
                        "ready\n".getBytes(StandardCharsets.UTF_8));
                return true;
            }
            if (!path.startsWith("/loki/") && !path.startsWith("/api/prom/")) {
                return false;
            }
            try {
                byte[] body = route(rq, path);
                send(rs, cb, 200, "application/json; charset=utf-8", body);
            } catch (HttpError e) {
                sendText(rs, cb, e.status, e.getMessage());
            } catch (QueryLimitException e) {
                sendText(rs, cb, e.timedOut() ? 504 : 400, e.getMessage());
            } catch (InvalidRequestException e) {
                sendText(rs, cb, 400, e.getMessage());
            } catch (StorageException e) {
                LOG.warn("{} failed: {}", path, e.getMessage(), e);
                sendText(rs, cb, e.isRetryable() ? 503 : 500, e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("{} failed", path, e);
                sendText(rs, cb, 500, "internal error: " + e);
            }
            return true;
        }
    }

    private byte[] route(Request rq, String path) {
        if (path.startsWith("/api/prom/")) {
            throw new HttpError(
                    400,
                    "the legacy "
                            + path
                            + " endpoint is not supported; use "
                            + V1
                            + "query_range, labels, label/<name>/values, series or tail");
        }
        String method = rq.getMethod();
        if (path.equals(V1 + "push")) {
            throw new HttpError(
                    400, "pushing logs is not supported: chunkstore serves Loki's read API only");
        }
        if (path.equals(TAIL_PATH)) {
            throw new HttpError(
                    400, TAIL_PATH + " is a websocket: connect with an Upgrade: websocket request");
        }
        if (path.equals(V1 + "status/buildinfo")) {
            return LokiJson.buildInfo(config.lokiVersion(), chunkstoreVersion);
        }
        if (!method.equals("GET") && !method.equals("POST")) {
            throw new HttpError(405, method + " " + path + " is not allowed; use GET or POST");
        }
        if (path.equals(V1 + "format_query")) {
            throw new HttpError(
                    400, "format_query is not supported: chunkstore serves Loki's read API only");
        }
        Fields params;
        try {
            params = Request.getParameters(rq);
        } catch (Exception e) {
            throw new HttpError(400, "cannot read the request parameters: " + e.getMessage());
        }
        String tenant = tenant(rq.getHeaders().get(TENANT_HEADER));
        long now = LokiTimes.now(config.clock());
        return switch (path) {
            case V1 + "query_range" -> queryRange(rq, params, tenant, now, false);
            case V1 + "query" -> queryRange(rq, params, tenant, now, true);
            case V1 + "index/stats" -> indexStats(params, tenant, now);
            case V1 + "index/volume" -> volume(rq, params, tenant, now, false);
            case V1 + "index/volume_range" -> volume(rq, params, tenant, now, true);
            case V1 + "labels", V1 + "label" -> {
                long[] r = labelRange(params, now);
                yield LokiJson.stringList(querier.labelNames(tenant, r[0], r[1]));
            }
            case V1 + "series" -> series(params, tenant, now);
            default -> {
                if (path.startsWith(V1 + "label/") && path.endsWith("/values")) {
                    yield labelValues(params, tenant, now, path);
                }
                throw new HttpError(
                        404,
                        "404 page not found: "
                                + path
                                + " is not an endpoint of chunkstore's Loki read API ("
                                + V1
                                + "query_range, query, labels, label/<name>/values, series, tail,"
                                + " index/stats, index/volume, index/volume_range and"
                                + " status/buildinfo)");
            }
        };
    }

    /** The tenant of a request, from its header or the configured default. */
    String tenant(String header) {
        if (header == null || header.isBlank()) {
            if (config.defaultTenant() != null) {
                return config.defaultTenant();
            }
            throw new HttpError(
                    401, "no org id: set the " + TENANT_HEADER + " header to the tenant to query");
        }
        String t = header.strip();
        if (t.contains("|")) {
            throw new HttpError(
                    400,
                    "multi-tenant queries ("
                            + t
                            + ") are not supported; query one tenant at a"
                            + " time");
        }
        try {
            return TenantIds.validate(t);
        } catch (InvalidRequestException e) {
            throw new HttpError(400, e.getMessage());
        }
    }

    private byte[] queryRange(Request rq, Fields p, String tenant, long now, boolean instant) {
        String text = requiredQuery(p, "a log query");
        Expr expr = LogQL.parse(text);
        long end;
        long start;
        if (instant) {
            end = LokiTimes.parse("time", p.getValue("time"), now);
            start = end - since(p, HOUR_NS);
        } else {
            end = LokiTimes.parse("end", p.getValue("end"), now);
            start = LokiTimes.parse("start", p.getValue("start"), end - since(p, HOUR_NS));
        }
        if (end < start) {
            throw new HttpError(400, "end timestamp must not be before start time");
        }
        boolean skip = config.skipCorrupt() || Boolean.parseBoolean(p.getValue("skip_corrupt"));
        QueryOptions opts = querier.options().withSkipCorrupt(skip);
        QueryGuard guard = new QueryGuard(limits);
        rq.addFailureListener(t -> guard.cancel("the request failed: " + t));
        if (expr instanceof Expr.SampleExpr se) {
            long step = instant ? 0 : step(p.getValue("step"), start, end);
            MetricResult r = metrics.query(tenant, se, start, end, step, instant, opts, guard);
            return LokiJson.metricResponse(r);
        }
        Expr.LogExpr log = (Expr.LogExpr) expr;
        LogQuery query = log.selector();
        String regexp = p.getValue("regexp");
        if (regexp != null && !regexp.isEmpty()) {
            query = query.withLineFilter(io.chunkstore.loki.logql.LineFilter.matches(regexp));
        }
        int limit = limit(p.getValue("limit"));
        Direction direction = direction(p.getValue("direction"));
        long interval = 0;
        String iv = p.getValue("interval");
        if (iv != null && !iv.isEmpty()) {
            interval = LokiTimes.duration("interval", iv).toNanos();
        }
        LogQueryResult r =
                querier.query(
                        new LogQueryRequest(tenant, query, start, end, direction, limit, interval),
                        opts,
                        log.pipeline(),
                        guard);
        boolean categorized = categorized(rq.getHeaders());
        return LokiJson.streamsResponse(
                LokiJson.resultStreams(r.streams(), categorized, direction == Direction.BACKWARD),
                categorized,
                r.stats(),
                r.skipped());
    }

    /**
     * The step of a range query: seconds (decimal) or a duration; by default Loki's {@code
     * defaultQueryRangeStep}, {@code max(floor((end - start) / 250 s), 1 s)} (grafana/loki {@code
     * pkg/loghttp/params.go}).
     */
    static long step(String value, long start, long end) {
        if (value == null || value.isBlank()) {
            long s = Math.max((end - start) / 250 / 1_000_000_000L, 1);
            return s * 1_000_000_000L;
        }
        long ns = LokiTimes.duration("step", value.strip()).toNanos();
        if (ns <= 0) {
            throw new HttpError(
                    400,
                    "zero or negative query resolution step widths are not"
                            + " accepted. Try a positive integer");
        }
        return ns;
    }

    private byte[] indexStats(Fields p, String tenant, long now) {
        String q = requiredQuery(p, "a stream selector");
        long end = LokiTimes.parse("end", p.getValue("end"), now);
        long start = LokiTimes.parse("start", p.getValue("start"), end - since(p, HOUR_NS));
        if (end < start) {
            throw new HttpError(400, "end timestamp must not be before start time");
        }
        long[] st = querier.indexStats(tenant, start, end, LogQL.parseLog(q).matchers());
        return LokiJson.indexStats(st[0], st[1], st[2], st[3]);
    }

    /**
     * Loki's log volume ({@code /index/volume}, {@code /index/volume_range}): the bytes of the
     * lines of the matching streams, summed by {@code targetLabels} (comma-separated) or by the
     * names in the selector, or with {@code aggregateBy=labels} by label name ({@link
     * VolumeByLabelName}); {@code /volume} is a vector over {@code [start, end]} sorted by volume
     * (largest first, at most {@code limit}), {@code /volume_range} a matrix with one point per
     * {@code step}. chunkstore reads the lines to count their bytes (Loki reads its index).
     */
    private byte[] volume(Request rq, Fields p, String tenant, long now, boolean range) {
        String q = requiredQuery(p, "a stream selector");
        String aggregateBy = p.getValue("aggregateBy");
        if (aggregateBy != null
                && !aggregateBy.isEmpty()
                && !aggregateBy.equals("series")
                && !aggregateBy.equals("labels")) {
            throw new HttpError(
                    400,
                    "aggregateBy="
                            + aggregateBy
                            + " is not valid: give aggregateBy=series (the default) or"
                            + " aggregateBy=labels");
        }
        boolean byLabelName = "labels".equals(aggregateBy);
        Expr.LogExpr log = LogQL.parseLog(q);
        long end = LokiTimes.parse("end", p.getValue("end"), now);
        long start = LokiTimes.parse("start", p.getValue("start"), end - since(p, HOUR_NS));
        if (end <= start) {
            throw new HttpError(400, "end timestamp must be after start time");
        }
        List<String> by = new ArrayList<>();
        String target = p.getValue("targetLabels");
        if (target != null && !target.isBlank()) {
            for (String t : target.split(",")) {
                if (!t.isBlank()) {
                    by.add(t.strip());
                }
            }
        } else {
            for (LabelMatcher m : log.matchers()) {
                if (!by.contains(m.name())) {
                    by.add(m.name());
                }
            }
        }
        long step = range ? step(p.getValue("step"), start, end) : 0;
        long window = range ? step : end - start;
        Expr.SampleExpr perStream =
                new Expr.RangeAggregation(
                        "bytes_over_time", new Expr.LogRange(log, window, 0, null), null, null);
        Expr.SampleExpr expr =
                byLabelName
                        ? perStream
                        : new Expr.VectorAggregation(
                                "sum", perStream, new Expr.Grouping(false, by), 0);
        QueryGuard guard = new QueryGuard(limits);
        rq.addFailureListener(t -> guard.cancel("the request failed: " + t));
        QueryOptions opts = querier.options().withSkipCorrupt(config.skipCorrupt());
        MetricResult r = metrics.query(tenant, expr, start, end, step, !range, opts, guard);
        if (byLabelName) {
            r = VolumeByLabelName.fold(r, target != null && !target.isBlank() ? by : null);
        }
        if (!range) {
            List<MetricResult.Series> sorted = new ArrayList<>(r.series());
            sorted.sort(VolumeByLabelName.LARGEST_FIRST);
            int limit = 100;
            String l = p.getValue("limit");
            if (l != null && !l.isBlank()) {
                limit = limit(l);
            }
            r =
                    new MetricResult(
                            r.type(),
                            sorted.subList(0, Math.min(limit, sorted.size())),
                            r.stats(),
                            r.skipped());
        }
        return LokiJson.metricResponse(r);
    }

    /**
     * The {@code query} parameter every query endpoint requires; a missing or blank one is a 400
     * that says what to give ({@code what}: "a log query", "a stream selector").
     */
    private static String requiredQuery(Fields p, String what) {
        String q = p.getValue("query");
        if (q == null || q.isBlank()) {
            throw new HttpError(
                    400,
                    "the query parameter is missing; give " + what + " such as {job=\"varlogs\"}");
        }
        return q;
    }

    private static boolean categorized(HttpFields headers) {
        for (HttpField f : headers) {
            if (f.getName().equalsIgnoreCase(ENCODING_FLAGS_HEADER)
                    && f.getValue().toLowerCase(Locale.ROOT).contains("categorize-labels")) {
                return true;
            }
        }
        return false;
    }

    private int limit(String value) {
        if (value == null || value.isEmpty()) {
            return LogQueryRequest.DEFAULT_LIMIT;
        }
        int limit;
        try {
            limit = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new HttpError(
                    400, "cannot parse \"" + value + "\" as the limit: give a whole number");
        }
        if (limit <= 0) {
            throw new HttpError(400, "limit must be a positive value");
        }
        if (limit > config.maxEntriesLimit()) {
            throw new HttpError(
                    400,
                    "max entries limit per query exceeded, limit > max_entries_limit ("
                            + limit
                            + " > "
                            + config.maxEntriesLimit()
                            + ")");
        }
        return limit;
    }

    private static Direction direction(String value) {
        if (value == null || value.isEmpty()) {
            return Direction.BACKWARD;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "forward" -> Direction.FORWARD;
            case "backward" -> Direction.BACKWARD;
            default ->
                    throw new HttpError(
                            400, "invalid direction \"" + value + "\": use forward or backward");
        };
    }

    private static long since(Fields p, long defaultNs) {
        String s = p.getValue("since");
        if (s == null || s.isEmpty()) {
            return defaultNs;
        }
        try {
            return LokiTimes.duration("since", s).toNanos();
        } catch (ArithmeticException e) {
            throw new HttpError(
                    400,
                    "since="
                            + s
                            + " is longer than a query range can be (about 292 years of"
                            + " nanoseconds)");
        }
    }

    /**
     * Loki's label and series APIs: end defaults to now, start to 6 hours before end (or {@code
     * since}).
     */
    private static long[] labelRange(Fields p, long now) {
        long end = LokiTimes.parse("end", p.getValue("end"), now);
        long start = LokiTimes.parse("start", p.getValue("start"), end - since(p, 6 * HOUR_NS));
        if (end < start) {
            throw new HttpError(400, "end timestamp must not be before start time");
        }
        return new long[] {start, end};
    }

    private byte[] labelValues(Fields p, String tenant, long now, String path) {
        String raw = path.substring((V1 + "label/").length(), path.length() - "/values".length());
        String name = URLDecoder.decode(raw, StandardCharsets.UTF_8);
        if (name.isEmpty() || name.contains("/")) {
            throw new HttpError(400, "invalid label name \"" + name + "\" in " + path);
        }
        long[] r = labelRange(p, now);
        String q = p.getValue("query");
        if (q != null && !q.isBlank()) {
            return LokiJson.stringList(querier.labelValues(tenant, r[0], r[1], name, selector(q)));
        }
        return LokiJson.stringList(querier.labelValues(tenant, r[0], r[1], name));
    }

    private byte[] series(Fields p, String tenant, long now) {
        List<String> match = new ArrayList<>();
        for (String key : List.of("match[]", "match")) {
            List<String> v = p.getValues(key);
            if (v != null) {
                match.addAll(v);
            }
        }
        if (match.isEmpty()) {
            throw new HttpError(
                    400,
                    "the series API needs at least one match[] stream selector, such as"
                            + " match[]={job=\"varlogs\"}");
        }
        List<List<LabelMatcher>> selectors = new ArrayList<>();
        for (String m : match) {
            selectors.add(selector(m));
        }
        long[] r = labelRange(p, now);
        return LokiJson.series(querier.series(tenant, r[0], r[1], selectors));
    }

    private static List<LabelMatcher> selector(String text) {
        LogQuery q = LogQuery.parse(text);
        if (!q.lineFilters().isEmpty()) {
            throw new UnsupportedQueryException(
                    "line filters are not supported here ("
                            + text.strip()
                            + "): give a"
                            + " stream selector only");
        }
        return q.matchers();
    }

    // ---- tail

    private Object createTail(ServerUpgradeRequest rq, ServerUpgradeResponse rs, Callback cb) {
        try {
            String tenant = tenant(rq.getHeaders().get(TENANT_HEADER));
            Fields p = Request.extractQueryParameters(rq);
            String text = requiredQuery(p, "a log query");
            LogQuery query = LogQuery.parse(text);
            TailOptions opts = config.tail();
            String delayFor = p.getValue("delay_for");
            if (delayFor != null && !delayFor.isEmpty()) {
                Duration d = LokiTimes.duration("delay_for", delayFor);
                if (d.compareTo(opts.delay()) > 0) {
                    opts = opts.withDelay(d);
                }
            }
            String limit = p.getValue("limit");
            if (limit != null && !limit.isEmpty()) {
                opts = opts.withLimitPerPoll(limit(limit));
            }
            String start = p.getValue("start");
            if (start != null && !start.isEmpty()) {
                opts = opts.withStartNs(LokiTimes.parse("start", start, 0));
            }
            return new TailSocket(querier, tenant, query, opts, config.clock());
        } catch (HttpError e) {
            sendText(rs, cb, e.status, e.getMessage());
        } catch (InvalidRequestException | IllegalArgumentException e) {
            sendText(rs, cb, 400, e.getMessage());
        }
        return null;
    }

    // ---- responses

    private static void send(
            Response rs, Callback cb, int status, String contentType, byte[] body) {
        rs.setStatus(status);
        rs.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        rs.write(true, ByteBuffer.wrap(body), cb);
    }

    private static void sendText(Response rs, Callback cb, int status, String message) {
        send(
                rs,
                cb,
                status,
                "text/plain; charset=utf-8",
                (message + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
