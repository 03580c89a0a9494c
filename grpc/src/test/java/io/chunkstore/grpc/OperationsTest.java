package io.chunkstore.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.ThrottledException;
import io.chunkstore.spi.UnavailableException;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.memory.InMemoryBackend;
import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Health, reflection, request metrics, TLS and mutual TLS. */
class OperationsTest {

    @Test
    void healthReportsServingForTheServerAndTheService() throws Exception {
        try (TestHarness h = TestHarness.start(s -> s.backend(new InMemoryBackend()))) {
            var health = HealthGrpc.newBlockingStub(h.rawChannel);
            for (String service : List.of("", "grpc.grpc_store")) {
                assertThat(
                                health.check(
                                                HealthCheckRequest.newBuilder()
                                                        .setService(service)
                                                        .build())
                                        .getStatus())
                        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            }
        }
    }

    @Test
    void reflectionListsTheServiceAndDescribesItsFile() throws Exception {
        try (TestHarness h = TestHarness.start(s -> s.backend(new InMemoryBackend()))) {
            var stub = ServerReflectionGrpc.newStub(h.rawChannel);
            ServerReflectionResponse list =
                    ask(stub, ServerReflectionRequest.newBuilder().setListServices("*").build());
            assertThat(list.getListServicesResponse().getServiceList())
                    .extracting(ServiceResponse::getName)
                    .contains("grpc.grpc_store", "grpc.health.v1.Health");

            ServerReflectionResponse file =
                    ask(
                            stub,
                            ServerReflectionRequest.newBuilder()
                                    .setFileContainingSymbol("grpc.grpc_store")
                                    .build());
            var proto =
                    com.google.protobuf.DescriptorProtos.FileDescriptorProto.parseFrom(
                            file.getFileDescriptorResponse().getFileDescriptorProto(0));
            assertThat(proto.getPackage()).isEqualTo("grpc");
            assertThat(proto.getService(0).getMethodList()).hasSize(11);
        }
    }

    private static ServerReflectionResponse ask(
            ServerReflectionGrpc.ServerReflectionStub stub, ServerReflectionRequest request)
            throws Exception {
        CompletableFuture<ServerReflectionResponse> out = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests =
                stub.serverReflectionInfo(
                        new StreamObserver<>() {
                            @Override
                            public void onNext(ServerReflectionResponse value) {
                                out.complete(value);
                            }

                            @Override
                            public void onError(Throwable t) {
                                out.completeExceptionally(t);
                            }

                            @Override
                            public void onCompleted() {
                                out.completeExceptionally(new IllegalStateException("no response"));
                            }
                        });
        requests.onNext(request);
        requests.onCompleted();
        return out.get(10, TimeUnit.SECONDS);
    }

