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
}
