package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.model.Labels;
import io.chunkstore.testservers.RealServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's 2.42, {@code apt-get install -y prometheus}) started on a folder of
 * converted blocks, answering PromQL as the generated samples say it must. Prometheus opens foreign
 * blocks found in its {@code --storage.tsdb.path} at start (an empty {@code wal/} beside them; the
 * tenant prefix flattened away); its retention is raised so that it keeps blocks of 2024.
 */
@RealServer
class ConvertPrometheusTest {
    @TempDir Path tmp;

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void prometheusAnswersPromqlOverConvertedBlocksAsTheOracle() throws Exception {
        ConvertFixture f = new ConvertFixture(tmp, 4);
        CliRun r = CliRun.run(f.args());
        assertThat(r.exit()).as(r.toString()).isZero();
        Path db = f.prometheusFolder("t1", tmp.resolve("prom-db"));
        Path cfg = tmp.resolve("prometheus.yml");
        Files.writeString(cfg, "global: {}\nscrape_configs: []\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = tmp.resolve("prometheus.log");
        Process p =
                new ProcessBuilder(
                                "prometheus",
                                "--config.file=" + cfg,
                                "--storage.tsdb.path=" + db,
                                "--storage.tsdb.retention.time=100y",
                                "--web.listen-address=127.0.0.1:" + port)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        try {
            String base = "http://127.0.0.1:" + port;
            awaitReady(base, p, log);
            long toSec = ConvertFixture.TO_MS / 1000;
            Map<Labels, List<Sample>> oracle =
                    f.oracle("t1", ConvertFixture.FROM_MS, ConvertFixture.TO_MS);

            // Raw samples: a 4d range selector at the end holds every sample but the stale markers,
            // which PromQL drops from range vectors.
            JsonNode raw = query(base, "{__name__=~\"up|requests_total\"}[4d]", toSec);
            Map<Labels, List<Sample>> got = new TreeMap<>(Labels.ORDER);
            for (JsonNode series : raw) {
                Map<String, String> labels = new TreeMap<>();
                JsonNode metric = series.get("metric");
                metric.fieldNames().forEachRemaining(k -> labels.put(k, metric.get(k).asText()));
                List<Sample> samples = new ArrayList<>();
                for (JsonNode v : series.get("values")) {
                    samples.add(
                            new Sample(
                                    Math.round(v.get(0).asDouble() * 1000),
                                    Double.parseDouble(v.get(1).asText())));
                }
                got.put(Labels.of(labels), samples);
            }
            Map<Labels, List<Sample>> want = new TreeMap<>(Labels.ORDER);
            oracle.forEach(
                    (l, s) -> want.put(l, s.stream().filter(x -> !x.isStaleMarker()).toList()));
            assertThat(got.keySet()).containsExactlyElementsOf(want.keySet());
            for (Labels l : want.keySet()) {
                assertThat(got.get(l)).as(l.toString()).containsExactlyElementsOf(want.get(l));
            }

            // An aggregation across blocks: samples per zone in the day before 2024-03-05T12:00Z.
            long at = ConvertFixture.FROM_MS + ConvertFixture.DAY + ConvertFixture.DAY / 2;
            JsonNode counts = query(base, "sum by (zone) (count_over_time(up[1d]))", at / 1000);
            Map<String, Long> wantCounts = new TreeMap<>();
            oracle.forEach(
                    (l, s) -> {
                        if (l.metricName().equals("up")) {
                            long n =
                                    s.stream()
                                            .filter(
                                                    x ->
                                                            !x.isStaleMarker()
                                                                    && x.timestamp()
                                                                            >= at
                                                                                    - ConvertFixture
                                                                                            .DAY
                                                                    && x.timestamp() <= at)
                                            .count();
                            if (n > 0) {
                                wantCounts.merge(l.get("zone"), n, Long::sum);
                            }
                        }
                    });
            Map<String, Long> gotCounts = new TreeMap<>();
            for (JsonNode v : counts) {
                gotCounts.put(
                        v.get("metric").get("zone").asText(),
                        Long.parseLong(v.get("value").get(1).asText()));
            }
            assertThat(gotCounts).isEqualTo(wantCounts);
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static void awaitReady(String base, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(
                        "prometheus exited " + p.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> r =
                        HTTP.send(
                                HttpRequest.newBuilder(URI.create(base + "/-/ready")).build(),
                                HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("prometheus not ready in 60 s:\n" + Files.readString(log));
    }

    private static JsonNode query(String base, String promql, long timeSec) throws Exception {
        String url =
                base
                        + "/api/v1/query?query="
                        + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                        + "&time="
                        + timeSec;
        HttpResponse<String> r =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body()).get("data").get("result");
    }
}