    /**
     * What the registry holds; serve's HTTP port scrapes it at /metrics (the server module's
     * HttpEndpointsTest).
     */
    @Test
    void requestMetricsPerRpcAndStatusInPrometheusFormat() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        InMemoryBackend backend = new InMemoryBackend();
        backend.createTable(TableDesc.named("index"));
        try (TestHarness h =
                TestHarness.start(
                        s ->
                                s.backend(backend)
                                        .meterRegistry(registry)
                                        .metricsNamespace("cortex"))) {
            h.client
                    .indexClient()
                    .batchWrite(new WriteBatch().add("index", "h", new byte[] {1}, null));
            h.client
                    .indexClient()
                    .queryPages(List.of(IndexQuery.row("index", "h")), (q, p) -> true);
            h.client
                    .indexClient()
                    .queryPages(List.of(IndexQuery.row("index", "h")), (q, p) -> true);
            assertThatThrownBy(() -> h.client.tableClient().describeTable("missing"))
                    .isInstanceOf(TableNotFoundException.class);

            String body = registry.scrape();
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
            // Cortex's buckets: 1 ms × 4^n, nine of them.
            assertThat(body).contains("le=\"0.001\"", "le=\"0.004\"", "le=\"65.536\"");
            assertThat(body)
                    .containsPattern(
                            "cortex_grpc_store_stream_message_size_bytes_count\\{method=\"QueryIndex\"} 2");
        }
    }

    @Test
    void aMessageOverTheClientsSizeLimitIsNotMistakenForThrottling() throws Exception {
        InMemoryBackend backend = new InMemoryBackend();
        backend.createTable(TableDesc.named("index"));
        backend.batchWrite(new WriteBatch().add("index", "h", new byte[] {1}, new byte[10_000]));
        try (TestHarness h =
                TestHarness.start(s -> s.backend(backend), c -> c.maxInboundMessageBytes(1000))) {
            Throwable e =
                    catchThrowable(
                            () ->
                                    h.client
                                            .indexClient()
                                            .queryPages(
                                                    List.of(IndexQuery.row("index", "h")),
                                                    (q, p) -> true));
            assertThat(e)
                    .isInstanceOf(StorageException.class)
                    .isNotInstanceOf(ThrottledException.class)
                    .hasMessageContaining("size limit");
            assertThat(((StorageException) e).isRetryable()).isFalse();
        }
    }

    // ---- TLS

    private static Path tls(String name) throws URISyntaxException {
        return Path.of(OperationsTest.class.getResource("/tls/" + name).toURI());
    }

    private static GrpcStoreClient client(GrpcStoreServer server, ChannelCredentials credentials) {
        return GrpcStoreClient.builder("127.0.0.1:" + server.port())
                .credentials(credentials)
                .build();
    }

    @Test
    void tlsServesClientsThatTrustItsCaOnly() throws Exception {
        try (GrpcStoreServer server =
                GrpcStoreServer.builder()
                        .backend(new InMemoryBackend())
                        .chunkTableResolver(TestHarness.BY_USER)
                        .tls(tls("server.pem"), tls("server.key"))
                        .build()
                        .start()) {
            assertThat(server.tls()).isTrue();
            try (GrpcStoreClient ok =
                    client(
                            server,
                            TlsChannelCredentials.newBuilder()
                                    .trustManager(tls("ca.pem").toFile())
                                    .build())) {
                ok.tableClient().createTable(TableDesc.named("t"));
                assertThat(ok.tableClient().listTables()).containsExactly("t");
            }
            try (GrpcStoreClient plaintext =
                    GrpcStoreClient.builder("127.0.0.1:" + server.port()).build()) {
                assertThat(catchThrowable(() -> plaintext.tableClient().listTables()))
                        .isInstanceOf(UnavailableException.class);
            }
            try (GrpcStoreClient wrongCa =
                    client(
                            server,
                            TlsChannelCredentials.newBuilder()
                                    .trustManager(tls("other-ca.pem").toFile())
                                    .build())) {
                assertThat(catchThrowable(() -> wrongCa.tableClient().listTables()))
                        .isInstanceOf(UnavailableException.class);
            }
        }
    }

    @Test
    void mutualTlsRequiresAClientCertificateFromTheClientCa() throws Exception {
        try (GrpcStoreServer server =
                GrpcStoreServer.builder()
                        .backend(new InMemoryBackend())
                        .chunkTableResolver(TestHarness.BY_USER)
                        .tls(tls("server.pem"), tls("server.key"))
                        .clientCa(tls("ca.pem"))
                        .build()
                        .start()) {
            try (GrpcStoreClient withCert =
                    client(
                            server,
                            TlsChannelCredentials.newBuilder()
                                    .trustManager(tls("ca.pem").toFile())
                                    .keyManager(
                                            tls("client.pem").toFile(), tls("client.key").toFile())
                                    .build())) {
                assertThat(withCert.tableClient().listTables()).isEmpty();
            }
            try (GrpcStoreClient withoutCert =
                    client(
                            server,
                            TlsChannelCredentials.newBuilder()
                                    .trustManager(tls("ca.pem").toFile())
                                    .build())) {
                assertThat(catchThrowable(() -> withoutCert.tableClient().listTables()))
                        .isInstanceOf(UnavailableException.class);
            }
        }
    }

    @Test
    void tlsSettingsThatCannotWorkAreConfigErrors() throws Exception {
        InMemoryBackend backend = new InMemoryBackend();
        assertThatThrownBy(
                        () ->
                                GrpcStoreServer.builder()
                                        .backend(backend)
                                        .chunkTableResolver(TestHarness.BY_USER)
                                        .tls(tls("server.pem"), Path.of("/nonexistent/server.key"))
                                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/nonexistent/server.key");
        assertThatThrownBy(
                        () ->
                                GrpcStoreServer.builder()
                                        .backend(backend)
                                        .chunkTableResolver(TestHarness.BY_USER)
                                        .clientCa(tls("ca.pem"))
                                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mutual TLS");
        assertThatThrownBy(
                        () ->
                                GrpcStoreServer.builder()
                                        .backend(backend)
                                        .chunkTableResolver(TestHarness.BY_USER)
                                        .tls(tls("ca.pem"), tls("ca.pem"))
                                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TLS files");
    }
}
