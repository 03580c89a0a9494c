package io.chunkstore.loki.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.LokiChunk;
import io.chunkstore.loki.chunkenc.ChunkFormat;
import io.chunkstore.loki.chunkenc.Codec;
import io.chunkstore.loki.query.LogQuerier;
import io.chunkstore.loki.query.QueryLimits;
import io.chunkstore.loki.query.QueryTestAccess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The requests Grafana's Loki data source sends, recorded as URLs in {@code grafana-requests.txt}
 * (health check, Explore logs and log volume, dashboard time series and stat panels, label browser,
 * index stats and volume), against a real Jetty server over a store of JSON and logfmt lines: each
 * answers 200 with the shape Grafana parses, checked field by field. Also a catastrophic regex over
 * long lines, which answers within the time-out, and queries refused by their limits with messages
 * that name them.
 */
class GrafanaRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final long MINUTE = 60_000_000_000L;
    private static final Instant NOW = Instant.parse("2024-03-01T12:00:00Z");
    private static final long NOW_NS = NOW.getEpochSecond() * 1_000_000_000L;

    /** Every stream written, with its entries: the oracle of the volume checks. */
    private static final Map<Labels, List<LogEntry>> WRITTEN = new java.util.LinkedHashMap<>();

    private static LogQuerier querier;
    private static LokiHttpServer server;
    private static LokiHttpServer strict;

    @BeforeAll
    static void start() throws Exception {
        SchemaConfig config = QueryTestAccess.single(SchemaVersion.V12);
        Object store = QueryTestAccess.store(config);
        String[] levels = {"info", "error", "warn"};
        for (int s = 0; s < 6; s++) {
            Labels labels = Labels.of("app", "a" + (s % 3), "env", s < 3 ? "prod" : "dev");
            List<LogEntry> entries = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                long ts = NOW_NS - 70 * MINUTE + i * 30_000_000_000L + s;
                String level = levels[(i + s) % 3];
                String line =
                        i % 2 == 0
                                ? "{\"level\":\""
                                        + level
                                        + "\",\"msg\":\"request "
                                        + i
                                        + "\",\"took\":\""
                                        + (i + 1)
                                        + "ms\"}"
                                : "level="
                                        + level
                                        + " msg=\"request "
                                        + i
                                        + "\" took="
                                        + (i + 1)
                                        + "ms";
                entries.add(LogEntry.of(ts, line));
            }
            WRITTEN.put(labels, entries);
            QueryTestAccess.put(
                    store,
                    LokiChunk.encode("fake", labels, ChunkFormat.V4, Codec.SNAPPY, 4096, entries));
        }
        // long lines for a catastrophic regex
        List<LogEntry> longLines = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            longLines.add(LogEntry.of(NOW_NS - 30 * MINUTE + i, "a".repeat(20_000) + "!"));
        }
        WRITTEN.put(Labels.of("app", "long"), longLines);
        QueryTestAccess.put(
                store,
                LokiChunk.encode(
                        "fake",
                        Labels.of("app", "long"),
                        ChunkFormat.V4,
                        Codec.SNAPPY,
                        256 * 1024,
                        longLines));
        querier = new LogQuerier(QueryTestAccess.source(store));
        LokiApiConfig cfg =
                LokiApiConfig.DEFAULT
                        .withDefaultTenant("fake")
                        .withClock(Clock.fixed(NOW, ZoneOffset.UTC));
        server =
                LokiHttpServer.start(
                        "127.0.0.1",
                        0,
                        new LokiHttpApi(
                                querier,
                                cfg,
                                QueryLimits.DEFAULT.withQueryTimeout(Duration.ofSeconds(20))),
                        Map.of());
        strict =
                LokiHttpServer.start(
                        "127.0.0.1",
                        0,
                        new LokiHttpApi(
                                querier,
                                cfg,
                                QueryLimits.DEFAULT
                                        .withMaxQuerySeries(2)
                                        .withMaxQueryBytesRead(50_000)),
                        Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        strict.close();
        querier.close();
    }

    private static HttpResponse<String> get(LokiHttpServer s, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(s.uri() + path))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyRecordedGrafanaRequestAnswersWithTheShapeGrafanaParses() throws Exception {
        List<String[]> requests = new ArrayList<>();
        try (BufferedReader r =
                new BufferedReader(
                        new InputStreamReader(
                                Objects.requireNonNull(
                                        GrafanaRequestsTest.class.getResourceAsStream(
                                                "/grafana-requests.txt")),
                                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    requests.add(line.split(" ", 2));
                }
            }
        }
        assertThat(requests).hasSizeGreaterThan(15);
        for (String[] rq : requests) {
            String path =
                    rq[1].replace("${start}", Long.toString(NOW_NS - 60 * MINUTE))
                            .replace("${end}", Long.toString(NOW_NS))
                            .replace("${time}", Long.toString(NOW_NS));
            HttpResponse<String> r = get(server, path);
            assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
            JsonNode n = JSON.readTree(r.body());
            checkShape(rq[0], n, path);
        }
    }

    private static void checkShape(String kind, JsonNode n, String what) {
        switch (kind) {
            case "buildinfo" -> assertThat(n.get("version").asText()).as(what).isNotEmpty();
            case "stats" -> {
                for (String f : List.of("streams", "chunks", "bytes", "entries")) {
                    assertThat(n.get(f).isIntegralNumber()).as(what + " " + f).isTrue();
                }
                assertThat(n.get("streams").asLong()).as(what).isEqualTo(2);
                assertThat(n.get("entries").asLong()).as(what).isEqualTo(240);
            }
            case "labels" -> {
                assertThat(n.get("status").asText()).isEqualTo("success");
                assertThat(n.get("data").isArray()).as(what).isTrue();
                assertThat(n.get("data")).as(what).isNotEmpty();
                n.get("data").forEach(v -> assertThat(v.isTextual()).isTrue());
            }
            case "series" -> {
                assertThat(n.get("data")).as(what).isNotEmpty();
                n.get("data").forEach(v -> assertThat(v.isObject()).isTrue());
            }
            default -> {
                assertThat(n.get("status").asText()).as(what).isEqualTo("success");
                JsonNode data = n.get("data");
                assertThat(data.get("resultType").asText()).as(what).isEqualTo(kind);
                assertThat(data.get("stats").get("summary").isObject()).as(what).isTrue();
                JsonNode result = data.get("result");
                if (kind.equals("scalar")) {
                    assertPoint(result, what);
                    return;
                }
                assertThat(result.isArray()).as(what).isTrue();
                assertThat(result).as(what).isNotEmpty();
                for (JsonNode s : result) {
                    switch (kind) {
                        case "streams" -> {
                            assertThat(s.get("stream").isObject()).as(what).isTrue();
                            assertThat(s.get("values")).as(what).isNotEmpty();
                            for (JsonNode v : s.get("values")) {
                                assertThat(v.get(0).isTextual()).as(what).isTrue();
                                Long.parseLong(v.get(0).asText());
                                assertThat(v.get(1).isTextual()).as(what).isTrue();
                            }
                        }
                        case "matrix" -> {
                            assertThat(s.get("metric").isObject()).as(what).isTrue();
                            assertThat(s.get("values")).as(what).isNotEmpty();
                            s.get("values").forEach(p -> assertPoint(p, what));
                        }
                        case "vector" -> {
                            assertThat(s.get("metric").isObject()).as(what).isTrue();
                            assertPoint(s.get("value"), what);
                        }
                        default -> throw new AssertionError(kind);
                    }
                }
            }
        }
    }

    /** {@code [<number seconds>, "<value>"]}. */
    private static void assertPoint(JsonNode p, String what) {
        assertThat(p.isArray() && p.size() == 2).as(what + " " + p).isTrue();
        assertThat(p.get(0).isNumber()).as(what + " " + p).isTrue();
        assertThat(p.get(1).isTextual()).as(what + " " + p).isTrue();
        Double.parseDouble(p.get(1).asText().replace("+Inf", "Infinity"));
    }

    private static String q(String query) {
        return URLEncoder.encode(query, StandardCharsets.UTF_8);
    }

    @Test
    void theHealthCheckAndALogPipelineGiveLokisValues() throws Exception {
        JsonNode health =
                JSON.readTree(
                        get(
                                        server,
                                        "/loki/api/v1/query?query="
                                                + q("vector(1)+vector(1)")
                                                + "&time="
                                                + NOW_NS)
                                .body());
        assertThat(health.at("/data/result/0/metric").size()).isZero();
        assertThat(health.at("/data/result/0/value/0").asDouble()).isEqualTo(NOW.getEpochSecond());
        assertThat(health.at("/data/result/0/value/1").asText()).isEqualTo("2");
        JsonNode logs =
                JSON.readTree(
                        get(
                                        server,
                                        "/loki/api/v1/query_range?query="
                                                + q(
                                                        "{app=\"a1\"} | json | level=\"error\" | line_format \"{{.level | ToUpper}}:"
                                                                + " {{.msg}}\"")
                                                + "&start="
                                                + (NOW_NS - 60 * MINUTE)
                                                + "&end="
                                                + NOW_NS
                                                + "&limit=5")
                                .body());
        JsonNode s0 = logs.at("/data/result/0");
        assertThat(s0.at("/stream/level").asText()).isEqualTo("error");
        assertThat(s0.at("/stream/msg").asText()).startsWith("request ");
        assertThat(s0.at("/values/0/1").asText()).startsWith("ERROR: request ");
        // logfmt lines are not JSON: their stream carries Loki's error labels
        JsonNode errors =
                JSON.readTree(
                        get(
                                        server,
                                        "/loki/api/v1/query_range?query="
                                                + q("{app=\"a1\"} | json | __error__!=\"\"")
                                                + "&start="
                                                + (NOW_NS - 60 * MINUTE)
                                                + "&end="
                                                + NOW_NS
                                                + "&limit=5")
                                .body());
        assertThat(errors.at("/data/result/0/stream/__error__").asText())
                .isEqualTo("JSONParserErr");
        assertThat(errors.at("/data/result/0/stream/__error_details__").asText()).isNotEmpty();
    }

    @Test
    void logVolumeByLabelNameSumsTheBytesOfEveryStreamHavingTheName() throws Exception {
        // Oracle: the written lines' bytes, per label name of the streams the selector matches.
        Map<String, Long> all = new java.util.TreeMap<>();
        Map<String, Long> prod = new java.util.TreeMap<>();
        for (Map.Entry<Labels, List<LogEntry>> e : WRITTEN.entrySet()) {
            long bytes = e.getValue().stream().mapToLong(x -> x.line().length).sum();
            for (var l : e.getKey()) {
                all.merge(l.name(), bytes, Long::sum);
                if ("prod".equals(e.getKey().get("env"))) {
                    prod.merge(l.name(), bytes, Long::sum);
                }
            }
        }
        String range = "&start=" + (NOW_NS - 120 * MINUTE) + "&end=" + NOW_NS;
        JsonNode every =
                JSON.readTree(
                        get(
                                        server,
                                        "/loki/api/v1/index/volume?query="
                                                + q("{app=~\".+\"}")
                                                + range
                                                + "&aggregateBy=labels")
                                .body());
        assertThat(every.at("/data/resultType").asText()).isEqualTo("vector");
        assertThat(volumes(every)).isEqualTo(all);
        assertThat(new ArrayList<>(volumes(every).values()))
                .as("the largest first")
                .isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(every.at("/data/result/0/metric/app").isTextual())
                .as("app is on every stream, so the largest; its one label has an empty value")
                .isTrue();
        assertThat(every.at("/data/result/0/metric/app").asText()).isEmpty();
        JsonNode targeted =
                JSON.readTree(
                        get(
                                        server,
                                        "/loki/api/v1/index/volume?query="
                                                + q("{env=\"prod\"}")
                                                + range
                                                + "&aggregateBy=labels&targetLabels=env")
                                .body());
        assertThat(volumes(targeted)).containsExactly(Map.entry("env", prod.get("env")));
        JsonNode overTime =
                JSON.readTree(
                        get(
                                        server,
                                        "/loki/api/v1/index/volume_range?query="
                                                + q("{env=\"prod\"}")
                                                + range
                                                + "&step=600&aggregateBy=labels")
                                .body());
        assertThat(overTime.at("/data/resultType").asText()).isEqualTo("matrix");
        Map<String, Long> summed = new java.util.TreeMap<>();
        for (JsonNode series : overTime.at("/data/result")) {
            long total = 0;
            for (JsonNode point : series.get("values")) {
                total += Long.parseLong(point.get(1).asText());
            }
            summed.put(series.get("metric").fieldNames().next(), total);
        }
        assertThat(summed).isEqualTo(prod);
        HttpResponse<String> bad =
                get(
                        server,
                        "/loki/api/v1/index/volume?query="
                                + q("{env=\"prod\"}")
                                + range
                                + "&aggregateBy=streams");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("aggregateBy=labels");
    }

    /** The volumes of a vector answer by label name, in the answer's order. */
    private static Map<String, Long> volumes(JsonNode answer) {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (JsonNode series : answer.at("/data/result")) {
            String name = series.get("metric").fieldNames().next();
            out.put(name, Long.parseLong(series.at("/value/1").asText()));
        }
        return out;
    }

    @Test
    void aCatastrophicRegexOverLongLinesAnswersWithinTheTimeOut() throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r =
                get(
                        server,
                        "/loki/api/v1/query_range?query="
                                + q("{app=\"long\"} |~ \"(a+)+$\"")
                                + "&start="
                                + (NOW_NS - 60 * MINUTE)
                                + "&end="
                                + NOW_NS
                                + "&limit=1000");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).at("/data/result")).isEmpty();
        assertThat(ms).isLessThan(20_000);
        HttpResponse<String> m =
                get(
                        server,
                        "/loki/api/v1/query_range?query="
                                + q("count_over_time({app=\"long\"} |~ \"(a|aa)+$\" [1h])")
                                + "&start="
                                + (NOW_NS - 60 * MINUTE)
                                + "&end="
                                + NOW_NS
                                + "&step=600");
        assertThat(m.statusCode()).as(m.body()).isEqualTo(200);
    }

    @Test
    void hugeQueriesAreRefusedByTheirLimitNamingIt() throws Exception {
        String range = "&start=" + (NOW_NS - 60 * MINUTE) + "&end=" + NOW_NS;
        HttpResponse<String> points =
                get(
                        server,
                        "/loki/api/v1/query_range?query="
                                + q("count_over_time({app=\"a1\"}[1m])")
                                + range
                                + "&step=0.1");
        assertThat(points.statusCode()).isEqualTo(400);
        assertThat(points.body()).contains("exceeded maximum resolution of 11,000 points");
        HttpResponse<String> series =
                get(
                        strict,
                        "/loki/api/v1/query_range?query="
                                + q("count_over_time({env=~\".+\"}[1m])")
                                + range
                                + "&step=60");
        assertThat(series.statusCode()).isEqualTo(400);
        assertThat(series.body()).contains("maximum of series (2)").contains("max_query_series");
        HttpResponse<String> bytes =
                get(strict, "/loki/api/v1/query_range?query=" + q("{app=\"long\"}") + range);
        assertThat(bytes.statusCode()).isEqualTo(400);
        assertThat(bytes.body()).contains("max_query_bytes_read");
        HttpResponse<String> parse =
                get(server, "/loki/api/v1/query?query=" + q("sum(rate({app=\"a1\"}[5m]) by (app)"));
        assertThat(parse.statusCode()).isEqualTo(400);
        assertThat(parse.body()).startsWith("parse error at line 1, col");
        HttpResponse<String> unknown = get(server, "/loki/api/v1/detected_fields");
        assertThat(unknown.statusCode()).isEqualTo(404);
        HttpResponse<String> push = get(server, "/loki/api/v1/push");
        assertThat(push.statusCode()).isEqualTo(400);
        assertThat(push.body()).contains("pushing logs is not supported");
    }
}
