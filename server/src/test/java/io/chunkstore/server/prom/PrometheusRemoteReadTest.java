package io.chunkstore.server.prom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.Labels;
import io.chunkstore.server.ChunkstoreServer;
import io.chunkstore.server.prompb.Sample;
import io.chunkstore.server.prompb.TimeSeries;
import io.chunkstore.server.prompb.WriteRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * PromQL through a real Prometheus (Debian's 2.42) that remote-reads serve, against an oracle: a
 * second Prometheus holding the same samples, fed through its remote-write receiver.
 *
 * <p>Why this oracle: the PromQL engine is not what is under test, the data path is. Both servers
 * evaluate every query with the same engine; the only difference is where the samples come from
 * (serve's chunks through remote read, or Prometheus' own TSDB written from the generator's sample
 * list, which never touches chunkstore's chunk codecs, merge or protocol code). Any sample lost,
 * added, moved or changed in a bit on the way through the store shows up as a different rate,
 * increase, quantile or max. Remote write carries every value's bits (the stale markers too, which
 * OpenMetrics text could not), and the data is recent (the last 26 h) so the oracle's TSDB takes it
 * in time order. The generator's samples are the store's content by construction: each chunk is
 * encoded from them, and each moved Cortex golden chunk is checked to decode to its sidecar's
 * samples.
 *
 * <p>Prometheus 2.42's remote-read client asks for SAMPLES only (it sends no accepted response
 * types), so this covers that response type; {@link RemoteReadTest} checks STREAMED_XOR_CHUNKS
 * sample by sample. A remote-read error in Prometheus is a query warning, not a failure, so every
 * answer is checked to carry none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusRemoteReadTest {
    @TempDir static Path dir;

    PromTestStore data;
    ChunkstoreServer serve;
    PrometheusProcess reader;
    PrometheusProcess oracle;
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    void start() throws Exception {
        Optional<Path> bin = PrometheusProcess.binary();
        if (bin.isEmpty()) {
            System.err.println(
                    "\n*** SKIPPING PrometheusRemoteReadTest: no prometheus executable on the PATH."
                            + " Install Debian's package: apt-get install -y prometheus (.ci/run does). ***\n");
        }
        Assumptions.assumeTrue(
                bin.isPresent(),
                "no prometheus executable on the PATH: apt-get install -y prometheus");
        data = new PromTestStore(System.currentTimeMillis());
        // Debian's Prometheus 2.42 does not send remote_read.headers (prometheus/prometheus issue
        // 13030), so serve also has the tenant as its default; the header path is covered by
        // RemoteReadTest's own client.
        serve =
                data.serve(
                        dir.resolve("store"),
                        PromTestStore.api().withDefaultTenant(PromTestStore.TENANT));
        oracle =
                PrometheusProcess.start(
                        bin.get(),
                        dir.resolve("oracle"),
                        "global: {scrape_interval: 1h}\n",
                        "--web.enable-remote-write-receiver",
                        "--storage.tsdb.retention.time=30d");
        remoteWrite(oracle, data.expected.get(PromTestStore.TENANT));
        reader =
                PrometheusProcess.start(
                        bin.get(),
                        dir.resolve("reader"),
                        """
                        global: {scrape_interval: 1h}
                        remote_read:
                          - url: http://127.0.0.1:%d/api/v1/read
                            read_recent: true
                            headers:
                              X-Scope-OrgID: %s
                        """
                                .formatted(serve.httpPort(), PromTestStore.TENANT));
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {reader, oracle, serve}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("closing: " + e);
                }
            }
        }
    }

    /** Every sample, in time order over all series, through the oracle's remote-write receiver. */
    void remoteWrite(PrometheusProcess p, Map<Labels, TreeMap<Long, Long>> series)
            throws Exception {
        record Point(Labels labels, long t, long bits) {}
        List<Point> all = new ArrayList<>();
        series.forEach((l, m) -> m.forEach((t, b) -> all.add(new Point(l, t, b))));
        all.sort(java.util.Comparator.comparingLong(Point::t));
        for (int i = 0; i < all.size(); i += 5000) {
            Map<Labels, TimeSeries.Builder> batch = new LinkedHashMap<>();
            for (Point pt : all.subList(i, Math.min(all.size(), i + 5000))) {
                batch.computeIfAbsent(
                                pt.labels,
                                l -> {
                                    TimeSeries.Builder b = TimeSeries.newBuilder();
                                    for (Label x : l) {
                                        b.addLabels(
                                                io.chunkstore.server.prompb.Label.newBuilder()
                                                        .setName(x.name())
                                                        .setValue(x.value()));
                                    }
                                    return b;
                                })
                        .addSamples(
                                Sample.newBuilder()
                                        .setTimestamp(pt.t)
                                        .setValue(Double.longBitsToDouble(pt.bits)));
            }
            WriteRequest.Builder w = WriteRequest.newBuilder();
            batch.values().forEach(w::addTimeseries);
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(URI.create(p.url("/api/v1/write")))
                                    .header("Content-Encoding", "snappy")
                                    .header("Content-Type", "application/x-protobuf")
                                    .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                                    .POST(
                                            HttpRequest.BodyPublishers.ofByteArray(
                                                    Snappy.compress(w.build().toByteArray())))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("remote write: %s", r.body()).isBetween(200, 299);
        }
    }

    JsonNode query(PrometheusProcess p, String path, Map<String, String> params) throws Exception {
        StringBuilder q = new StringBuilder();
        params.forEach(
                (k, v) ->
                        q.append(q.length() == 0 ? "" : "&")
                                .append(k)
                                .append('=')
                                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(URI.create(p.url(path)))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(q.toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonNode j = json.readTree(r.body());
        assertThat(j.get("status").asText())
                .as("%s %s: %s", path, params, r.body())
                .isEqualTo("success");
        return j;
    }

    /** A result as series labels (JSON text) to its values (time to value text). */
    static Map<String, Map<String, String>> result(JsonNode j) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        JsonNode data = j.get("data");
        for (JsonNode s : data.get("result")) {
            Map<String, String> vals = new TreeMap<>();
            if (s.has("value")) {
                vals.put(s.get("value").get(0).asText(), s.get("value").get(1).asText());
            } else {
                for (JsonNode v : s.get("values")) {
                    vals.put(v.get(0).asText(), v.get(1).asText());
                }
            }
            out.put(s.get("metric").toString(), vals);
        }
        return out;
    }

    static boolean same(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        double x = Double.parseDouble(a);
        double y = Double.parseDouble(b);
        return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.max(Math.abs(x), Math.abs(y)));
    }

    int compared;

    void compare(String path, Map<String, String> params, boolean mayBeEmpty) throws Exception {
        JsonNode got = query(reader, path, params);
        JsonNode want = query(oracle, path, params);
        assertThat(got.get("warnings")).as("warnings of %s (remote-read errors)", params).isNull();
        Map<String, Map<String, String>> g = result(got);
        Map<String, Map<String, String>> w = result(want);
        if (!mayBeEmpty) {
            assertThat(w).as("the oracle's answer to %s", params).isNotEmpty();
        }
        assertThat(g.keySet()).as("series of %s", params).isEqualTo(w.keySet());
        for (String series : w.keySet()) {
            Map<String, String> gv = g.get(series);
            Map<String, String> wv = w.get(series);
            assertThat(gv.keySet()).as("times of %s in %s", series, params).isEqualTo(wv.keySet());
            Iterator<String> it = wv.keySet().iterator();
            while (it.hasNext()) {
                String t = it.next();
                if (!same(gv.get(t), wv.get(t))) {
                    fail(
                            "%s at %s for %s: remote read %s, oracle %s",
                            params, t, series, gv.get(t), wv.get(t));
                }
                compared++;
            }
        }
    }

    static final String[] INSTANT = {
        "rate(http_requests_total[5m])",
        "increase(http_requests_total[1h])",
        "sum by (code) (rate(http_requests_total[10m]))",
        "histogram_quantile(0.9, sum by (le) (rate(request_duration_seconds_bucket[10m])))",
        "histogram_quantile(0.5, rate(request_duration_seconds_bucket[30m]))",
        "max_over_time(room_temperature[30m])",
        "room_temperature",
        "max_over_time(rate(http_requests_total[5m])[1h:5m])",
        "legacy_samples",
        "count_over_time(legacy_samples[3h])",
        "max_over_time(legacy_samples[3h])",
        "rate(legacy_samples[1h])",
    };

    static final String[] RANGE = {
        "rate(http_requests_total[5m])",
        "sum by (code) (increase(http_requests_total[1h]))",
        "histogram_quantile(0.9, sum by (le) (rate(request_duration_seconds_bucket[10m])))",
        "room_temperature",
        "count_over_time(legacy_samples[30m])",
        "max_over_time(rate(http_requests_total[5m])[30m:1m])",
    };

    @Test
    void instantQueriesEqualTheOracle() throws Exception {
        long gap = data.start + 13 * 3_600_000L;
        long[] times = {
            data.end - 600_000,
            data.boundary + 300_000,
            gap + 600_000,
            data.start + 6 * 3_600_000L,
            data.start + 10 * 3_600_000L + 17_000
        };
        for (long t : times) {
            for (String q : INSTANT) {
                boolean legacy = q.contains("legacy_samples");
                compare("/api/v1/query", Map.of("query", q, "time", seconds(t)), legacy);
            }
        }
        // In the gauge's gap, room b is gone (its stale marker ended it) and room a is not.
        JsonNode inGap =
                query(
                        reader,
                        "/api/v1/query",
                        Map.of("query", "room_temperature", "time", seconds(gap + 600_000)));
        assertThat(inGap.get("data").get("result")).hasSize(1);
        assertThat(compared).isGreaterThan(100);
    }

    @Test
    void rangeQueriesEqualTheOracle() throws Exception {
        long from = Math.max(data.start + 3_600_000L, data.boundary - 3 * 3_600_000L);
        long to = Math.min(data.end, from + 6 * 3_600_000L);
        for (String q : RANGE) {
            compare(
                    "/api/v1/query_range",
                    Map.of("query", q, "start", seconds(from), "end", seconds(to), "step", "300"),
                    false);
        }
        compare(
                "/api/v1/query_range",
                Map.of(
                        "query",
                        "count_over_time(legacy_samples[1h])",
                        "start",
                        seconds(data.start),
                        "end",
                        seconds(data.end),
                        "step",
                        "900"),
                false);
        assertThat(compared).isGreaterThan(1000);
    }

    static String seconds(long ms) {
        return String.format(java.util.Locale.ROOT, "%.3f", ms / 1000.0);
    }
}
