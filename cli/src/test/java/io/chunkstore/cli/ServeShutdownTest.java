package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.grpc.ChunkTableResolver;
import io.chunkstore.grpc.GrpcStoreServer;
import io.chunkstore.server.ConfigStores;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.PageConsumer;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.memory.InMemoryBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chunkstore serve} as a real process (the cli's main class on this test's class path) gets
 * SIGTERM while an HTTP query is still running: every shutdown step runs, "stopped" is logged, the
 * exit code is 143 (as docs/operations.md says), and the embedded store it wrote reopens with the
 * data in it.
 */
class ServeShutdownTest {
    static final String USER = "tenant-1";

    @TempDir Path tmp;

    /** The cli as a child JVM on this test's class path. */
    static Process startCli(Path out, Path err, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Xmx256m");
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
    }

    /** Waits for serve's banner in {@code out} and returns the port matched by {@code regex}. */
    static int port(Process p, Path out, Path err, String regex) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Pattern pattern = Pattern.compile(regex);
        while (System.nanoTime() < deadline) {
            String o = Files.readString(out);
            if (o.contains("server_address")) {
                Matcher m = pattern.matcher(o);
                assertThat(m.find()).as(o).isTrue();
                return Integer.parseInt(m.group(1));
            }
            assertThat(p.isAlive()).as("serve ended: %s", Files.readString(err)).isTrue();
            Thread.sleep(50);
        }
        throw new AssertionError("no banner: " + Files.readString(err));
    }

    static Chunk chunk(long from) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            samples.add(new Sample(from + i * 15_000L, i));
        }
        return Chunk.fromSamples(USER, Labels.of("__name__", "up", "job", "api"), samples);
    }

    /**
     * An index whose queries wait until released: the store behind a slow query. It counts the
     * queries that reached it.
     */
    static final class SlowIndex implements IndexClient {
        final IndexClient inner;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        SlowIndex(IndexClient inner) {
            this.inner = inner;
        }

        @Override
        public void batchWrite(WriteBatch batch) {
            inner.batchWrite(batch);
        }

        @Override
        public void queryPages(List<IndexQuery> queries, PageConsumer consumer) {
            entered.countDown();
            try {
                release.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inner.queryPages(queries, consumer);
        }

        @Override
        public void close() {}
    }

    @Test
    void sigtermDuringASlowHttpQueryClosesEveryPartAndTheStoreReopens() throws Exception {
        Path data = tmp.resolve("data");
        // Until 2024 the embedded store in DATA; from 2024 a grpc_store server in this test whose
        // index answers only when the test says so: a Loki API query of the last hours waits on
        // it, as a query over a slow store does.
        InMemoryBackend memory = new InMemoryBackend();
        SlowIndex slow = new SlowIndex(memory.indexClient());
        GrpcStoreServer slowServer =
                GrpcStoreServer.builder()
                        .listen("127.0.0.1", 0)
                        .backend(memory)
                        .indexClient(slow)
                        .chunkTableResolver(ChunkTableResolver.NO_TABLES)
                        .build();
        slowServer.start();
        Path config = tmp.resolve("cortex.yaml");
        Files.writeString(
                config,
                """
                schema:
                  configs:
                    - from: 2020-01-01
                      store: local
                      object_store: local
                      schema: v11
                      index: {prefix: index_, period: 168h}
                      chunks: {prefix: chunks_, period: 168h}
                    - from: 2024-01-04
                      store: grpc-store
                      object_store: grpc-store
                      schema: v11
                      index: {prefix: slow_index_, period: 168h}
                      chunks: {prefix: slow_chunks_, period: 168h}
                storage:
                  local: {directory: %s}
                  grpc_store: {server_address: "127.0.0.1:%d"}
                """
                        .formatted(data.toAbsolutePath(), slowServer.port()));
        ChunkstoreConfig cfg = ChunkstoreConfig.load(config);
        long from = Instant.parse("2021-06-01T10:00:00Z").toEpochMilli();
        Chunk written = chunk(from);
        try (ConfigStores stores = ConfigStores.open(cfg, new SimpleMeterRegistry())) {
            stores.backends()
                    .backend("local")
                    .tableClient()
                    .createTable(TableDesc.named("index_" + from / Duration.ofDays(7).toMillis()));
            stores.querier().put(written);
        }

        Path out = tmp.resolve("serve.out");
        Path err = tmp.resolve("serve.err");
        Process p =
                startCli(
                        out,
                        err,
                        "serve",
                        "--config",
                        config.toString(),
                        "--listen",
                        "127.0.0.1:0",
                        "--http-listen",
                        "127.0.0.1:0",
                        "--shutdown-grace",
                        "1s");
        HttpClient http = HttpClient.newHttpClient();
        try {
            int httpPort = port(p, out, err, "HTTP on [0-9.]+:(\\d+)");
            CompletableFuture<HttpResponse<String>> query =
                    http.sendAsync(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://127.0.0.1:"
                                                            + httpPort
                                                            + "/loki/api/v1/labels"))
                                    .header("X-Scope-OrgID", USER)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(slow.entered.await(30, TimeUnit.SECONDS))
                    .as("the query reached the slow store: %s", Files.readString(err))
                    .isTrue();
            p.destroy(); // SIGTERM while the query runs
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("serve did not stop").isTrue();
            query.cancel(true);
        } finally {
            slow.release.countDown();
            p.destroyForcibly();
            slowServer.shutdown(Duration.ZERO);
        }
        String log = Files.readString(err);
        assertThat(p.exitValue()).as(log).isEqualTo(143);
        assertThat(p.exitValue()).isEqualTo(ExitCodes.TERMINATED);
        assertThat(log).contains("shutting down").doesNotContain("Exception in thread");
        assertThat(log.lines().filter(l -> l.endsWith(" - stopped")).count()).as(log).isEqualTo(1);
        // What the docs say it exits with.
        for (String doc : List.of("operations.md", "migrate.md")) {
            assertThat(Files.readString(Path.of("..", "docs", doc)))
                    .as(doc)
                    .contains("| 143 | stopped by SIGTERM");
        }
        // The backends were closed: the embedded index synced its log and released its lock.
        assertThat(log).contains("closed the local index in " + data.resolve("index"));

        // The store reopens with the chunk in it.
        try (ConfigStores reopened = ConfigStores.open(cfg, new SimpleMeterRegistry())) {
            List<Chunk> got =
                    reopened.unlimited()
                            .get(
                                    USER,
                                    from - 3_600_000,
                                    from + 3_600_000,
                                    Selectors.parseMatchers("{__name__=\"up\"}"));
            assertThat(got)
                    .singleElement()
                    .satisfies(c -> assertThat(c.samples()).isEqualTo(written.samples()));
        }
    }
}
