package io.chunkstore.server;

import io.chunkstore.spi.support.RequestDurations;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Times every request of serve's HTTP port, refusals included, as Loki and Cortex do: {@code
 * ns_request_duration_seconds{method,route,status_code,ws}}, the histogram of their HTTP middleware
 * (weaveworks/common {@code middleware/instrument.go}, which Loki's and Cortex's dashboards and
 * alerts read), with Cortex's buckets. {@code route} is the path with every character but letters,
 * digits and {@code _} turned into {@code _} and the leading one dropped ({@code
 * /loki/api/v1/query_range} is {@code loki_api_v1_query_range}); a label name in the path is
 * written {@code name} ({@code loki_api_v1_label_name_values}); a path nothing answers (404), and
 * any route past the first {@value #MAX_ROUTES}, is {@code other}, so the label's values stay few
 * whatever clients ask for (a refusal before routing, such as a 401, does not say whether the path
 * exists).
 */
final class HttpRequestMetrics extends Handler.Wrapper {
    /** The metric's name after the namespace, without Prometheus' unit suffix. */
    static final String DURATION = "request_duration";

    private static final Pattern LABEL_VALUES =
            Pattern.compile("^(/loki)?(/api/v1|/api/prom)/label/[^/]+/values$");
    private static final Pattern NOT_NAME = Pattern.compile("[^A-Za-z0-9_]");

    /** The most distinct routes recorded; the rest are {@code other}. */
    static final int MAX_ROUTES = 64;

    private final MeterRegistry registry;
    private final String name;
    private final java.util.Set<String> routes = java.util.concurrent.ConcurrentHashMap.newKeySet();

    HttpRequestMetrics(MeterRegistry registry, String namespace, Handler next) {
        super(next);
        this.registry = registry;
        this.name = (namespace == null || namespace.isEmpty() ? "" : namespace + "_") + DURATION;
    }

    @Override
    public boolean handle(Request rq, Response rs, Callback cb) throws Exception {
        long start = System.nanoTime();
        String path = Request.getPathInContext(rq);
        String method = rq.getMethod();
        boolean ws = "websocket".equalsIgnoreCase(rq.getHeaders().get(HttpHeader.UPGRADE));
        Callback timed =
                new Callback() {
                    @Override
                    public void succeeded() {
                        record(method, path, rs.getStatus(), ws, start);
                        cb.succeeded();
                    }

                    @Override
                    public void failed(Throwable x) {
                        record(method, path, 500, ws, start);
                        cb.failed(x);
                    }

                    @Override
                    public InvocationType getInvocationType() {
                        return cb.getInvocationType();
                    }
                };
        boolean handled = super.handle(rq, rs, timed);
        if (!handled) {
            record(method, path, 404, ws, start);
        }
        return handled;
    }

    private void record(String method, String path, int status, boolean ws, long start) {
        Timer.builder(name)
                .description("Time spent serving HTTP requests, by route and status code.")
                .tags(
                        "method",
                        method,
                        "route",
                        bounded(route(path, status)),
                        "status_code",
                        Integer.toString(status),
                        "ws",
                        Boolean.toString(ws))
                .serviceLevelObjectives(RequestDurations.cortexBuckets())
                .register(registry)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private String bounded(String route) {
        if (routes.contains(route)) {
            return route;
        }
        if (routes.size() < MAX_ROUTES) {
            routes.add(route);
            return route;
        }
        return "other";
    }

    /** The route label of a path answered with {@code status}. */
    static String route(String path, int status) {
        if (status == 404) {
            return "other";
        }
        String template = path;
        var m = LABEL_VALUES.matcher(path);
        if (m.matches()) {
            template = (m.group(1) == null ? "" : m.group(1)) + m.group(2) + "/label/name/values";
        }
        String slug = NOT_NAME.matcher(template).replaceAll("_");
        while (slug.startsWith("_")) {
            slug = slug.substring(1);
        }
        return slug.isEmpty() ? "root" : slug;
    }
}
