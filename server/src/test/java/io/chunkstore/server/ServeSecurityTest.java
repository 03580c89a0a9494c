package io.chunkstore.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.chunkstore.grpc.proto.DeleteTableRequest;
import io.chunkstore.grpc.proto.grpc_storeGrpc;
import io.chunkstore.loki.http.LokiApiConfig;
import io.chunkstore.spi.ConfigException;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20's attacks on a running server, with real clients (the JDK's HTTP and websocket client,
 * grpc-java): no or wrong credentials, a tenant the credential may not read, a table deletion
 * nobody allowed, slow queries holding every thread while a probe asks /ready, more queries and
 * tails than the limits, a query past its time-out.
 */
class ServeSecurityTest {
    private static final String TOKEN = "querier-token-0123456789abcdef";
    private static final String LIMITED_TOKEN = "limited-token-0123456789abcdef";
    private static final String PASSWORD = "grafana-password-0123456789";

    @TempDir Path dir;

    private final HttpClient http =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();

    /** Answers {@code /slow} once released, counting who is inside. */
    private static final class Slow implements HttpMount {
        final Semaphore inside = new Semaphore(0);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Handler handler(org.eclipse.jetty.server.Server server, ServeContext context) {
            return new Handler.Abstract() {
                @Override
                public boolean handle(Request rq, Response rs, Callback cb) throws Exception {
                    if (!Request.getPathInContext(rq).equals("/slow")) {
                        return false;
                    }
                    inside.release();
                    release.await(60, TimeUnit.SECONDS);
                    rs.setStatus(200);
                    rs.write(true, ByteBuffer.wrap("done\n".getBytes(StandardCharsets.UTF_8)), cb);
                    return true;
                }
            };
        }
    }

    private ChunkstoreServer start(ServeSecurity security, HttpMount... extra) {
        List<HttpMount> mounts = new ArrayList<>(List.of(extra));
        mounts.add(new LokiApiMount(LokiApiConfig.DEFAULT));
        return ChunkstoreServer.start(
                ServeSettings.of(
                                EmbeddedStore.prepare(dir.resolve("data")),
                                new InetSocketAddress("127.0.0.1", 0),
                                new InetSocketAddress("127.0.0.1", 0))
                        .withLazyTables(true)
                        .withMounts(mounts)
                        .withGrace(Duration.ofSeconds(1))
                        .withSecurity(security));
    }

    private Credentials credentials() throws Exception {
        Path f = dir.resolve("auth.yaml");
        Files.writeString(
                f,
                "credentials:\n"
                        + "  - name: querier\n"
                        + "    token: "
                        + TOKEN
                        + "\n"
                        + "  - name: team-a-reader\n"
                        + "    token: "
                        + LIMITED_TOKEN
                        + "\n"
                        + "    tenants: [team-a]\n"
                        + "  - name: grafana\n"
                        + "    username: grafana\n"
                        + "    password: \""
                        + PASSWORD
                        + "\"\n"
                        + "    tenants: [team-a, team-b]\n");
        return Credentials.load(f);
    }

