package io.chunkstore.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.grpc.GrpcStoreClient;
import io.chunkstore.grpc.GrpcStoreServer;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.UnavailableException;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.memory.InMemoryBackend;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The one HTTP port of the server: /metrics scrapes the registry the gRPC server records in,
 * /ready, and the rest.
 */
class HttpEndpointsTest {
    private static HttpResponse<String> send(HttpEndpoints http, String method, String path)
            throws Exception {
        HttpRequest r =
                HttpRequest.newBuilder(new URI("http://127.0.0.1:" + http.port() + path))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build();
        return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestMetricsPerRpcAndStatusAreServedInPrometheusFormat() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        InMemoryBackend backend = new InMemoryBackend();
        backend.createTable(TableDesc.named("index"));
        try (GrpcStoreServer server =
                        GrpcStoreServer.builder()
                                .backend(backend)
                                .chunkTableResolver(key -> "chunks")
                                .meterRegistry(registry)
                                .metricsNamespace("cortex")
                                .build()
                                .start();
                GrpcStoreClient client =
                        GrpcStoreClient.builder("127.0.0.1:" + server.port()).build();
                HttpEndpoints http =
                        HttpEndpoints.start(
                                new InetSocketAddress("127.0.0.1", 0),
                                registry,
                                () -> null,
                                List.of(),
                                null)) {
            client.indexClient()
                    .batchWrite(new WriteBatch().add("index", "h", new byte[] {1}, null));
            client.indexClient().queryPages(List.of(IndexQuery.row("index", "h")), (q, p) -> true);
            client.indexClient().queryPages(List.of(IndexQuery.row("index", "h")), (q, p) -> true);
            assertThatThrownBy(() -> client.tableClient().describeTable("missing"))
                    .isInstanceOf(TableNotFoundException.class);

            HttpResponse<String> r = send(http, "GET", "/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type"))
                    .hasValue(HttpEndpoints.METRICS_CONTENT_TYPE);
            String body = r.body();
            assertThat(body)
                    .contains("# TYPE cortex_grpc_store_request_duration_seconds histogram");
            assertThat(body)
                    .containsPattern(
                            "cortex_grpc_store_request_duration_seconds_count\\{method=\"QueryIndex\",status_code=\"OK\"} 2");
            assertThat(body)
                    .containsPattern(
                            "cortex_grpc_store_request_duration_seconds_count"
                                    + "\\{method=\"DescribeTable\",status_code=\"NOT_FOUND\"} 1");
            assertThat(body)
                    .containsPattern(
                            "cortex_grpc_store_request_duration_seconds_count"
                                    + "\\{method=\"WriteIndex\",status_code=\"OK\"} 1");
            assertThat(body)
                    .containsPattern(
                            "cortex_grpc_store_stream_message_size_bytes_count\\{method=\"QueryIndex\"} 2");

            assertThat(send(http, "GET", "/").statusCode()).isEqualTo(404);
            HttpResponse<String> post = send(http, "POST", "/metrics");
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
            HttpResponse<String> head = send(http, "HEAD", "/metrics");
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
        }
    }

    @Test
    void everyHttpRequestIsTimedByRouteAndStatusAsLokisMiddlewareDoes() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (HttpEndpoints http =
                HttpEndpoints.start(
                        new InetSocketAddress("127.0.0.1", 0),
                        registry,
                        () -> null,
                        List.of(),
                        null)) {
            assertThat(send(http, "GET", "/ready").statusCode()).isEqualTo(200);
            assertThat(send(http, "GET", "/ready").statusCode()).isEqualTo(200);
            assertThat(send(http, "GET", "/no/such/path/1").statusCode()).isEqualTo(404);
            assertThat(send(http, "GET", "/no/such/path/2").statusCode()).isEqualTo(404);
            assertThat(send(http, "POST", "/metrics").statusCode()).isEqualTo(405);
            String body = send(http, "GET", "/metrics").body();
            assertThat(body).contains("# TYPE request_duration_seconds histogram");
            assertThat(body)
                    .contains(
                            "request_duration_seconds_count{method=\"GET\",route=\"ready\","
                                    + "status_code=\"200\",ws=\"false\"} 2");
            assertThat(body)
                    .as("paths nothing answers share one route")
                    .contains(
                            "request_duration_seconds_count{method=\"GET\",route=\"other\","
                                    + "status_code=\"404\",ws=\"false\"} 2");
            assertThat(body)
                    .contains(
                            "request_duration_seconds_count{method=\"POST\",route=\"metrics\","
                                    + "status_code=\"405\",ws=\"false\"} 1");
        }
    }

    @Test
    void routesAreLokisNamesWithLabelNamesTemplated() {
        assertThat(HttpRequestMetrics.route("/loki/api/v1/query_range", 200))
                .isEqualTo("loki_api_v1_query_range");
        assertThat(HttpRequestMetrics.route("/loki/api/v1/label/job/values", 200))
                .isEqualTo("loki_api_v1_label_name_values");
        assertThat(HttpRequestMetrics.route("/api/v1/label/__name__/values", 200))
                .isEqualTo("api_v1_label_name_values");
        assertThat(HttpRequestMetrics.route("/api/v1/read", 422)).isEqualTo("api_v1_read");
        assertThat(HttpRequestMetrics.route("/loki/api/v1/tail", 101))
                .isEqualTo("loki_api_v1_tail");
        assertThat(HttpRequestMetrics.route("/anything", 404)).isEqualTo("other");
    }

    @Test
    void readyFollowsTheServingFlag() throws Exception {
        AtomicBoolean serving = new AtomicBoolean();
        try (HttpEndpoints http =
                HttpEndpoints.start(
                        new InetSocketAddress("127.0.0.1", 0),
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                        () -> serving.get() ? null : "the gRPC server is not serving",
                        List.of(),
                        null)) {
            HttpResponse<String> before = send(http, "GET", "/ready");
            assertThat(before.statusCode()).isEqualTo(503);
            assertThat(before.body()).isEqualTo("not ready: the gRPC server is not serving\n");
            serving.set(true);
            assertThat(send(http, "GET", "/ready").body()).isEqualTo("ready\n");
        }
    }

    @Test
    void aPortInUseIsUnavailable() {
        try (HttpEndpoints first =
                HttpEndpoints.start(
                        new InetSocketAddress("127.0.0.1", 0),
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                        () -> null,
                        List.of(),
                        null)) {
            assertThatThrownBy(
                            () ->
                                    HttpEndpoints.start(
                                            new InetSocketAddress("127.0.0.1", first.port()),
                                            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                                            () -> null,
                                            List.of(),
                                            null))
                    .isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:");
        }
    }

    /**
     * What Jetty refuses before any handler runs is answered in Loki's shape (plain text with the
     * status), not with Jetty's HTML error page.
     */
    @Test
    void errorsJettyRaisesArePlainTextWithTheirStatus() throws Exception {
        try (HttpEndpoints http =
                HttpEndpoints.start(
                        new InetSocketAddress("127.0.0.1", 0),
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                        () -> null,
                        List.of(),
                        null)) {
            String longUri = "/loki/api/v1/query_range?query=" + "a".repeat(20_000);
            String bigHeader = "X-Big: " + "b".repeat(20_000) + "\r\n";
            String[][] cases = {
                {"GET " + longUri + " HTTP/1.1\r\nHost: x\r\n\r\n", "414"},
                {"GET /ready HTTP/1.1\r\nHost: x\r\n" + bigHeader + "\r\n", "431"},
                {"GET /ready HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n", "400"},
            };
            for (String[] c : cases) {
                String answer = raw(http.port(), c[0]);
                assertThat(answer).as(c[1]).startsWith("HTTP/1.1 " + c[1]);
                assertThat(answer.toLowerCase(java.util.Locale.ROOT))
                        .as(answer)
                        .contains("content-type: text/plain")
                        .doesNotContain("<html");
            }
        }
    }

    private static String raw(int port, String request) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = s.getInputStream().read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    if (out.toString(java.nio.charset.StandardCharsets.ISO_8859_1)
                                    .contains("\r\n\r\n")
                            && out.size() > 200) {
                        break;
                    }
                }
            } catch (java.net.SocketException | java.net.SocketTimeoutException e) {
                // the server closes after a bad request: what arrived is the answer
            }
            return out.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }
}
