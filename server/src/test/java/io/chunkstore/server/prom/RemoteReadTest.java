package io.chunkstore.server.prom;

import static io.chunkstore.server.prom.RemoteReadClient.query;
import static io.chunkstore.server.prom.RemoteReadClient.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.read.ReadLimitException;
import io.chunkstore.core.read.ReadLimits;
import io.chunkstore.core.read.SeriesReader;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.PeriodClientResolver;
import io.chunkstore.core.store.PeriodClients;
import io.chunkstore.grpc.GrpcStoreClient;
import io.chunkstore.server.ChunkstoreServer;
import io.chunkstore.server.prom.RemoteReadClient.Exchange;
import io.chunkstore.server.prom.RemoteReadClient.Series;
import io.chunkstore.server.prompb.ReadRequest;
import io.chunkstore.server.prompb.ReadRequest.ResponseType;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Remote read and the label endpoints of a running serve over the generated store, read with a
 * protocol client of the tests' own: every sample of every series, in both response types, equals
 * what was written (stale markers and the moved Cortex DoubleDelta / Varbit / Delta chunks bit for
 * bit); negotiation, tenants, matchers, limits and errors as documented.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteReadTest {
    static final String[] METRICS = {
        "http_requests_total",
        "request_duration_seconds_bucket",
        "room_temperature",
        "legacy_samples"
    };

    @TempDir static Path dir;
    PromTestStore data;
    ChunkstoreServer server;
    RemoteReadClient client;

    @BeforeAll
    void start() {
        data = new PromTestStore(System.currentTimeMillis());
        server = data.serve(dir, PromTestStore.api());
        client = new RemoteReadClient(server.httpPort());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /**
     * The expected series of a tenant passing {@code keep}, within [from, through], in label order.
     */
    List<Series> expected(String tenant, Predicate<Labels> keep, long from, long through) {
        Map<Labels, TreeMap<Long, Long>> sorted = new TreeMap<>(Labels.ORDER);
        data.expected
                .get(tenant)
                .forEach(
                        (l, m) -> {
                            if (keep.test(l)) {
                                TreeMap<Long, Long> in =
                                        new TreeMap<>(m.subMap(from, true, through, true));
                                if (!in.isEmpty()) {
                                    sorted.put(l, in);
                                }
                            }
                        });
        List<Series> out = new ArrayList<>();
        sorted.forEach((l, m) -> out.add(new Series(l, m)));
        return out;
    }

    @Test
    void bothResponseTypesReturnEverySampleBitForBit() throws Exception {
        List<io.chunkstore.server.prompb.Query> queries = new ArrayList<>();
        for (String m : METRICS) {
            queries.add(query(data.start, data.end, "EQ", "__name__", m));
        }
        Exchange samples = client.read(request(queries), PromTestStore.TENANT);
        assertThat(samples.status()).as(samples.text()).isEqualTo(200);
        assertThat(samples.header("Content-Type")).isEqualTo("application/x-protobuf");
        assertThat(samples.header("Content-Encoding")).isEqualTo("snappy");
        Exchange streamed =
                client.read(
                        request(queries, ResponseType.STREAMED_XOR_CHUNKS), PromTestStore.TENANT);
        assertThat(streamed.status()).as(streamed.text()).isEqualTo(200);
        assertThat(streamed.header("Content-Type"))
                .isEqualTo("application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse");
        List<List<Series>> s = RemoteReadClient.samples(samples);
        RemoteReadClient.Streamed x = RemoteReadClient.streamed(streamed);
        long stale = 0;
        for (int i = 0; i < METRICS.length; i++) {
            String metric = METRICS[i];
            List<Series> want =
                    expected(
                            PromTestStore.TENANT,
                            l -> l.metricName().equals(metric),
                            data.start,
                            data.end);
            assertThat(want).as(metric).isNotEmpty();
            assertThat(s.get(i)).as("SAMPLES of %s", metric).isEqualTo(want);
            assertThat(x.queries().get(i)).as("STREAMED of %s", metric).isEqualTo(want);
            for (Series ser : s.get(i)) {
                stale +=
                        ser.samples().values().stream()
                                .filter(b -> b == Sample.STALE_NAN_BITS)
                                .count();
            }
        }
        assertThat(stale)
                .isEqualTo(data.staleMarkers(PromTestStore.TENANT))
                .isGreaterThanOrEqualTo(7);
        assertThat(s.get(3)).as("the 24 golden chunks").hasSize(24);
        assertThat(x.largestChunkSamples()).isEqualTo(120);
    }

    @Test
    void matchersAreAnchoredAndTheRangeIsInclusive() throws Exception {
        long from = data.start + 3_600_000L;
        long to = from + 3_600_000L;
        var q1 =
                query(
                        from,
                        to,
                        "EQ",
                        "__name__",
                        "http_requests_total",
                        "RE",
                        "instance",
                        "i[01]",
                        "NRE",
                        "code",
                        "5..");
        var q2 = query(from, to, "EQ", "__name__", "http_requests_total", "RE", "instance", "i");
        var q3 =
                query(
                        from,
                        to,
                        "EQ",
                        "__name__",
                        "http_requests_total",
                        "NEQ",
                        "instance",
                        "i0",
                        "RE",
                        "code",
                        ".*0{2}");
        for (ResponseType type : ResponseType.values()) {
            if (type == ResponseType.UNRECOGNIZED) {
                continue;
            }
            Exchange e = client.read(request(List.of(q1, q2, q3), type), PromTestStore.TENANT);
            assertThat(e.status()).as(e.text()).isEqualTo(200);
            List<List<Series>> got;
            if (type == ResponseType.SAMPLES) {
                got = RemoteReadClient.samples(e);
            } else {
                Map<Integer, List<Series>> m = RemoteReadClient.streamed(e).queries();
                got =
                        List.of(
                                m.getOrDefault(0, List.of()),
                                m.getOrDefault(1, List.of()),
                                m.getOrDefault(2, List.of()));
            }
            String n = "http_requests_total";
            assertThat(got.get(0))
                    .as("%s: instance=~i[01], code!~5..", type)
                    .isEqualTo(
                            expected(
                                    PromTestStore.TENANT,
                                    l ->
                                            l.metricName().equals(n)
                                                    && l.get("instance").matches("i[01]")
                                                    && !l.get("code").startsWith("5"),
                                    from,
                                    to))
                    .hasSize(2);
            assertThat(got.get(1)).as("%s: =~\"i\" is anchored", type).isEmpty();
            assertThat(got.get(2))
                    .as("%s: != and =~", type)
                    .isEqualTo(
                            expected(
                                    PromTestStore.TENANT,
                                    l ->
                                            l.metricName().equals(n)
                                                    && !l.get("instance").equals("i0")
                                                    && l.get("code").endsWith("00"),
                                    from,
                                    to))
                    .hasSize(4);
            assertThat(got.get(0).get(0).samples().firstKey()).isEqualTo(from);
            assertThat(got.get(0).get(0).samples().lastKey()).isEqualTo(to);
        }
    }

    @Test
    void negotiatesTheFirstAcceptedTypeAsPrometheusDoes() throws Exception {
        var q = List.of(query(data.start, data.end, "EQ", "__name__", "room_temperature"));
        assertThat(
                        client.read(
                                        request(
                                                q,
                                                ResponseType.STREAMED_XOR_CHUNKS,
                                                ResponseType.SAMPLES),
                                        PromTestStore.TENANT)
                                .header("Content-Type"))
                .startsWith("application/x-streamed-protobuf");
        assertThat(
                        client.read(
                                        request(
                                                q,
                                                ResponseType.SAMPLES,
                                                ResponseType.STREAMED_XOR_CHUNKS),
                                        PromTestStore.TENANT)
                                .header("Content-Type"))
                .isEqualTo("application/x-protobuf");
        ReadRequest unknownFirst =
                ReadRequest.newBuilder()
                        .addAllQueries(q)
                        .addAcceptedResponseTypesValue(7)
                        .addAcceptedResponseTypes(ResponseType.STREAMED_XOR_CHUNKS)
                        .build();
        assertThat(client.read(unknownFirst, PromTestStore.TENANT).header("Content-Type"))
                .startsWith("application/x-streamed-protobuf");
        ReadRequest onlyUnknown =
                ReadRequest.newBuilder().addAllQueries(q).addAcceptedResponseTypesValue(7).build();
        Exchange e = client.read(onlyUnknown, PromTestStore.TENANT);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.text()).contains("implements none of the requested response types");
    }

    @Test
    void tenantsAreApartAndOneIsRequired() throws Exception {
        var q = List.of(query(data.start, data.end, "EQ", "__name__", "http_requests_total"));
        Exchange none = client.read(request(q), null);
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.text()).contains("X-Scope-OrgID").contains("--prom-tenant");
        Exchange b =
                client.read(
                        request(q, ResponseType.STREAMED_XOR_CHUNKS), PromTestStore.OTHER_TENANT);
        assertThat(RemoteReadClient.streamed(b).queries().get(0))
                .isEqualTo(expected(PromTestStore.OTHER_TENANT, l -> true, data.start, data.end))
                .hasSize(6);
        assertThat(RemoteReadClient.samples(client.read(request(q), "nobody")).get(0)).isEmpty();
        assertThat(client.read(request(q), "a|b").status()).isEqualTo(400);
    }

    @Test
    void badRequestsAreClearErrors() throws Exception {
        Exchange noName =
                client.read(
                        request(List.of(query(data.start, data.end, "EQ", "job", "api"))),
                        PromTestStore.TENANT);
        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.text()).contains("query must contain metric name");
        Exchange badRegex =
                client.read(
                        request(
                                List.of(
                                        query(
                                                data.start,
                                                data.end,
                                                "EQ",
                                                "__name__",
                                                "x",
                                                "RE",
                                                "job",
                                                "a("))),
                        PromTestStore.TENANT);
        assertThat(badRegex.status()).isEqualTo(400);
        assertThat(badRegex.text()).contains("invalid regular expression");
        Exchange notSnappy =
                client.post("hello".getBytes(StandardCharsets.UTF_8), PromTestStore.TENANT);
        assertThat(notSnappy.status()).isEqualTo(400);
        assertThat(notSnappy.text()).contains("snappy");
        Exchange notProto =
                client.post(Snappy.compress(new byte[] {(byte) 0xff, 0x01}), PromTestStore.TENANT);
        assertThat(notProto.status()).isEqualTo(400);
        assertThat(notProto.text()).contains("prometheus.ReadRequest");
        HttpResponse<String> get =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(client.url)).build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
    }

    @Test
    void aChunkThatDoesNotDecodeIsNamedInBothTypes() throws Exception {
        var q = List.of(query(data.start, data.end, "EQ", "__name__", "broken_samples"));
        for (ResponseType type : List.of(ResponseType.SAMPLES, ResponseType.STREAMED_XOR_CHUNKS)) {
            Exchange e = client.read(request(q, type), PromTestStore.TENANT);
            assertThat(e.status()).as(e.text()).isEqualTo(500);
            assertThat(e.text())
                    .contains("XOR chunk of 12 bytes ends after")
                    .contains(PromTestStore.TENANT + "/");
        }
    }

    /** A reader over the running server's store, as serve's mount builds one. */
    private <T> T withReader(java.util.function.Function<SeriesReader, T> f) {
        ChunkstoreConfig config = server.config();
        try (GrpcStoreClient grpc =
                        GrpcStoreClient.builder("127.0.0.1:" + server.grpcPort()).build();
                CompositeStore store =
                        CompositeStore.builder(config.schemaConfig())
                                .clients(
                                        PeriodClientResolver.of(
                                                new PeriodClients(
                                                        grpc.indexClient(), grpc.chunkClient())))
                                .build()) {
            return f.apply(new SeriesReader(store));
        }
    }

    /** A compressed SAMPLES request for every http_requests_total series over the data's range. */
    private byte[] httpRequestsTotalRequest() throws java.io.IOException {
        return Snappy.compress(
                request(
                                List.of(
                                        query(
                                                data.start,
                                                data.end,
                                                "EQ",
                                                "__name__",
                                                "http_requests_total")))
                        .toByteArray());
    }

    @Test
    void limitsNameThemselves() throws Exception {
        byte[] body = httpRequestsTotalRequest();
        for (var c :
                List.of(
                        new Object[] {new ReadLimits(5, 0, 0), "max_series_per_request (5)"},
                        new Object[] {
                            new ReadLimits(0, 10_000, 0), "max_samples_per_request (10000)"
                        },
                        new Object[] {
                            new ReadLimits(0, 0, 4096), "max_chunk_bytes_per_request (4096)"
                        })) {
            PromApiConfig api = PromApiConfig.DEFAULT.withLimits((ReadLimits) c[0]);
            assertThatThrownBy(
                            () ->
                                    withReader(
                                            r ->
                                                    new RemoteRead(r, api)
                                                            .answer(body, PromTestStore.TENANT)))
                    .isInstanceOf(ReadLimitException.class)
                    .hasMessageContaining((String) c[1]);
        }
        // Within the limits the same request passes.
        PromApiConfig enough =
                PromApiConfig.DEFAULT.withLimits(new ReadLimits(6, 1_000_000, 1 << 24));
        assertThat(
                        withReader(
                                        r ->
                                                new RemoteRead(r, enough)
                                                        .answer(body, PromTestStore.TENANT))
                                .series())
                .isEqualTo(6);
    }

    @Test
    void aReadPastTheQueryTimeOutStopsNamingIt() throws Exception {
        byte[] body = httpRequestsTotalRequest();
        PromApiConfig expired = PromApiConfig.DEFAULT.withQueryTimeout(Duration.ofNanos(1));
        assertThatThrownBy(
                        () ->
                                withReader(
                                        r ->
                                                new RemoteRead(r, expired)
                                                        .answer(body, PromTestStore.TENANT)))
                .isInstanceOfSatisfying(
                        ReadLimitException.class,
                        e -> assertThat(e.limit()).isEqualTo(ReadLimitException.Limit.TIME))
                .hasMessageContaining("--query-timeout");
        PromApiConfig ample = PromApiConfig.DEFAULT.withQueryTimeout(Duration.ofHours(1));
        assertThat(
                        withReader(r -> new RemoteRead(r, ample).answer(body, PromTestStore.TENANT))
                                .series())
                .isEqualTo(6);
    }

    @Test
    void framesAreCutAtTheSizeCapAndSeriesGoOnInTheNext() throws Exception {
        var q = List.of(query(data.start, data.end, "EQ", "__name__", "http_requests_total"));
        byte[] body = Snappy.compress(request(q, ResponseType.STREAMED_XOR_CHUNKS).toByteArray());
        PromApiConfig small = PromApiTestConfigs.frames(2048);
        RemoteRead.Answer a =
                withReader(r -> new RemoteRead(r, small).answer(body, PromTestStore.TENANT));
        RemoteReadClient.Streamed s =
                RemoteReadClient.streamed(new Exchange(200, Map.of(), a.body()));
        assertThat(s.queries().get(0))
                .isEqualTo(
                        expected(
                                PromTestStore.TENANT,
                                l -> l.metricName().equals("http_requests_total"),
                                data.start,
                                data.end));
        assertThat(s.frames()).as("each series over several frames").isGreaterThan(6 * 3);
        // A frame passes the cap by at most one chunk (120 samples of a counter: well under 1 KiB).
        assertThat(s.largestFrame()).isLessThan(2048 + 1024);
    }

    // ---- labels and series

    JsonNode get(String pathAndQuery, String tenant) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.httpPort() + pathAndQuery));
        if (tenant != null) {
            b.header("X-Scope-OrgID", tenant);
        }
        HttpResponse<String> r =
                HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode j = new ObjectMapper().readTree(r.body());
        assertThat(r.statusCode())
                .as(r.body())
                .isEqualTo(j.get("status").asText().equals("success") ? 200 : r.statusCode());
        return j;
    }

    String range(String match) {
        return "?match[]="
                + URLEncoder.encode(match, StandardCharsets.UTF_8)
                + "&start="
                + data.start / 1000
                + "&end="
                + data.end / 1000;
    }

    @Test
    void labelAndSeriesEndpointsAnswerInPrometheusShape() throws Exception {
        JsonNode names = get("/api/v1/labels" + range("http_requests_total"), PromTestStore.TENANT);
        assertThat(names.get("status").asText()).isEqualTo("success");
        assertThat(names.get("data").toString())
                .isEqualTo("[\"__name__\",\"code\",\"instance\",\"job\"]");
        JsonNode values =
                get(
                        "/api/v1/label/instance/values" + range("http_requests_total"),
                        PromTestStore.TENANT);
        assertThat(values.get("data").toString()).isEqualTo("[\"i0\",\"i1\",\"i2\"]");
        JsonNode filtered =
                get(
                        "/api/v1/label/code/values" + range("http_requests_total{instance=\"i1\"}"),
                        PromTestStore.TENANT);
        assertThat(filtered.get("data").toString()).isEqualTo("[\"200\",\"500\"]");
        JsonNode series = get("/api/v1/series" + range("room_temperature"), PromTestStore.TENANT);
        assertThat(series.get("data").toString())
                .isEqualTo(
                        "[{\"__name__\":\"room_temperature\",\"room\":\"a\"},{\"__name__\":\"room_temperature\",\"room\":\"b\"}]");
        JsonNode noMatch = get("/api/v1/labels", PromTestStore.TENANT);
        assertThat(noMatch.get("status").asText()).isEqualTo("error");
        assertThat(noMatch.get("errorType").asText()).isEqualTo("bad_data");
        assertThat(noMatch.get("error").asText()).contains("match[]").contains("metric name");
        JsonNode noName = get("/api/v1/series" + range("{job=\"api\"}"), PromTestStore.TENANT);
        assertThat(noName.get("error").asText()).contains("has no metric name");
        JsonNode noTenant = get("/api/v1/series" + range("room_temperature"), null);
        assertThat(noTenant.get("error").asText()).contains("X-Scope-OrgID");
        assertThat(LabelMatcher.equal("a", "b").matches("b")).isTrue();
    }
}
