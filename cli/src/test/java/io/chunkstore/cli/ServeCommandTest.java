package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.ConfigDialect;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.PeriodClientResolver;
import io.chunkstore.core.store.PeriodClients;
import io.chunkstore.grpc.GrpcStoreClient;
import io.chunkstore.server.EmbeddedStore;
import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code chunkstore serve} run in-process as a user runs it (the command line, on free ports), used
 * as Cortex and Loki use it: through the grpc_store protocol with the schema the server printed.
 */
class ServeCommandTest {
    static final String USER = "tenant-1";
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir Path tmp;

    /** A serve command running on its own thread. */
    static final class Running implements AutoCloseable {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final AtomicInteger exit = new AtomicInteger(-1);
        final Thread thread;

        Running(String... args) {
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            thread = new Thread(() -> exit.set(cl.execute(args)), "serve-under-test");
            thread.start();
        }

        /** Waits for the banner (or the end of the command). */
        String banner() throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                String o = out.toString();
                int storage = o.indexOf("storage_config:");
                if (storage >= 0 && o.indexOf("server_address", storage) > 0 && o.endsWith("\n")) {
                    return o;
                }
                if (!thread.isAlive()) {
                    throw new AssertionError("serve ended with " + exit.get() + ": " + err);
                }
                Thread.sleep(50);
            }
            throw new AssertionError("no banner: " + out + err);
        }

        int grpcPort() throws InterruptedException {
            return port("grpc_store on [0-9.]+:(\\d+)");
        }

        int httpPort() throws InterruptedException {
            return port("HTTP on [0-9.]+:(\\d+)");
        }

        private int port(String regex) throws InterruptedException {
            Matcher m = Pattern.compile(regex).matcher(banner());
            assertThat(m.find()).as(banner()).isTrue();
            return Integer.parseInt(m.group(1));
        }

        /** Stops it as an interrupt (Ctrl-C in a test) does, and returns the exit code. */
        int stop() throws InterruptedException {
            thread.interrupt();
            thread.join(30_000);
            assertThat(thread.isAlive()).as("serve still running").isFalse();
            return exit.get();
        }

        /**
         * Stops it if still running; an interrupt while waiting is kept for the test thread and
         * ends the wait.
         */
        @Override
        public void close() {
            if (thread.isAlive()) {
                try {
                    stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** The YAML block after a "# Cortex" or "# Loki" comment line, up to the next blank line. */
    static String section(String banner, String heading) {
        int at = banner.indexOf(heading);
        assertThat(at).as("no %s section in %s", heading, banner).isNotNegative();
        String rest = banner.substring(banner.indexOf('\n', at) + 1);
        int end = rest.indexOf("\n\n");
        return end < 0 ? rest : rest.substring(0, end + 1);
    }

    static HttpResponse<String> get(int port, String path)
            throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A Cortex / Loki querier over the server: the printed schema, every period on the gRPC client.
     */
    static CompositeStore querier(SchemaConfig printed, GrpcStoreClient client) {
        return CompositeStore.builder(printed)
                .clients(
                        PeriodClientResolver.of(
                                new PeriodClients(client.indexClient(), client.chunkClient())))
                .build();
    }

    static Chunk chunk(String metric, long from, int n) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            samples.add(new Sample(from + i * 15_000L, i * 1.5));
        }
        return Chunk.fromSamples(
                USER, Labels.of("__name__", metric, "job", "api", "instance", "i-1"), samples);
    }

    static void assertSameSchemaExceptStores(SchemaConfig printed, SchemaConfig served) {
        assertThat(printed.periods()).hasSameSizeAs(served.periods());
        for (int i = 0; i < printed.periods().size(); i++) {
            PeriodConfig p = printed.periods().get(i);
            PeriodConfig s = served.periods().get(i);
            assertThat(p.store()).isEqualTo("grpc-store");
            assertThat(p.objectStore()).isEqualTo("grpc-store");
            assertThat(p.from()).isEqualTo(s.from());
            assertThat(p.schema()).isEqualTo(s.schema());
            assertThat(p.index()).isEqualTo(s.index());
            assertThat(p.chunks()).isEqualTo(s.chunks());
            assertThat(p.rowShards()).isEqualTo(s.rowShards());
        }
    }

    static boolean listening(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return s.isConnected();
        } catch (ConnectException e) {
            return false;
        }
    }

    @Test
    void theEmbeddedDefaultServesCortexAndLokiAndStopsCleanly() throws Exception {
        Path data = tmp.resolve("data");
        int grpcPort;
        int httpPort;
        try (Running serve =
                new Running(
                        "serve",
                        "--data",
                        data.toString(),
                        "--listen",
                        "127.0.0.1:0",
                        "--http-listen",
                        "127.0.0.1:0",
                        "--shutdown-grace",
                        "5s")) {
            String banner = serve.banner();
            assertThat(banner).contains("grpc_store on 127.0.0.1:", "HTTP on 127.0.0.1:");
            grpcPort = serve.grpcPort();
            httpPort = serve.httpPort();
            assertThat(Files.readString(data.resolve("schema.yaml")))
                    .isEqualTo(EmbeddedStore.BUILT_IN_SCHEMA);
            SchemaConfig served = ChunkstoreConfig.load(data.resolve("schema.yaml")).schemaConfig();
            assertThat(served.periods())
                    .singleElement()
                    .satisfies(
                            p -> {
                                assertThat(p.schema().configName()).isEqualTo("v11");
                                assertThat(p.index().prefix()).isEqualTo("index_");
                                assertThat(p.chunks().prefix()).isEqualTo("chunks_");
                                assertThat(p.index().period()).isEqualTo(Duration.ofHours(168));
                            });

            // The printed YAML is a valid Cortex config and a valid Loki config, with the server's
            // schema.
            ChunkstoreConfig cortex =
                    ChunkstoreConfig.parse(section(banner, "# Cortex"), "cortex.yaml");
            ChunkstoreConfig loki = ChunkstoreConfig.parse(section(banner, "# Loki"), "loki.yaml");
            assertThat(cortex.dialect()).isEqualTo(ConfigDialect.CORTEX);
            assertThat(loki.dialect()).isEqualTo(ConfigDialect.LOKI);
            for (ChunkstoreConfig c : List.of(cortex, loki)) {
                assertSameSchemaExceptStores(c.schemaConfig(), served);
                assertThat(c.storage())
                        .containsEntry(
                                "grpc_store", Map.of("server_address", "127.0.0.1:" + grpcPort));
            }
            assertThat(cortex.storage()).containsEntry("engine", "chunks");
            // Loki 2.6+ cannot read chunks through grpc-store: the banner says so where the Loki
            // YAML is.
            assertThat(section(banner, "# Loki"))
                    .contains("invalid chunk checksum", "/loki/api/v1");

            // Loki's API over the fresh store answers (no table exists yet: empty, not an error)
            // and wants a tenant.
            HttpResponse<String> noTenant = get(httpPort, "/loki/api/v1/labels");
            assertThat(noTenant.statusCode()).isEqualTo(401);
            HttpResponse<String> empty =
                    HTTP.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://127.0.0.1:"
                                                            + httpPort
                                                            + "/loki/api/v1/labels"))
                                    .header("X-Scope-OrgID", USER)
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(empty.statusCode()).as(empty.body()).isEqualTo(200);
            assertThat(empty.body()).contains("\"status\":\"success\"");

            // A querier configured with it writes and reads through the plugin: chunk, index, label
            // APIs.
            long now = Instant.now().toEpochMilli();
            Chunk c1 = chunk("requests_total", now - 3_600_000, 20);
            Chunk c2 = chunk("errors_total", now - 7_200_000, 10);
            try (GrpcStoreClient client = GrpcStoreClient.builder("127.0.0.1:" + grpcPort).build();
                    CompositeStore store = querier(loki.schemaConfig(), client)) {
                store.put(c1);
                store.put(c2);
                List<Chunk> got =
                        store.get(
                                USER,
                                now - 86_400_000,
                                now,
                                Selectors.parseMatchers(
                                        "{__name__=\"requests_total\",job=~\"a.*\"}"));
                assertThat(got)
                        .singleElement()
                        .satisfies(
                                c -> {
                                    assertThat(c.labels()).isEqualTo(c1.labels());
                                    assertThat(c.samples()).isEqualTo(c1.samples());
                                });
                assertThat(
                                store.labelValuesForMetricName(
                                        USER, now - 86_400_000, now, "errors_total", "job"))
                        .containsExactly("api");
                assertThat(
                                store.labelNamesForMetricName(
                                        USER, now - 86_400_000, now, "errors_total"))
                        .containsExactly("__name__", "instance", "job");
                // A week the schema covers but nobody wrote: empty, not an error.
                assertThat(
                                store.get(
                                        USER,
                                        1_600_000_000_000L,
                                        1_600_000_100_000L,
                                        Selectors.parseMatchers("{__name__=\"requests_total\"}")))
                        .isEmpty();
            }

            HttpResponse<String> metrics = get(httpPort, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type").orElse(""))
                    .startsWith("text/plain");
            assertThat(metrics.body())
                    .contains(
                            "chunkstore_grpc_store_request_duration_seconds_count{method=\"WriteIndex\","
                                    + "status_code=\"OK\"}")
                    .contains("method=\"QueryIndex\"")
                    .contains("method=\"GetChunks\"")
                    .contains("chunkstore_local_") // the backend's metrics, same registry
                    .contains("jvm_memory_used_bytes");
            HttpResponse<String> ready = get(httpPort, "/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("ready\n");
            assertThat(get(httpPort, "/nope").statusCode()).isEqualTo(404);

            assertThat(serve.stop()).isEqualTo(ExitCodes.INTERRUPTED);
        }
        assertThat(listening(grpcPort)).isFalse();
        assertThat(listening(httpPort)).isFalse();
        // The data directory was released (RocksDB's lock) and holds what was written.
        try (StorageBackend local =
                StorageProviders.open(
                        new BackendContext(
                                "local",
                                Map.of("local", Map.of("directory", data.toString())),
                                null,
                                null))) {
            long week = Instant.now().getEpochSecond() / (168 * 3600);
            assertThat(local.tableClient().listTables()).contains("index_" + week);
        }

        // A second start reads the (edited) schema file back instead of writing it again.
        String edited =
                EmbeddedStore.BUILT_IN_SCHEMA
                        + """
                  - from: 2030-01-03
                    store: local
                    object_store: local
                    schema: v12
                    index:
                      prefix: index_
                      period: 168h
                    chunks:
                      prefix: chunks_
                      period: 168h
                """;
        Files.writeString(data.resolve("schema.yaml"), edited);
        try (Running again =
                new Running(
                        "serve",
                        "--data",
                        data.toString(),
                        "--listen",
                        "127.0.0.1:0",
                        "--http-listen",
                        "127.0.0.1:0")) {
            String banner = again.banner();
            assertThat(banner).contains("# Cortex: not shown, the schema has v12 periods");
            ChunkstoreConfig loki = ChunkstoreConfig.parse(section(banner, "# Loki"), "loki.yaml");
            assertThat(loki.schemaConfig().periods())
                    .extracting(p -> p.schema().configName())
                    .containsExactly("v11", "v12");
            assertThat(Files.readString(data.resolve("schema.yaml"))).isEqualTo(edited);
        }
    }

    @Test
    void itListensOnLoopbackUnlessToldOtherwise() {
        CommandLine.Model.CommandSpec serve =
                Main.commandLine().getSubcommands().get("serve").getCommandSpec();
        assertThat(serve.findOption("--listen").defaultValue()).isEqualTo("127.0.0.1:9966");
        assertThat(serve.findOption("--http-listen").defaultValue()).isEqualTo("127.0.0.1:9095");
    }

    @Test
    void theEmbeddedStoreRefusesOtherStoresAndPortsInUse() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(
                data.resolve("schema.yaml"),
                EmbeddedStore.BUILT_IN_SCHEMA.replace("store: local", "store: cassandra"));
        CliRun r =
                CliRun.run(
                        "serve",
                        "--data",
                        data.toString(),
                        "--listen",
                        "127.0.0.1:0",
                        "--http-listen",
                        "127.0.0.1:0");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("schema.yaml").contains("cassandra").contains("--config");

        try (java.net.ServerSocket taken =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CliRun busy =
                    CliRun.run(
                            "serve",
                            "--data",
                            tmp.resolve("busy").toString(),
                            "--listen",
                            "127.0.0.1:" + taken.getLocalPort(),
                            "--http-listen",
                            "127.0.0.1:0");
            assertThat(busy.exit()).as(busy.toString()).isEqualTo(ExitCodes.STORAGE);
            assertThat(busy.err())
                    .contains("cannot listen")
                    .contains(Integer.toString(taken.getLocalPort()));
        }
        CliRun badTls = CliRun.run("serve", "--tls-cert", "x.pem");
        assertThat(badTls.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badTls.err()).contains("--tls-cert and --tls-key go together");
    }

    @Test
    void lokiLogsWrittenThroughThePluginAreReadThroughTheLokiApi() throws Exception {
        try (Running serve =
                new Running(
                        "serve",
                        "--data",
                        tmp.resolve("logs").toString(),
                        "--listen",
                        "127.0.0.1:0",
                        "--http-listen",
                        "127.0.0.1:0",
                        "--loki-tenant",
                        "fake")) {
            ChunkstoreConfig loki =
                    ChunkstoreConfig.parse(section(serve.banner(), "# Loki"), "loki.yaml");
            long t0 = (Instant.now().getEpochSecond() - 600) * 1_000_000_000L;
            List<io.chunkstore.loki.LogEntry> entries = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                entries.add(
                        io.chunkstore.loki.LogEntry.of(
                                t0 + i * 1_000_000_000L, "GET /api/" + i + " 200"));
            }
            // A Loki ingester's flush, as the grpc-store client sends it.
            try (GrpcStoreClient client =
                            GrpcStoreClient.builder("127.0.0.1:" + serve.grpcPort()).build();
                    CompositeStore store = querier(loki.schemaConfig(), client)) {
                store.put(
                        List.of(
                                io.chunkstore.loki.LokiChunk.encode(
                                        "fake",
                                        Labels.of("job", "api"),
                                        io.chunkstore.loki.chunkenc.ChunkFormat.V4,
                                        io.chunkstore.loki.chunkenc.Codec.GZIP,
                                        1000,
                                        entries)));
            }
            String query =
                    "/loki/api/v1/query_range?query="
                            + java.net.URLEncoder.encode(
                                    "{job=\"api\"} |= \"/api/1\"",
                                    java.nio.charset.StandardCharsets.UTF_8)
                            + "&start="
                            + (t0 - 1)
                            + "&end="
                            + (t0 + 10_000_000_000L);
            HttpResponse<String> r = get(serve.httpPort(), query);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            com.fasterxml.jackson.databind.JsonNode j =
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
            assertThat(j.get("status").asText()).isEqualTo("success");
            assertThat(j.get("data").get("result"))
                    .singleElement()
                    .satisfies(
                            stream -> {
                                assertThat(stream.get("stream").toString())
                                        .isEqualTo("{\"job\":\"api\"}");
                                assertThat(stream.get("values"))
                                        .singleElement()
                                        .satisfies(
                                                v ->
                                                        assertThat(v.get(1).asText())
                                                                .isEqualTo("GET /api/1 200"));
                            });
            HttpResponse<String> labels =
                    get(
                            serve.httpPort(),
                            "/loki/api/v1/labels?start="
                                    + (t0 - 1)
                                    + "&end="
                                    + (t0 + 10_000_000_000L));
            assertThat(labels.body()).contains("\"job\"");
            // The built-in endpoints are not shadowed by the mounted API.
            assertThat(get(serve.httpPort(), "/ready").body()).isEqualTo("ready\n");
            assertThat(get(serve.httpPort(), "/metrics").body()).contains("method=\"PutChunks\"");
            assertThat(get(serve.httpPort(), "/nope").statusCode()).isEqualTo(404);
        }
    }

    /**
     * The grpc module's test-only TLS files (a CA, a server certificate for 127.0.0.1, a client
     * certificate).
     */
    static Path tlsFile(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("grpc/src/test/resources/tls").resolve(name);
            if (Files.exists(f)) {
                return f;
            }
        }
        throw new AssertionError(
                "no grpc/src/test/resources/tls/"
                        + name
                        + " above "
                        + Path.of("").toAbsolutePath());
    }

    @Test
    void mutualTlsIsServedWithTheGivenFiles() throws Exception {
        try (Running serve =
                new Running(
                        "serve",
                        "--data",
                        tmp.resolve("tls").toString(),
                        "--listen",
                        "127.0.0.1:0",
                        "--http-listen",
                        "127.0.0.1:0",
                        "--tls-cert",
                        tlsFile("server.pem").toString(),
                        "--tls-key",
                        tlsFile("server.key").toString(),
                        "--client-ca",
                        tlsFile("ca.pem").toString())) {
            assertThat(serve.banner())
                    .contains("(TLS)")
                    .contains("the Cortex and Loki clients dial plaintext");
            io.grpc.ChannelCredentials withCert =
                    io.grpc.TlsChannelCredentials.newBuilder()
                            .trustManager(tlsFile("ca.pem").toFile())
                            .keyManager(
                                    tlsFile("client.pem").toFile(), tlsFile("client.key").toFile())
                            .build();
            try (GrpcStoreClient client =
                    GrpcStoreClient.builder("127.0.0.1:" + serve.grpcPort())
                            .credentials(withCert)
                            .build()) {
                assertThat(client.tableClient().listTables()).isEmpty();
            }
            io.grpc.ChannelCredentials noCert =
                    io.grpc.TlsChannelCredentials.newBuilder()
                            .trustManager(tlsFile("ca.pem").toFile())
                            .build();
            try (GrpcStoreClient client =
                    GrpcStoreClient.builder("127.0.0.1:" + serve.grpcPort())
                            .credentials(noCert)
                            .build()) {
                org.assertj.core.api.Assertions.assertThatThrownBy(
                                () -> client.tableClient().listTables())
                        .isInstanceOf(io.chunkstore.spi.StorageException.class);
            }
        }
    }

    @Test
    void aLokiConfigIsServedWithItsTablesManaged() throws Exception {
        Path dir = tmp.resolve("store");
        // Recent periods: the table manager creates every table from the first period on.
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        Path config =
                CliRun.write(
                        tmp,
                        "loki.yaml",
                        """
                auth_enabled: false
                schema_config:
                  configs:
                    - from: %s
                      store: local
                      object_store: local
                      schema: v11
                      index: {prefix: loki_index_, period: 168h}
                      chunks: {prefix: loki_chunks_, period: 168h}
                    - from: %s
                      store: local
                      object_store: local
                      schema: v12
                      index: {prefix: loki_index_, period: 168h, tags: {team: "obs", "cost center": "a:1"}}
                      chunks: {prefix: loki_chunks_, period: 168h}
                storage_config:
                  local:
                    directory: %s
                table_manager:
                  creation_grace_period: 10m
                """
                                .formatted(today.minusDays(21), today.minusDays(6), dir));
        try (Running serve =
                new Running(
                        "serve",
                        "--config",
                        config.toString(),
                        "--listen",
                        "127.0.0.1:0",
                        "--http-listen",
                        "127.0.0.1:0",
                        "--table-manager")) {
            String banner = serve.banner();
            assertThat(banner)
                    .contains("serving store 'local' (index + chunks + tables)")
                    .contains(config.toString());
            ChunkstoreConfig loki = ChunkstoreConfig.parse(section(banner, "# Loki"), "loki.yaml");
            assertSameSchemaExceptStores(
                    loki.schemaConfig(), ChunkstoreConfig.load(config).schemaConfig());
            assertThat(loki.schemaConfig().periods().get(1).index().tags())
                    .isEqualTo(Map.of("team", "obs", "cost center", "a:1"));
            long week = Instant.now().getEpochSecond() / (168 * 3600);
            try (GrpcStoreClient client =
                            GrpcStoreClient.builder("127.0.0.1:" + serve.grpcPort()).build();
                    CompositeStore store = querier(loki.schemaConfig(), client)) {
                // The table manager made the tables before any write (Go clients need them there).
                long first = today.minusDays(21).toEpochDay() / 7;
                assertThat(client.tableClient().listTables())
                        .contains(
                                "loki_index_" + week,
                                "loki_chunks_" + week,
                                "loki_index_" + first,
                                "loki_chunks_" + first);
                long now = Instant.now().toEpochMilli();
                Chunk c = chunk("logs_bytes", now - 600_000, 5);
                store.put(c);
                assertThat(
                                store.get(
                                        USER,
                                        now - 3_600_000,
                                        now,
                                        Selectors.parseMatchers("logs_bytes{job=\"api\"}")))
                        .singleElement()
                        .extracting(Chunk::samples)
                        .isEqualTo(c.samples());
            }
            HttpResponse<String> metrics = get(serve.httpPort(), "/metrics");
            assertThat(metrics.body())
                    .contains("loki_grpc_store_request_duration_seconds_count{method=\"PutChunks\"")
                    .contains("loki_table_manager_sync_success_timestamp_seconds");
            assertThat(serve.stop()).isEqualTo(ExitCodes.INTERRUPTED);
        }
    }
}
