package io.chunkstore.loki.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.LokiChunk;
import io.chunkstore.loki.chunkenc.ChunkFormat;
import io.chunkstore.loki.chunkenc.Codec;
import io.chunkstore.loki.chunkenc.GoldenLoki;
import io.chunkstore.loki.query.LogQuerier;
import io.chunkstore.loki.query.LokiTimes;
import io.chunkstore.loki.query.QueryTestAccess;
import io.chunkstore.loki.query.TailOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Loki HTTP API on a real Jetty server, its JSON checked field by field against Loki's
 * documented shapes, and the errors Loki's clients see for what is outside the subset.
 */
class LokiHttpApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long END = T0 + 8_000_000_000L;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Object store;
    private static LogQuerier querier;
    private static LokiHttpServer server;
    private static LokiHttpServer singleTenant;
    private static List<LogEntry> v3;
    private static List<LogEntry> v4;

    @BeforeAll
    static void start() throws Exception {
        SchemaConfig config = QueryTestAccess.single(SchemaVersion.V12);
        store = QueryTestAccess.store(config);
        GoldenLoki g3 = GoldenLoki.named("v3-gzip");
        GoldenLoki g4 = GoldenLoki.named("v4-none");
        v3 = g3.entriesForward();
        v4 = g4.entriesForward();
        QueryTestAccess.putGolden(store, config, g3);
        // The v4 golden as another stream, so its structured metadata is not de-duplicated away.
        QueryTestAccess.put(
                store,
                LokiChunk.encode(
                        "fake", Labels.of("job", "sm"), ChunkFormat.V4, Codec.NONE, 100, v4));
        querier = new LogQuerier(QueryTestAccess.source(store));
        Handler metrics =
                new Handler.Abstract() {
                    @Override
                    public boolean handle(Request rq, Response rs, Callback cb) {
                        rs.write(
                                true,
                                ByteBuffer.wrap("# metrics\n".getBytes(StandardCharsets.UTF_8)),
                                cb);
                        return true;
                    }
                };
        server =
                LokiHttpServer.start(
                        "127.0.0.1",
                        0,
                        new LokiHttpApi(querier, LokiApiConfig.DEFAULT),
                        Map.of("/metrics", metrics));
        singleTenant =
                LokiHttpServer.start(
                        "127.0.0.1",
                        0,
                        new LokiHttpApi(querier, LokiApiConfig.DEFAULT.withDefaultTenant("fake")),
                        Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        singleTenant.close();
        querier.close();
    }

    private static HttpResponse<String> get(
            LokiHttpServer s, String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(s.uri() + pathAndQuery))
                        .timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String pathAndQuery, String... headers)
            throws Exception {
        String[] h = new String[headers.length + 2];
        h[0] = "X-Scope-OrgID";
        h[1] = "fake";
        System.arraycopy(headers, 0, h, 2, headers.length);
        return get(server, pathAndQuery, h);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse(""))
                .startsWith("application/json");
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.get("status").asText()).isEqualTo("success");
        return n;
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void queryRangeReturnsLokisStreamsShape() throws Exception {
        JsonNode n =
                ok(
                        get(
                                "/loki/api/v1/query_range?query="
                                        + enc("{job=\"varlogs\"}")
                                        + "&start="
                                        + T0
                                        + "&end="
                                        + END
                                        + "&limit=100&direction=forward"));
        assertThat(fieldNames(n)).containsExactly("status", "data");
        JsonNode data = n.get("data");
        assertThat(fieldNames(data)).containsExactly("resultType", "result", "stats");
        assertThat(data.get("resultType").asText()).isEqualTo("streams");
        JsonNode result = data.get("result");
        assertThat(result.isArray()).isTrue();
        assertThat(result).hasSize(1);
        JsonNode stream = result.get(0);
        assertThat(fieldNames(stream)).containsExactly("stream", "values");
        assertThat(stream.get("stream"))
                .isEqualTo(JSON.readTree("{\"filename\":\"/var/log/syslog\",\"job\":\"varlogs\"}"));
        JsonNode values = stream.get("values");
        assertThat(values).hasSize(10);
        for (int i = 0; i < 10; i++) {
            JsonNode v = values.get(i);
            assertThat(v.isArray()).isTrue();
            assertThat(v).hasSize(2);
            assertThat(v.get(0).isTextual()).as("timestamps are strings of ns").isTrue();
            assertThat(v.get(0).asText()).isEqualTo(Long.toString(v3.get(i).timestamp()));
            assertThat(v.get(1).asText()).isEqualTo(v3.get(i).lineString());
        }
        JsonNode stats = data.get("stats");
        assertThat(fieldNames(stats)).containsExactly("summary", "querier", "ingester");
        assertThat(fieldNames(stats.get("summary")))
                .contains(
                        "bytesProcessedPerSecond",
                        "linesProcessedPerSecond",
                        "totalBytesProcessed",
                        "totalLinesProcessed",
                        "execTime",
                        "queueTime",
                        "subqueries",
                        "totalEntriesReturned");
        assertThat(stats.at("/summary/totalEntriesReturned").asLong()).isEqualTo(10);
        assertThat(stats.at("/summary/totalLinesProcessed").asLong()).isEqualTo(10);
        assertThat(stats.at("/querier/store/totalChunksRef").asLong()).isEqualTo(1);
        assertThat(stats.at("/querier/store/totalChunksDownloaded").asLong()).isEqualTo(1);
        assertThat(stats.at("/querier/store/chunk/compressedBytes").asLong()).isPositive();
        assertThat(stats.at("/ingester/totalReached").asLong()).isZero();
    }

    @Test
    void defaultsAreBackwardAndRfc3339TimesWork() throws Exception {
        String start = Instant.ofEpochSecond(0, T0).toString();
        String end = "2023-11-14T22:13:28Z";
        JsonNode values =
                ok(get(
                                "/loki/api/v1/query_range?query="
                                        + enc("{job=\"varlogs\"} |= \"same-ts\"")
                                        + "&start="
                                        + start
                                        + "&end="
                                        + end))
                        .at("/data/result/0/values");
        assertThat(values).hasSize(2);
        assertThat(values.get(0).get(1).asText()).isEqualTo("same-ts second");
        assertThat(values.get(1).get(1).asText()).isEqualTo("same-ts first");
        // Unix seconds (10 digits), a limit.
        JsonNode limited =
                ok(get(
                                "/loki/api/v1/query_range?query="
                                        + enc("{job=\"varlogs\"}")
                                        + "&start=1700000000"
                                        + "&end=1700000008&limit=3"))
                        .at("/data/result/0/values");
        assertThat(limited).hasSize(3);
        assertThat(limited.get(0).get(1).asText()).isEqualTo("last");
        // POST with a form body, as Grafana may send.
        HttpResponse<String> post =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create(server.uri() + "/loki/api/v1/query_range"))
                                .header("X-Scope-OrgID", "fake")
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "query="
                                                        + enc("{job=\"varlogs\"}")
                                                        + "&start="
                                                        + T0
                                                        + "&end="
                                                        + END
                                                        + "&limit=2&direction=forward"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(ok(post).at("/data/result/0/values")).hasSize(2);
    }

    @Test
    void structuredMetadataJoinsStreamLabelsOrIsCategorized() throws Exception {
        String q =
                "/loki/api/v1/query_range?query="
                        + enc("{job=\"sm\"}")
                        + "&start="
                        + T0
                        + "&end="
                        + END
                        + "&direction=forward";
        JsonNode result = ok(get(q)).at("/data/result");
        int total = 0;
        List<String> streamStrings = new ArrayList<>();
        for (JsonNode s : result) {
            total += s.get("values").size();
            Map<String, String> m = new java.util.TreeMap<>();
            s.get("stream").properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
            streamStrings.add(Labels.of(m).toString());
            for (JsonNode v : s.get("values")) {
                assertThat(v).hasSize(2);
            }
        }
        assertThat(total).isEqualTo(10);
        assertThat(streamStrings).isSorted();
        assertThat(streamStrings)
                .contains(
                        "{job=\"sm\"}",
                        "{job=\"sm\", trace_id=\"0242ac120002\"}",
                        "{job=\"sm\", pod=\"web-2\", trace_id=\"0242ac120002\"}",
                        "{job=\"sm\", trace_id=\"0242ac120003\", user=\"zoë\"}",
                        "{job=\"sm\", pod=\"web-1\"}");

        JsonNode cat =
                ok(get(q, "X-Loki-Response-Encoding-Flags", "categorize-labels")).get("data");
        assertThat(cat.get("encodingFlags")).isEqualTo(JSON.readTree("[\"categorize-labels\"]"));
        assertThat(cat.get("result")).hasSize(1);
        JsonNode values = cat.at("/result/0/values");
        assertThat(values).hasSize(10);
        for (int i = 0; i < 10; i++) {
            LogEntry e = v4.get(i);
            if (e.structuredMetadata().isEmpty()) {
                assertThat(values.get(i)).hasSize(2);
            } else {
                assertThat(values.get(i)).hasSize(3);
                Map<String, String> sm = new java.util.TreeMap<>();
                e.sortedStructuredMetadata().forEach(l -> sm.put(l.name(), l.value()));
                assertThat(values.get(i).get(2))
                        .isEqualTo(JSON.valueToTree(Map.of("structuredMetadata", sm)));
            }
        }
    }

    @Test
    void instantQueryAnswersLogQueriesUpToTime() throws Exception {
        JsonNode values =
                ok(get(
                                "/loki/api/v1/query?query="
                                        + enc("{job=\"varlogs\"}")
                                        + "&time="
                                        + END
                                        + "&limit=1"))
                        .at("/data/result/0/values");
        assertThat(values).hasSize(1);
        assertThat(values.get(0).get(1).asText()).isEqualTo("last");
        JsonNode metric =
                ok(
                        get(
                                "/loki/api/v1/query?query="
                                        + enc("count_over_time({job=\"varlogs\"}[5m])")
                                        + "&time="
                                        + END));
        assertThat(metric.at("/data/resultType").asText()).isEqualTo("vector");
    }

    @Test
    void labelsLabelValuesAndSeries() throws Exception {
        String range = "&start=" + T0 + "&end=" + END;
        JsonNode labels = ok(get("/loki/api/v1/labels?x=1" + range));
        assertThat(fieldNames(labels)).containsExactly("status", "data");
        assertThat(labels.get("data")).isEqualTo(JSON.readTree("[\"filename\",\"job\"]"));
        assertThat(ok(get("/loki/api/v1/label/job/values?x=1" + range)).get("data"))
                .isEqualTo(JSON.readTree("[\"sm\",\"varlogs\"]"));
        assertThat(
                        ok(get(
                                        "/loki/api/v1/label/filename/values?query="
                                                + enc("{job=\"varlogs\"}")
                                                + range))
                                .get("data"))
                .isEqualTo(JSON.readTree("[\"/var/log/syslog\"]"));
        assertThat(
                        ok(get(
                                        "/loki/api/v1/label/job/values?query="
                                                + enc("{job=\"nothing\"}")
                                                + range))
                                .get("data"))
                .isEmpty();
        JsonNode series =
                ok(get("/loki/api/v1/series?match[]=" + enc("{job=~\".+\"}") + range)).get("data");
        assertThat(series)
                .isEqualTo(
                        JSON.readTree(
                                "[{\"filename\":\"/var/log/syslog\",\"job\":\"varlogs\"},"
                                        + "{\"job\":\"sm\"}]"));
        assertThat(
                        ok(get(
                                        "/loki/api/v1/series?match[]="
                                                + enc("{job=\"sm\"}")
                                                + "&match[]="
                                                + enc("{filename=\"/var/log/syslog\"}")
                                                + range))
                                .get("data"))
                .hasSize(2);
        // Defaults: the last 6 hours, which hold nothing here.
        assertThat(ok(get("/loki/api/v1/labels")).get("data")).isEmpty();
        HttpResponse<String> noMatch = get("/loki/api/v1/series?start=" + T0);
        assertThat(noMatch.statusCode()).isEqualTo(400);
        assertThat(noMatch.body()).contains("match[]");
    }

    @Test
    void requestsOutsideTheSubsetGetClear4xx() throws Exception {
        record Case(String path, int status, String message) {}
        List<Case> cases =
                List.of(
                        new Case(
                                "/loki/api/v1/query_range?query="
                                        + enc("rate({job=\"varlogs\"} | json [5m]) by (x)"),
                                400,
                                "grouping not allowed for rate aggregation"),
                        new Case(
                                "/loki/api/v1/query_range?query="
                                        + enc("sum_over_time({job=\"varlogs\"}[5m])"),
                                400,
                                "invalid aggregation sum_over_time without unwrap"),
                        new Case(
                                "/loki/api/v1/query_range?query="
                                        + enc("{job=\"varlogs\"} | logfmt | level=\"x\" |"),
                                400,
                                "parse error at line 1, col"),
                        new Case(
                                "/loki/api/v1/query_range?query=" + enc("{job=\"varlogs\""),
                                400,
                                "parse error"),
                        new Case("/loki/api/v1/query_range", 400, "the query parameter is missing"),
                        new Case(
                                "/loki/api/v1/query_range?query="
                                        + enc("{job=\"varlogs\"}")
                                        + "&limit=5001",
                                400,
                                "max entries limit per query exceeded, limit > max_entries_limit (5001 > 5000)"),
                        new Case(
                                "/loki/api/v1/query_range?query="
                                        + enc("{job=\"varlogs\"}")
                                        + "&direction=sideways",
                                400,
                                "invalid direction"),
                        new Case(
                                "/loki/api/v1/query_range?query="
                                        + enc("{job=\"varlogs\"}")
                                        + "&start=yesterday",
                                400,
                                "cannot parse \"yesterday\" to a valid timestamp for start"),
                        new Case(
                                "/loki/api/v1/query_range?query="
                                        + enc("{job=\"varlogs\"}")
                                        + "&start=20&end=10",
                                400,
                                "end timestamp must not be before start time"),
                        new Case(
                                "/loki/api/v1/patterns?query=" + enc("{job=\"varlogs\"}"),
                                404,
                                "/loki/api/v1/patterns is not an endpoint"),
                        new Case("/loki/api/v1/push", 400, "pushing logs is not supported"),
                        new Case(
                                "/api/prom/query?query=" + enc("{job=\"varlogs\"}"), 400, "legacy"),
                        new Case(
                                "/loki/api/v1/tail?query=" + enc("{job=\"varlogs\"}"),
                                400,
                                "websocket"));
        for (Case c : cases) {
            HttpResponse<String> r = get(c.path);
            assertThat(r.statusCode()).as(c.path + ": " + r.body()).isEqualTo(c.status);
            assertThat(r.body()).as(c.path).contains(c.message);
            assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        }
    }

    @Test
    void aRegexOverGosSizeLimitIsA400NamingTheLimitNotAnOutOfMemory() throws Exception {
        String hostile = "((((a{100}){100}){100}){100})";
        for (String query :
                List.of("{job=\"varlogs\"} |~ \"" + hostile + "\"", "{job=~\"" + hostile + "\"}")) {
            HttpResponse<String> r =
                    get(
                            "/loki/api/v1/query_range?query="
                                    + enc(query)
                                    + "&start="
                                    + T0
                                    + "&end="
                                    + END);
            assertThat(r.statusCode()).as(query).isEqualTo(400);
            assertThat(r.body()).as(query).contains("expression too large");
        }
        // The server still answers.
        assertThat(get(server, "/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void theTenantComesFromTheHeaderOrTheConfiguredDefault() throws Exception {
        String q =
                "/loki/api/v1/query_range?query="
                        + enc("{job=\"varlogs\"}")
                        + "&start="
                        + T0
                        + "&end="
                        + END;
        HttpResponse<String> missing = get(server, q);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.body()).contains("no org id").contains("X-Scope-OrgID");
        assertThat(ok(get(server, q, "X-Scope-OrgID", "other")).at("/data/result")).isEmpty();
        assertThat(get(server, q, "X-Scope-OrgID", "a|b").statusCode()).isEqualTo(400);
        // Tenants Cortex and Loki refuse, and a since that overflows: 400s with the reason, not
        // 500s.
        for (String bad : List.of("..", "a/b", "a b", "x".repeat(151))) {
            HttpResponse<String> r = get(server, q, "X-Scope-OrgID", bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.body()).as(bad).contains("tenant ID");
        }
        HttpResponse<String> since =
                get(
                        server,
                        "/loki/api/v1/query_range?query="
                                + enc("{job=\"varlogs\"}")
                                + "&since=99999999h",
                        "X-Scope-OrgID",
                        "fake");
        assertThat(since.statusCode()).isEqualTo(400);
        assertThat(since.body()).contains("since=99999999h");
        assertThat(ok(get(singleTenant, q)).at("/data/result/0/values")).hasSize(10);
    }

    @Test
    void readyBuildInfoAndMountedHandlers() throws Exception {
        HttpResponse<String> ready = get(server, "/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("ready\n");
        JsonNode info = JSON.readTree(get(server, "/loki/api/v1/status/buildinfo").body());
        assertThat(fieldNames(info))
                .containsExactly(
                        "version", "revision", "branch", "buildUser", "buildDate", "goVersion");
        // The Loki API version matched, not a newer one Grafana would pick features by;
        // chunkstore's own version in
        // the revision.
        assertThat(info.get("version").asText()).isEqualTo("2.7.5");
        assertThat(info.get("revision").asText()).startsWith("chunkstore-");
        assertThat(info.get("branch").asText()).isEqualTo("chunkstore");
        assertThat(get(server, "/metrics").body()).isEqualTo("# metrics\n");
        assertThat(get(server, "/elsewhere").statusCode()).isEqualTo(404);
    }

    @Test
    void backwardQueriesListStreamsByLabelsDescendingAsLokisFrontendDoes() throws Exception {
        Object st = QueryTestAccess.store(QueryTestAccess.single(SchemaVersion.V12));
        long t = 1_700_000_000_000_000_000L;
        for (String app : List.of("b", "c", "a", "\u00e9", "z")) {
            QueryTestAccess.put(
                    st,
                    LokiChunk.encode(
                            "t",
                            Labels.of("app", app),
                            ChunkFormat.V3,
                            Codec.NONE,
                            100,
                            List.of(
                                    LogEntry.of(t, app + "-1"),
                                    LogEntry.of(t, app + "-2"),
                                    LogEntry.of(t + 1, app + "-3"))));
        }
        try (LogQuerier q = new LogQuerier(QueryTestAccess.source(st));
                LokiHttpServer s =
                        LokiHttpServer.start(
                                "127.0.0.1",
                                0,
                                new LokiHttpApi(q, LokiApiConfig.DEFAULT),
                                Map.of())) {
            for (String dir : List.of("forward", "backward")) {
                JsonNode r =
                        ok(
                                get(
                                        s,
                                        "/loki/api/v1/query_range?query="
                                                + enc("{app=~\".+\"}")
                                                + "&start="
                                                + (t - 1)
                                                + "&end="
                                                + (t + 10)
                                                + "&direction="
                                                + dir,
                                        "X-Scope-OrgID",
                                        "t"));
                List<String> apps = new ArrayList<>();
                r.at("/data/result").forEach(x -> apps.add(x.at("/stream/app").asText()));
                // By labels string in Go's byte order ("é" is c3 a9, after "z"), reversed backward.
                List<String> expected = List.of("a", "b", "c", "z", "\u00e9");
                List<String> backward = new ArrayList<>(expected);
                java.util.Collections.reverse(backward);
                assertThat(apps).as(dir).isEqualTo(dir.equals("forward") ? expected : backward);
                // Within a stream: time in query direction; equal times keep the chunk's order
                // forward and its
                // reverse backward (the documented stable order).
                List<String> lines = new ArrayList<>();
                r.at("/data/result/0/values").forEach(v -> lines.add(v.get(1).asText()));
                assertThat(lines)
                        .as(dir)
                        .isEqualTo(
                                dir.equals("forward")
                                        ? List.of("a-1", "a-2", "a-3")
                                        : List.of("\u00e9-3", "\u00e9-2", "\u00e9-1"));
            }
        }
    }

    /** Collects websocket text messages. */
    static final class Messages implements WebSocket.Listener {
        final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                queue.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    @Test
    void tailSendsLoki2MessagesOverAWebsocket() throws Exception {
        Object tailStore = QueryTestAccess.store(QueryTestAccess.single(SchemaVersion.V12));
        long now = LokiTimes.now(java.time.Clock.systemUTC());
        QueryTestAccess.put(
                tailStore,
                LokiChunk.encode(
                        "t",
                        Labels.of("app", "live"),
                        ChunkFormat.V3,
                        Codec.GZIP,
                        100,
                        List.of(
                                LogEntry.of(now - 2_000_000_000L, "first"),
                                LogEntry.of(now - 1_000_000_000L, "second"))));
        TailOptions fast =
                TailOptions.DEFAULT
                        .withDelay(Duration.ofMillis(200))
                        .withWindow(Duration.ofMillis(300));
        try (LogQuerier q = new LogQuerier(QueryTestAccess.source(tailStore));
                LokiHttpServer s =
                        LokiHttpServer.start(
                                "127.0.0.1",
                                0,
                                new LokiHttpApi(q, LokiApiConfig.DEFAULT.withTail(fast)),
                                Map.of())) {
            URI ws =
                    URI.create(
                            "ws://127.0.0.1:"
                                    + s.port()
                                    + "/loki/api/v1/tail?query="
                                    + enc("{app=\"live\"}")
                                    + "&start="
                                    + (now - 5_000_000_000L));
            Messages messages = new Messages();
            WebSocket socket =
                    HTTP.newWebSocketBuilder()
                            .header("X-Scope-OrgID", "t")
                            .buildAsync(ws, messages)
                            .get(10, TimeUnit.SECONDS);
            List<String> lines = new ArrayList<>();
            JsonNode first = null;
            while (lines.size() < 2) {
                String m = messages.queue.poll(20, TimeUnit.SECONDS);
                assertThat(m).as("a tail message").isNotNull();
                JsonNode n = JSON.readTree(m);
                first = first == null ? n : first;
                n.get("streams")
                        .forEach(st -> st.get("values").forEach(v -> lines.add(v.get(1).asText())));
            }
            assertThat(fieldNames(first)).containsExactly("streams", "dropped_entries");
            assertThat(first.get("dropped_entries")).isEmpty();
            JsonNode st = first.get("streams").get(0);
            assertThat(fieldNames(st)).containsExactly("stream", "values");
            assertThat(st.get("stream")).isEqualTo(JSON.readTree("{\"app\":\"live\"}"));
            assertThat(st.get("values").get(0).get(0).asText())
                    .isEqualTo(Long.toString(now - 2_000_000_000L));
            // Written after the tail started: delivered once, after the ones before.
            long later = LokiTimes.now(java.time.Clock.systemUTC());
            QueryTestAccess.put(
                    tailStore,
                    LokiChunk.encode(
                            "t",
                            Labels.of("app", "live"),
                            ChunkFormat.V3,
                            Codec.NONE,
                            100,
                            List.of(LogEntry.of(later, "third"))));
            while (lines.size() < 3) {
                String m = messages.queue.poll(20, TimeUnit.SECONDS);
                assertThat(m).as("the new entry").isNotNull();
                JSON.readTree(m)
                        .get("streams")
                        .forEach(x -> x.get("values").forEach(v -> lines.add(v.get(1).asText())));
            }
            assertThat(lines).containsExactly("first", "second", "third");
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);

            URI noTenant =
                    URI.create(
                            "ws://127.0.0.1:"
                                    + s.port()
                                    + "/loki/api/v1/tail?query="
                                    + enc("{app=\"live\"}"));
            assertThatThrownBy(
                            () ->
                                    HTTP.newWebSocketBuilder()
                                            .buildAsync(noTenant, new Messages())
                                            .join())
                    .isInstanceOf(CompletionException.class)
                    .hasStackTraceContaining("401");
            URI metric =
                    URI.create(
                            "ws://127.0.0.1:"
                                    + s.port()
                                    + "/loki/api/v1/tail?query="
                                    + enc("rate({app=\"live\"}[1m])"));
            assertThatThrownBy(
                            () ->
                                    HTTP.newWebSocketBuilder()
                                            .header("X-Scope-OrgID", "t")
                                            .buildAsync(metric, new Messages())
                                            .join())
                    .hasStackTraceContaining("400");
        }
    }
}