    private HttpResponse<String> get(
            ChunkstoreServer s, String path, UnaryOperator<HttpRequest.Builder> headers)
            throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort() + path))
                        .timeout(Duration.ofSeconds(30));
        return http.send(headers.apply(b).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static UnaryOperator<HttpRequest.Builder> auth(String value, String tenant) {
        return b -> {
            if (value != null) {
                b.header("Authorization", value);
            }
            if (tenant != null) {
                b.header("X-Scope-OrgID", tenant);
            }
            return b;
        };
    }

    private static String basic(String user, String password) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void httpRequiresAValidCredentialAndKeepsItToItsTenants() throws Exception {
        try (ChunkstoreServer s = start(ServeSecurity.DEFAULT.withCredentials(credentials()))) {
            String labels = "/loki/api/v1/labels";
            HttpResponse<String> none = get(s, labels, auth(null, "team-a"));
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).contains("Basic"));
            assertThat(none.body()).contains("requires credentials");
            for (String wrong :
                    List.of(
                            "Bearer " + TOKEN + "0",
                            "Bearer " + PASSWORD,
                            basic("grafana", PASSWORD + "x"),
                            basic("querier", TOKEN),
                            "Basic !!!",
                            TOKEN)) {
                assertThat(get(s, labels, auth(wrong, "team-a")).statusCode())
                        .as(wrong)
                        .isEqualTo(401);
            }
            assertThat(get(s, labels, auth("Bearer " + TOKEN, "team-z")).statusCode())
                    .isEqualTo(200);
            assertThat(get(s, labels, auth(basic("grafana", PASSWORD), "team-b")).statusCode())
                    .isEqualTo(200);

            HttpResponse<String> other = get(s, labels, auth(basic("grafana", PASSWORD), "team-c"));
            assertThat(other.statusCode()).isEqualTo(403);
            assertThat(other.body()).contains("credential 'grafana' may not read tenant 'team-c'");
            assertThat(
                            get(s, labels, auth(basic("grafana", PASSWORD), "team-a|team-c"))
                                    .statusCode())
                    .isEqualTo(403);
            assertThat(get(s, labels, auth(basic("grafana", PASSWORD), null)).statusCode())
                    .isEqualTo(403);
            assertThat(get(s, labels, auth("Bearer " + LIMITED_TOKEN, "team-b")).statusCode())
                    .isEqualTo(403);

            // Probes need no credential; metrics need one.
            assertThat(get(s, "/ready", auth(null, null)).statusCode()).isEqualTo(200);
            assertThat(get(s, "/metrics", auth(null, null)).statusCode()).isEqualTo(401);
            assertThat(get(s, "/metrics", auth("Bearer " + TOKEN, null)).statusCode())
                    .isEqualTo(200);
            // The one thing a 404 would tell: also behind the credential.
            assertThat(get(s, "/nothing", auth(null, null)).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void grpcRequiresAnUnrestrictedTokenAndRefusesTableDeletionByDefault() throws Exception {
        try (ChunkstoreServer s = start(ServeSecurity.DEFAULT.withCredentials(credentials()))) {
            ManagedChannel ch =
                    NettyChannelBuilder.forAddress("127.0.0.1", s.grpcPort())
                            .usePlaintext()
                            .build();
            try {
                var stub = grpc_storeGrpc.newBlockingStub(ch);
                assertThat(
                                code(
                                        () ->
                                                stub.listTables(
                                                        com.google.protobuf.Empty
                                                                .getDefaultInstance())))
                        .isEqualTo(Status.Code.UNAUTHENTICATED);
                // A token limited to some tenants cannot be kept to them over gRPC: refused.
                assertThat(
                                code(
                                        () ->
                                                bearer(stub, LIMITED_TOKEN)
                                                        .listTables(
                                                                com.google.protobuf.Empty
                                                                        .getDefaultInstance())))
                        .isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(
                                bearer(stub, TOKEN)
                                        .listTables(com.google.protobuf.Empty.getDefaultInstance())
                                        .getTableNamesList())
                        .isNotNull();
                StatusRuntimeException del =
                        (StatusRuntimeException)
                                catchThrowable(
                                        () ->
                                                bearer(stub, TOKEN)
                                                        .deleteTable(
                                                                DeleteTableRequest.newBuilder()
                                                                        .setTableName("index_2970")
                                                                        .build()));
                assertThat(del.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                assertThat(del.getStatus().getDescription()).contains("--allow-table-deletion");
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void readOnlyServeRefusesWritesOverGrpc() throws Exception {
        try (ChunkstoreServer s = start(ServeSecurity.DEFAULT.withReadOnly(true))) {
            ManagedChannel ch =
                    NettyChannelBuilder.forAddress("127.0.0.1", s.grpcPort())
                            .usePlaintext()
                            .build();
            try {
                var stub = grpc_storeGrpc.newBlockingStub(ch);
                StatusRuntimeException e =
                        (StatusRuntimeException)
                                catchThrowable(
                                        () ->
                                                stub.putChunks(
                                                        io.chunkstore.grpc.proto.PutChunksRequest
                                                                .newBuilder()
                                                                .addChunks(
                                                                        io.chunkstore.grpc.proto
                                                                                .Chunk.newBuilder()
                                                                                .setKey(
                                                                                        "fake/1:2:3:4")
                                                                                .setTableName(
                                                                                        "chunks")
                                                                                .setEncoded(
                                                                                        com.google
                                                                                                .protobuf
                                                                                                .ByteString
                                                                                                .copyFromUtf8(
                                                                                                        "x")))
                                                                .build()));
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                assertThat(e.getStatus().getDescription()).contains("--read-only");
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            // The store, read directly: the chunk is not there.
            List<io.chunkstore.spi.ChunkLocation> key =
                    List.of(new io.chunkstore.spi.ChunkLocation("fake/1:2:3:4", "chunks"));
            Throwable read =
                    catchThrowable(
                            () ->
                                    assertThat(
                                                    s.backends()
                                                            .backend("local")
                                                            .chunkClient()
                                                            .getChunks(key))
                                            .isEmpty());
            assertThat(read)
                    .satisfiesAnyOf(
                            t -> assertThat(t).isNull(),
                            t ->
                                    assertThat(t)
                                            .isInstanceOf(
                                                    io.chunkstore.spi.StorageException.class));
        }
    }

    @Test
    void readyAndMetricsAnswerWhileMoreSlowQueriesRunThanJettyHasThreads() throws Exception {
        Slow slow = new Slow();
        int held = 40; // Jetty's pool has 32 threads
        try (ChunkstoreServer s =
                start(ServeSecurity.DEFAULT.withMaxConcurrentQueries(held), slow)) {
            List<CompletableFuture<HttpResponse<String>>> running = new ArrayList<>();
            for (int i = 0; i < held; i++) {
                running.add(
                        http.sendAsync(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + s.httpPort()
                                                                + "/slow"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()));
            }
            assertThat(slow.inside.tryAcquire(held, 30, TimeUnit.SECONDS))
                    .as("all slow queries running")
                    .isTrue();

            long t0 = System.nanoTime();
            HttpResponse<String> ready = get(s, "/ready", auth(null, null));
            long readyMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(get(s, "/metrics", auth(null, null)).statusCode()).isEqualTo(200);
            System.out.printf("/ready with %d slow queries running: %d ms%n", held, readyMs);
            assertThat(readyMs).isLessThan(1000);

            HttpResponse<String> over = get(s, "/slow", auth(null, null));
            assertThat(over.statusCode()).isEqualTo(429);
            assertThat(over.body())
                    .contains("too many concurrent queries")
                    .contains("--max-concurrent-queries 40");
            assertThat(over.headers().firstValue("Retry-After")).hasValue("1");

            slow.release.countDown();
            for (var r : running) {
                assertThat(r.get(30, TimeUnit.SECONDS).body()).isEqualTo("done\n");
            }
        }
    }

    @Test
    void aQueryPastItsTimeOutIsAnswered504AndKeepsItsSlotUntilItEnds() throws Exception {
        Slow slow = new Slow();
        try (ChunkstoreServer s =
                start(
                        ServeSecurity.DEFAULT
                                .withQueryTimeout(Duration.ofMillis(300))
                                .withMaxConcurrentQueries(1),
                        slow)) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = get(s, "/slow", auth(null, null));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.body()).contains("timed out after").contains("--query-timeout");
            assertThat(ms).isBetween(250L, 5000L);
            // The query still runs: its slot is taken.
            assertThat(get(s, "/loki/api/v1/labels", auth(null, "fake")).statusCode())
                    .isEqualTo(429);
            slow.release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int status;
            do {
                status = get(s, "/loki/api/v1/labels", auth(null, "fake")).statusCode();
            } while (status == 429 && System.nanoTime() < deadline);
            assertThat(status).isEqualTo(200);
        }
    }

    @Test
    void tailsBeyondTheLimitAreRefused() throws Exception {
        try (ChunkstoreServer s = start(ServeSecurity.DEFAULT.withMaxConcurrentTails(1))) {
            URI tail =
                    URI.create(
                            "ws://127.0.0.1:"
                                    + s.httpPort()
                                    + "/loki/api/v1/tail?query="
                                    + java.net.URLEncoder.encode(
                                            "{job=\"x\"}", StandardCharsets.UTF_8));
            WebSocket first = openTail(tail).join();
            Throwable second = catchThrowable(() -> openTail(tail).join());
            assertThat(second).isInstanceOf(CompletionException.class);
            assertThat(second.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            HttpResponse<?> refused =
                    ((WebSocketHandshakeException) second.getCause()).getResponse();
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(String.valueOf(refused.body())).contains("--max-concurrent-tails 1");

            first.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            WebSocket third = null;
            while (third == null && System.nanoTime() < deadline) {
                try {
                    third = openTail(tail).join();
                } catch (CompletionException e) {
                    Thread.sleep(100);
                }
            }
            assertThat(third).as("a tail opens once the first closed").isNotNull();
            third.abort();
        }
    }

    private CompletableFuture<WebSocket> openTail(URI uri) {
        return http.newWebSocketBuilder()
                .header("X-Scope-OrgID", "fake")
                .buildAsync(uri, new WebSocket.Listener() {});
    }

    @Test
    void aCredentialsFileIsCheckedAndNeverShowsASecret() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "credentials:\n  - name: q\n    token: short\n");
        assertThatThrownBy(() -> Credentials.load(f))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("credentials[0].token ('q') is shorter than 16")
                .hasMessageNotContaining("short\n");
        Files.writeString(f, "credentials:\n  - name: q\n    tokn: " + TOKEN + "\n");
        assertThatThrownBy(() -> Credentials.load(f))
                .hasMessageContaining("unknown key credentials[0].tokn");
        Files.writeString(
                f,
                "credentials:\n  - {name: q, token: "
                        + TOKEN
                        + "}\n  - {name: q, token: "
                        + LIMITED_TOKEN
                        + "}\n");
        assertThatThrownBy(() -> Credentials.load(f)).hasMessageContaining("'q' is used twice");
        Files.writeString(
                f, "credentials:\n  - {name: q, token: " + TOKEN + ", tenants: ['..']}\n");
        assertThatThrownBy(() -> Credentials.load(f))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tenants");
        Credentials ok = credentials();
        assertThat(ok.toString())
                .doesNotContain(TOKEN)
                .doesNotContain(PASSWORD)
                .contains("querier");
        assertThat(ok.bearer(TOKEN)).map(Credentials.Credential::name).hasValue("querier");
        assertThat(ok.bearer(TOKEN.substring(1))).isEmpty();
        assertThat(ok.basic("grafana", PASSWORD)).isPresent();
        assertThat(ok.bearer(PASSWORD)).as("a password is no token").isEmpty();
    }

    private static grpc_storeGrpc.grpc_storeBlockingStub bearer(
            grpc_storeGrpc.grpc_storeBlockingStub stub, String token) {
        Metadata m = new Metadata();
        m.put(
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + token);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
    }

    private static Status.Code code(Runnable call) {
        Throwable t = catchThrowable(call::run);
        return t instanceof StatusRuntimeException e ? e.getStatus().getCode() : Status.Code.OK;
    }
}
