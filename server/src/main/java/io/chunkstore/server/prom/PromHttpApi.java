package io.chunkstore.server.prom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.model.TenantIds;
import io.chunkstore.core.read.ReadLimitException;
import io.chunkstore.core.read.ReadLimits;
import io.chunkstore.core.read.SeriesReader;
import io.chunkstore.core.store.ChunkStore;
import io.chunkstore.core.store.SeriesChunks;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus' read APIs over a chunk store, as one Jetty handler: {@code POST /api/v1/read} (remote
 * read, {@link RemoteRead}) for a Prometheus that queries the store with PromQL, and {@code
 * /api/v1/labels}, {@code /api/v1/label/<name>/values}, {@code /api/v1/series} in Prometheus' JSON
 * shape ({@code {"status":"success","data":...}}, errors as {@code
 * {"status":"error","errorType":...,"error":...}}) for checking the data without a Prometheus. The
 * tenant comes from {@code X-Scope-OrgID} or the configured default.
 *
 * <p>The chunk store indexes series by metric name (Cortex's schemas v9 and later), so every
 * selector needs {@code __name__="..."}: a remote-read query without one, and the label and series
 * endpoints without a {@code match[]} naming a metric, are a 400 that says so. (Cortex's querier
 * refused such queries on the chunk store the same way, "query must contain metric name", and took
 * label names across metrics from its ingesters only.) Other paths go on to the next handler.
 */
public final class PromHttpApi extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(PromHttpApi.class);

    /** The tenant header Cortex, Loki and Prometheus' {@code remote_read.headers} use. */
    public static final String TENANT_HEADER = "X-Scope-OrgID";

    public static final String READ_PATH = "/api/v1/read";
    private static final String V1 = "/api/v1/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChunkStore store;
    private final SeriesReader reader;
    private final RemoteRead remoteRead;
    private final PromApiConfig config;

    public PromHttpApi(ChunkStore store, PromApiConfig config) {
        this.store = Objects.requireNonNull(store, "store");
        this.config = Objects.requireNonNull(config, "config");
        this.reader = new SeriesReader(store);
        this.remoteRead = new RemoteRead(reader, config);
    }

    @Override
    public boolean handle(Request rq, Response rs, Callback cb) {
        String path = Request.getPathInContext(rq);
        boolean read = path.equals(READ_PATH);
        boolean json =
                path.equals(V1 + "labels")
                        || path.equals(V1 + "series")
                        || (path.startsWith(V1 + "label/") && path.endsWith("/values"));
        if (!read && !json) {
            return false;
        }
        try {
            if (read) {
                remoteRead(rq, rs, cb);
            } else {
                send(rs, cb, 200, "application/json", json(rq, path));
            }
        } catch (PromApiException e) {
            error(rs, cb, read, e.status(), e.getMessage());
        } catch (ReadLimitException e) {
            error(
                    rs,
                    cb,
                    read,
                    e.limit() == ReadLimitException.Limit.TIME ? 504 : 422,
                    e.getMessage());
        } catch (InvalidRequestException e) {
            error(rs, cb, read, 400, e.getMessage());
        } catch (StorageException e) {
            LOG.warn("{} failed: {}", path, e.getMessage(), e);
            error(rs, cb, read, e.isRetryable() ? 503 : 500, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{} failed", path, e);
            error(rs, cb, read, 500, "internal error: " + e);
        }
        return true;
    }

    /** The tenant of a request, from its header or the configured default. */
    String tenant(Request rq) {
        String header = rq.getHeaders().get(TENANT_HEADER);
        if (header == null || header.isBlank()) {
            if (config.defaultTenant() != null) {
                return config.defaultTenant();
            }
            throw new PromApiException(
                    400,
                    "no tenant: set the "
                            + TENANT_HEADER
                            + " header (in Prometheus: remote_read.headers) or start serve with"
                            + " --prom-tenant");
        }
        String t = header.strip();
        if (t.contains("|")) {
            throw new PromApiException(
                    400, "multi-tenant queries (" + t + ") are not supported; read one tenant");
        }
        try {
            return TenantIds.validate(t);
        } catch (InvalidRequestException e) {
            throw new PromApiException(400, e.getMessage(), e);
        }
    }

    private void remoteRead(Request rq, Response rs, Callback cb) {
        if (!rq.getMethod().equals("POST")) {
            rs.getHeaders().put(HttpHeader.ALLOW, "POST");
            throw new PromApiException(405, "remote read is POST " + READ_PATH);
        }
        String tenant = tenant(rq);
        byte[] body = body(rq, config.maxRequestBytes());
        long start = System.nanoTime();
        RemoteRead.Answer a = remoteRead.answer(body, tenant);
        LOG.debug(
                "remote read for {}: {} series, {} samples, {} bytes in {} ms",
                tenant,
                a.series(),
                a.samples(),
                a.body().length,
                (System.nanoTime() - start) / 1_000_000);
        rs.setStatus(200);
        rs.getHeaders().put(HttpHeader.CONTENT_TYPE, a.contentType());
        if (a.contentEncoding() != null) {
            rs.getHeaders().put(HttpHeader.CONTENT_ENCODING, a.contentEncoding());
        }
        rs.getHeaders().put(HttpHeader.CONTENT_LENGTH, a.body().length);
        rs.write(true, ByteBuffer.wrap(a.body()), cb);
    }

    private static byte[] body(Request rq, int limit) {
        try (InputStream in = Content.Source.asInputStream(rq)) {
            // A snappy block is at most a few bytes longer than what it holds.
            int max = limit + limit / 6 + 32;
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw new PromApiException(
                        413, "the remote-read request is over " + max + " bytes");
            }
            return b;
        } catch (IOException e) {
            throw new PromApiException(400, "cannot read the request body: " + e.getMessage(), e);
        }
    }

    // ---- labels and series

    private byte[] json(Request rq, String path) {
        String method = rq.getMethod();
        if (!method.equals("GET") && !method.equals("POST")) {
            throw new PromApiException(
                    405, method + " " + path + " is not allowed; use GET or POST");
        }
        Fields params;
        try {
            params = Request.getParameters(rq);
        } catch (Exception e) {
            throw new PromApiException(
                    400, "cannot read the request parameters: " + e.getMessage(), e);
        }
        String tenant = tenant(rq);
        long end = time(params, "end", config.clock().millis());
        long start = time(params, "start", end - config.labelsLookback().toMillis());
        if (start > end) {
            throw new PromApiException(400, "end timestamp must not be before start time");
        }
        List<List<LabelMatcher>> selectors = selectors(params, path);
        Object data;
        if (path.equals(V1 + "series")) {
            List<Map<String, String>> out = new ArrayList<>();
            for (Labels l : series(tenant, start, end, selectors)) {
                out.add(l.toMap());
            }
            data = out;
        } else if (path.equals(V1 + "labels")) {
            data = labelNames(tenant, start, end, selectors);
        } else {
            String name =
                    path.substring((V1 + "label/").length(), path.length() - "/values".length());
            name = java.net.URLDecoder.decode(name, StandardCharsets.UTF_8);
            data = labelValues(tenant, start, end, selectors, name);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "success");
        body.put("data", data);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<List<LabelMatcher>> selectors(Fields params, String path) {
        List<String> match = params.getValues("match[]");
        if (match == null || match.isEmpty()) {
            throw new PromApiException(
                    400,
                    path
                            + " needs match[] naming a metric, e.g. match[]=up or"
                            + " match[]={__name__=\"up\",job=\"api\"}: the chunk store indexes series"
                            + " by metric name, so names and values across all metrics are not"
                            + " available");
        }
        List<List<LabelMatcher>> out = new ArrayList<>(match.size());
        for (String m : match) {
            List<LabelMatcher> ms;
            try {
                ms = Selectors.parseMatchers(m);
            } catch (IllegalArgumentException e) {
                throw new PromApiException(400, "invalid match[] " + m + ": " + e.getMessage(), e);
            }
            if (metricName(ms) == null) {
                throw new PromApiException(
                        400,
                        "match[] "
                                + m
                                + " has no metric name: the chunk store indexes series by metric"
                                + " name, so give __name__=\"...\" (or write the name first)");
            }
            out.add(ms);
        }
        return out;
    }

    private static String metricName(List<LabelMatcher> ms) {
        for (LabelMatcher m : ms) {
            if (m.name().equals(Labels.METRIC_NAME) && m.type() == LabelMatcher.Type.EQUAL) {
                return m.value();
            }
        }
        return null;
    }

    /** The series of the selectors, each once, in label order; counted against the limits. */
    private Set<Labels> series(
            String tenant, long start, long end, List<List<LabelMatcher>> selectors) {
        ReadLimits.Budget budget = config.budget();
        Set<Labels> out = new TreeSet<>(Labels.ORDER);
        for (List<LabelMatcher> ms : selectors) {
            for (SeriesChunks s : reader.read(tenant, start, end, ms, budget)) {
                out.add(s.labels());
            }
        }
        return out;
    }

    private List<String> labelNames(
            String tenant, long start, long end, List<List<LabelMatcher>> selectors) {
        Set<String> names = new TreeSet<>(GoStrings.BYTE_ORDER);
        List<List<LabelMatcher>> full = new ArrayList<>();
        for (List<LabelMatcher> ms : selectors) {
            if (ms.size() == 1) {
                // Only the metric name: the index answers without fetching chunks.
                names.addAll(store.labelNamesForMetricName(tenant, start, end, metricName(ms)));
            } else {
                full.add(ms);
            }
        }
        for (Labels l : series(tenant, start, end, full)) {
            names.addAll(l.names());
        }
        return List.copyOf(names);
    }

    private List<String> labelValues(
            String tenant, long start, long end, List<List<LabelMatcher>> selectors, String name) {
        Set<String> values = new TreeSet<>(GoStrings.BYTE_ORDER);
        List<List<LabelMatcher>> full = new ArrayList<>();
        for (List<LabelMatcher> ms : selectors) {
            if (ms.size() == 1 && !name.equals(Labels.METRIC_NAME)) {
                values.addAll(
                        store.labelValuesForMetricName(tenant, start, end, metricName(ms), name));
            } else {
                full.add(ms);
            }
        }
        for (Labels l : series(tenant, start, end, full)) {
            if (l.has(name)) {
                values.add(l.get(name));
            }
        }
        return List.copyOf(values);
    }

    /** Prometheus' time parameter: Unix seconds (with a fraction) or RFC 3339; ms. */
    static long time(Fields params, String name, long dflt) {
        String v = params.getValue(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            double s = Double.parseDouble(v);
            if (!Double.isFinite(s)) {
                throw new NumberFormatException();
            }
            return Math.round(s * 1000);
        } catch (NumberFormatException e) {
            try {
                return Instant.parse(v).toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw new PromApiException(
                        400,
                        "invalid parameter \""
                                + name
                                + "\": cannot parse \""
                                + v
                                + "\" to a valid timestamp (Unix seconds or RFC 3339)");
            }
        }
    }

    // ---- responses

    private static void error(Response rs, Callback cb, boolean plain, int status, String message) {
        if (plain) {
            send(
                    rs,
                    cb,
                    status,
                    "text/plain; charset=utf-8",
                    (message + "\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "error");
        body.put(
                "errorType",
                switch (status) {
                    case 400, 405, 413 -> "bad_data";
                    case 503 -> "unavailable";
                    case 422 -> "execution";
                    case 504 -> "timeout";
                    default -> "internal";
                });
        body.put("error", message);
        try {
            send(rs, cb, status, "application/json", JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(
            Response rs, Callback cb, int status, String contentType, byte[] body) {
        rs.setStatus(status);
        rs.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        rs.write(true, ByteBuffer.wrap(body), cb);
    }
}
