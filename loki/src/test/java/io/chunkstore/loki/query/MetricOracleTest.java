package io.chunkstore.loki.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.LokiChunk;
import io.chunkstore.loki.LokiFingerprint;
import io.chunkstore.loki.chunkenc.ChunkFormat;
import io.chunkstore.loki.chunkenc.Codec;
import io.chunkstore.loki.logql.Expr;
import io.chunkstore.loki.logql.LogQL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Metric queries over a generated store against a brute-force oracle. The store: 12 streams, each
 * written by 3 replicas that cut chunks at different points (and miss entries now and then), with
 * exact duplicates, across a v11 to v12 schema switch; lines are JSON or logfmt, some malformed.
 * The generator remembers each line's fields, so the oracle knows what {@code json}, {@code logfmt}
 * and {@code unwrap} yield without parsing; it then evaluates windows {@code (t - range, t]},
 * aggregations and operators by scanning every unique entry for every step (no windows kept,
 * nothing streamed). Counts must be equal, floats within 1e-9 relative.
 */
class MetricOracleTest {
    private static final long MINUTE = 60_000_000_000L;
    private static final long START =
            Instant.parse("2023-11-13T23:00:00Z").toEpochMilli() * 1_000_000L;
    private static final long END = START + 120 * MINUTE;
    private static final String[] LEVELS = {"info", "error", "debug", "warn"};
    private static final int[] STATUS = {200, 404, 500, 503};

    /** One unique entry and the fields its line was made from. */
    record E(
            Labels stream,
            long hash,
            long ts,
            String line,
            String format,
            boolean bad,
            String level,
            int status,
            long tookMs,
            long sizeBytes) {}

    private static TestLogStore store;
    private static LogQuerier querier;
    private static MetricQuerier engine;
    private static final List<E> UNIQUE = new ArrayList<>();

    @BeforeAll
    static void generate() {
        Random rnd = new Random(42);
        SchemaConfig config = TestStores.v11ThenV12("2023-11-14");
        store = new TestLogStore(config);
        Set<E> unique = new LinkedHashSet<>();
        for (int s = 0; s < 12; s++) {
            Labels labels =
                    Labels.of("app", "a" + (s % 4), "env", s < 6 ? "prod" : "dev", "pod", "p" + s);
            long hash = LokiFingerprint.of(labels);
            List<LogEntry> written = new ArrayList<>();
            List<E> fields = new ArrayList<>();
            long minute = rnd.nextInt(5);
            while (true) {
                minute += 1 + rnd.nextInt(2);
                // stream s writes at minute boundaries + s ns (stream 0 exactly on them), so every
                // timestamp is unique across streams and windows cut exactly at entries
                long ts =
                        START
                                + minute * MINUTE
                                + s
                                + (rnd.nextInt(4) == 0
                                        ? rnd.nextInt(59) * 1_000_000_000L + 100
                                        : 0);
                if (ts >= END + 10 * MINUTE) {
                    break;
                }
                if (rnd.nextDouble() < 0.05 && !written.isEmpty()) {
                    written.add(written.get(written.size() - 1)); // exact duplicate
                    continue;
                }
                String level = LEVELS[rnd.nextInt(LEVELS.length)];
                int status = STATUS[rnd.nextInt(STATUS.length)];
                long took = 1 + rnd.nextInt(2000);
                long size = 100 + rnd.nextInt(5000);
                boolean json = rnd.nextBoolean();
                boolean bad = rnd.nextDouble() < 0.1;
                String line;
                String tookText = took + "ms";
                String sizeText = size + "B";
                if (json) {
                    line =
                            "{\"level\":\""
                                    + level
                                    + "\",\"status\":"
                                    + status
                                    + ",\"took\":\""
                                    + tookText
                                    + "\",\"size\":\""
                                    + sizeText
                                    + "\",\"msg\":\"m"
                                    + written.size()
                                    + "\"}";
                    if (bad) {
                        line = line.substring(0, line.indexOf(",\"took\"") + 1);
                    }
                } else {
                    line =
                            "level="
                                    + level
                                    + " status="
                                    + status
                                    + " took="
                                    + (bad ? "\"" : "")
                                    + tookText
                                    + " size="
                                    + sizeText
                                    + " msg=\"m "
                                    + written.size()
                                    + "\"";
                }
                written.add(LogEntry.of(ts, line));
                fields.add(
                        new E(
                                labels,
                                hash,
                                ts,
                                line,
                                json ? "json" : "logfmt",
                                bad,
                                level,
                                status,
                                took,
                                size));
            }
            unique.addAll(fields);
            for (int replica = 0; replica < 3; replica++) {
                List<LogEntry> copy = new ArrayList<>();
                for (LogEntry e : written) {
                    if (replica == 0 || rnd.nextDouble() > 0.05) {
                        copy.add(e);
                    }
                }
                List<Integer> cuts = new ArrayList<>(List.of(0, copy.size()));
                for (int k = 0; k < rnd.nextInt(5); k++) {
                    cuts.add(1 + rnd.nextInt(copy.size() - 1));
                }
                List<Integer> sorted = cuts.stream().distinct().sorted().toList();
                for (int k = 0; k + 1 < sorted.size(); k++) {
                    store.put(
                            LokiChunk.encode(
                                    "tenant",
                                    labels,
                                    ChunkFormat.V3,
                                    new Codec[] {Codec.GZIP, Codec.SNAPPY, Codec.NONE}
                                            [rnd.nextInt(3)],
                                    200 + rnd.nextInt(400),
                                    copy.subList(sorted.get(k), sorted.get(k + 1))));
                }
            }
        }
        UNIQUE.addAll(unique);
        UNIQUE.sort(Comparator.comparingLong(E::ts));
        querier = new LogQuerier(store, QueryOptions.DEFAULT.withBatchSize(5));
        engine = new MetricQuerier(querier);
    }

    @AfterAll
    static void close() {
        querier.close();
    }

    // ---- the oracle

    /** A sample an entry yields for a query, or null. */
    record S(Labels labels, long ts, double value) {}

    interface O {
        /** label string -> (labels, value) at t. */
        Map<String, Map.Entry<Labels, Double>> at(long t);
    }

    private static O range(String fn, long range, long offset, Function<E, S> extract) {
        return range(fn, range, offset, extract, 0);
    }

    private static O range(String fn, long range, long offset, Function<E, S> extract, double q) {
        List<S> samples = new ArrayList<>();
        for (E e : UNIQUE) {
            S s = extract.apply(e);
            if (s != null) {
                samples.add(s);
            }
        }
        return t -> {
            Map<String, List<S>> by = new TreeMap<>();
            for (S s : samples) {
                if (s.ts > t - offset - range && s.ts <= t - offset) {
                    by.computeIfAbsent(s.labels.toString(), k -> new ArrayList<>()).add(s);
                }
            }
            Map<String, Map.Entry<Labels, Double>> out = new TreeMap<>();
            double secs = range / 1e9;
            for (Map.Entry<String, List<S>> g : by.entrySet()) {
                List<S> l = g.getValue();
                double[] v = l.stream().mapToDouble(S::value).toArray();
                double sum = Arrays.stream(v).sum();
                double mean = sum / v.length;
                double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length;
                double value =
                        switch (fn) {
                            case "count_over_time" -> l.size();
                            case "rate" -> l.size() / secs;
                            case "rate_unwrap", "bytes_rate" -> sum / secs;
                            case "sum_over_time", "bytes_over_time" -> sum;
                            case "avg_over_time" -> mean;
                            case "max_over_time" -> Arrays.stream(v).max().getAsDouble();
                            case "min_over_time" -> Arrays.stream(v).min().getAsDouble();
                            case "stdvar_over_time" -> var;
                            case "stddev_over_time" -> Math.sqrt(var);
                            case "first_over_time" -> v[0];
                            case "last_over_time" -> v[v.length - 1];
                            case "quantile_over_time" -> {
                                double[] sorted = v.clone();
                                Arrays.sort(sorted);
                                double rank = q * (sorted.length - 1);
                                int lo = (int) Math.floor(rank);
                                int hi = Math.min(sorted.length - 1, lo + 1);
                                yield sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
                            }
                            case "rate_counter" -> counterRate(l, range);
                            default -> throw new IllegalArgumentException(fn);
                        };
                out.put(g.getKey(), Map.entry(l.get(0).labels, value));
            }
            return out;
        };
    }

    /** Prometheus' extrapolatedRate (counter, per second), written from its documentation. */
    private static double counterRate(List<S> l, long range) {
        if (l.size() < 2) {
            return 0;
        }
        double first = l.get(0).value;
        double last = l.get(l.size() - 1).value;
        double increase = last - first;
        for (int i = 1; i < l.size(); i++) {
            if (l.get(i).value < l.get(i - 1).value) {
                increase += l.get(i - 1).value;
            }
        }
        long t0 = Math.floorDiv(l.get(0).ts, 1_000_000L);
        long t1 = Math.floorDiv(l.get(l.size() - 1).ts, 1_000_000L);
        double sampled = (t1 - t0) / 1000.0;
        double avgGap = sampled / (l.size() - 1);
        double toStart = range / 1e9; // Loki's window start is the first sample minus the range
        double toEnd = 0;
        if (increase > 0 && first >= 0) {
            toStart = Math.min(toStart, sampled * (first / increase));
        }
        double extrapolated =
                sampled
                        + (toStart < avgGap * 1.1 ? toStart : avgGap / 2)
                        + (toEnd < avgGap * 1.1 ? toEnd : avgGap / 2);
        return increase * (extrapolated / sampled) / (range / 1e9);
    }

    private static Labels keep(Labels l, String... names) {
        Map<String, String> m = new HashMap<>();
        for (String n : names) {
            if (l.has(n)) {
                m.put(n, l.get(n));
            }
        }
        return Labels.of(m);
    }

    private static O agg(String op, O in, Function<Labels, Labels> group) {
        return t -> {
            Map<String, List<Map.Entry<Labels, Double>>> groups = new TreeMap<>();
            Map<String, Labels> gl = new HashMap<>();
            for (Map.Entry<Labels, Double> e : in.at(t).values()) {
                Labels g = group.apply(e.getKey());
                groups.computeIfAbsent(g.toString(), k -> new ArrayList<>()).add(e);
                gl.put(g.toString(), g);
            }
            Map<String, Map.Entry<Labels, Double>> out = new TreeMap<>();
            groups.forEach(
                    (k, list) -> {
                        double[] v = list.stream().mapToDouble(Map.Entry::getValue).toArray();
                        double mean = Arrays.stream(v).average().orElse(0);
                        double var =
                                Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length;
                        double value =
                                switch (op) {
                                    case "sum" -> Arrays.stream(v).sum();
                                    case "avg" -> mean;
                                    case "min" -> Arrays.stream(v).min().getAsDouble();
                                    case "max" -> Arrays.stream(v).max().getAsDouble();
                                    case "count" -> v.length;
                                    case "stdvar" -> var;
                                    case "stddev" -> Math.sqrt(var);
                                    default -> throw new IllegalArgumentException(op);
                                };
                        out.put(k, Map.entry(gl.get(k), value));
                    });
            return out;
        };
    }

    private static O topk(int k, boolean top, O in) {
        return t -> {
            List<Map.Entry<Labels, Double>> all = new ArrayList<>(in.at(t).values());
            Comparator<Map.Entry<Labels, Double>> c = Map.Entry.comparingByValue();
            all.sort(top ? c.reversed() : c);
            Map<String, Map.Entry<Labels, Double>> out = new TreeMap<>();
            for (Map.Entry<Labels, Double> e : all.subList(0, Math.min(k, all.size()))) {
                out.put(e.getKey().toString(), e);
            }
            return out;
        };
    }

    /** A vector-vector operation matching on all labels, or on the given ones. */
    private static O binary(
            O l,
            O r,
            BiFunction<Double, Double, Double> f,
            Function<Labels, Labels> sig,
            boolean keepLeftLabels) {
        return t -> {
            Map<String, Map.Entry<Labels, Double>> right = new HashMap<>();
            for (Map.Entry<Labels, Double> e : r.at(t).values()) {
                right.put(sig.apply(e.getKey()).toString(), e);
            }
            Map<String, Map.Entry<Labels, Double>> out = new TreeMap<>();
            for (Map.Entry<Labels, Double> e : l.at(t).values()) {
                Map.Entry<Labels, Double> o = right.get(sig.apply(e.getKey()).toString());
                if (o == null) {
                    continue;
                }
                Double v = f.apply(e.getValue(), o.getValue());
                if (v == null) {
                    continue;
                }
                Labels labels = keepLeftLabels ? e.getKey() : sig.apply(e.getKey());
                out.put(labels.toString(), Map.entry(labels, v));
            }
            return out;
        };
    }

    private static O map(O in, Function<Map.Entry<Labels, Double>, Map.Entry<Labels, Double>> f) {
        return t -> {
            Map<String, Map.Entry<Labels, Double>> out = new TreeMap<>();
            for (Map.Entry<Labels, Double> e : in.at(t).values()) {
                Map.Entry<Labels, Double> x = f.apply(e);
                if (x != null) {
                    out.put(x.getKey().toString(), x);
                }
            }
            return out;
        };
    }

    // ---- extractors (what the pipeline yields, from the generator's fields)

    private static S count(E e) {
        return new S(e.stream, e.ts, 1);
    }

    private static Labels with(Labels l, String... nv) {
        Labels out = l;
        for (int i = 0; i < nv.length; i += 2) {
            out = out.with(nv[i], nv[i + 1]);
        }
        return out;
    }

    // ---- running and comparing

    private static void check(String query, O oracle, long start, long end, long step) {
        Expr.SampleExpr expr = (Expr.SampleExpr) LogQL.parse(query);
        MetricResult got =
                engine.query(
                        "tenant",
                        expr,
                        start,
                        end,
                        step,
                        false,
                        QueryOptions.DEFAULT,
                        QueryGuard.unlimited());
        Map<String, TreeMap<Long, Double>> want = new TreeMap<>();
        Map<String, Labels> wantLabels = new HashMap<>();
        for (long t = start; t <= end; t += step) {
            long ms = Math.floorDiv(t, 1_000_000L);
            for (Map.Entry<String, Map.Entry<Labels, Double>> e : oracle.at(t).entrySet()) {
                want.computeIfAbsent(e.getKey(), k -> new TreeMap<>())
                        .put(ms, e.getValue().getValue());
                wantLabels.put(e.getKey(), e.getValue().getKey());
            }
        }
        String what = query + " start=" + start + " end=" + end + " step=" + step;
        assertThat(got.type()).isEqualTo("matrix");
        List<String> gotKeys = got.series().stream().map(s -> s.labels().toString()).toList();
        assertThat(gotKeys).as(what).containsExactlyElementsOf(want.keySet());
        for (MetricResult.Series s : got.series()) {
            TreeMap<Long, Double> w = want.get(s.labels().toString());
            assertThat(s.labels()).isEqualTo(wantLabels.get(s.labels().toString()));
            assertThat(s.timestampsMs())
                    .as(what + " " + s.labels())
                    .containsExactly(w.keySet().stream().mapToLong(Long::longValue).toArray());
            for (int i = 0; i < s.values().length; i++) {
                double g = s.values()[i];
                double x = w.get(s.timestampsMs()[i]);
                if (Double.isNaN(x)) {
                    assertThat(g).as(what).isNaN();
                } else {
                    assertThat(Math.abs(g - x) <= 1e-9 * Math.max(1, Math.abs(x)))
                            .as(
                                    what
                                            + " "
                                            + s.labels()
                                            + " @"
                                            + s.timestampsMs()[i]
                                            + " got "
                                            + g
                                            + " want "
                                            + x)
                            .isTrue();
                }
            }
        }
    }

    /** Range and step pairs that cut chunks and buckets, with starts off the minute grid. */
    private static final long[][] COMBOS = {
        {5 * MINUTE, MINUTE, 0},
        {MINUTE, 5 * MINUTE, 0},
        {10 * MINUTE, 7 * MINUTE, 13},
        {3 * MINUTE, 3 * MINUTE, 0},
        {2 * MINUTE + 500_000_000L, 90_000_000_000L, 7_000_000_001L},
    };

    private static void checkAll(String template, Function<long[], O> oracle) {
        for (long[] c : COMBOS) {
            String q = template.replace("$R", durationText(c[0]));
            check(q, oracle.apply(c), START + c[2], END, c[1]);
        }
    }

    private static String durationText(long ns) {
        if (ns % MINUTE == 0) {
            return ns / MINUTE + "m";
        }
        return ns / 1_000_000L + "ms";
    }

    @Test
    void countRateAndBytes() {
        checkAll(
                "count_over_time({env=~\".+\"}[$R])",
                c -> range("count_over_time", c[0], 0, MetricOracleTest::count));
        checkAll(
                "rate({app=\"a1\"} |= \"error\" [$R])",
                c ->
                        range(
                                "rate",
                                c[0],
                                0,
                                e ->
                                        e.stream.get("app").equals("a1") && e.line.contains("error")
                                                ? count(e)
                                                : null));
        checkAll(
                "bytes_over_time({env=\"prod\"}[$R])",
                c ->
                        range(
                                "bytes_over_time",
                                c[0],
                                0,
                                e ->
                                        e.stream.get("env").equals("prod")
                                                ? new S(
                                                        e.stream,
                                                        e.ts,
                                                        e.line.getBytes(StandardCharsets.UTF_8)
                                                                .length)
                                                : null));
        checkAll(
                "bytes_rate({env=\"dev\"} != \"debug\" or \"warn\" [$R])",
                c ->
                        range(
                                "bytes_rate",
                                c[0],
                                0,
                                e ->
                                        e.stream.get("env").equals("dev")
                                                        && !e.line.contains("debug")
                                                        && !e.line.contains("warn")
                                                ? new S(e.stream, e.ts, e.line.length())
                                                : null));
        checkAll(
                "count_over_time({env=\"prod\"}[$R] offset 10m)",
                c ->
                        range(
                                "count_over_time",
                                c[0],
                                10 * MINUTE,
                                e -> e.stream.get("env").equals("prod") ? count(e) : null));
    }

    @Test
    void parsersAndLabelFilters() {
        // json with parameters; malformed JSON lines carry __error__ and are filtered out
        checkAll(
                "sum by (level, app) (count_over_time({env=\"prod\"} | json level, code=\"status\""
                        + " | __error__=\"\" | code >= 500 [$R]))",
                c ->
                        agg(
                                "sum",
                                range(
                                        "count_over_time",
                                        c[0],
                                        0,
                                        e ->
                                                e.stream.get("env").equals("prod")
                                                                && e.format.equals("json")
                                                                && !e.bad
                                                                && e.status >= 500
                                                        ? new S(
                                                                with(
                                                                        e.stream,
                                                                        "level",
                                                                        e.level,
                                                                        "code",
                                                                        "" + e.status),
                                                                e.ts,
                                                                1)
                                                        : null),
                                l -> keep(l, "level", "app")));
        // logfmt: a malformed line still yields the pairs before its bad one (non-strict)
        checkAll(
                "sum by (level) (count_over_time({app=~\"a[01]\"} |= \"level=\" | logfmt"
                        + " | level=~\"error|warn\" or status=404 [$R]))",
                c ->
                        agg(
                                "sum",
                                range(
                                        "count_over_time",
                                        c[0],
                                        0,
                                        e ->
                                                e.stream.get("app").matches("a[01]")
                                                                && e.format.equals("logfmt")
                                                                && (e.level.matches("error|warn")
                                                                        || e.status == 404)
                                                        ? new S(
                                                                with(e.stream, "level", e.level),
                                                                e.ts,
                                                                1)
                                                        : null),
                                l -> keep(l, "level")));
        // --strict turns the malformed lines into errors
        checkAll(
                "count_over_time({env=\"dev\"} |= \"level=\" | logfmt --strict"
                        + " | __error__=\"LogfmtParserErr\" | drop __error__, __error_details__"
                        + " | keep app [$R])",
                c ->
                        range(
                                "count_over_time",
                                c[0],
                                0,
                                e ->
                                        e.stream.get("env").equals("dev")
                                                        && e.format.equals("logfmt")
                                                        && e.bad
                                                ? new S(keep(e.stream, "app"), e.ts, 1)
                                                : null));
        // pattern and regexp parsers, line_format, label_format
        checkAll(
                "sum by (lvl, st) (count_over_time({env=\"prod\"} |= \"level=\""
                        + " | pattern \"level=<lvl> status=<st> <_>\""
                        + " | regexp \"status=(?P<st2>\\\\d)\" | st2=\"5\" [$R]))",
                c ->
                        agg(
                                "sum",
                                range(
                                        "count_over_time",
                                        c[0],
                                        0,
                                        e ->
                                                e.stream.get("env").equals("prod")
                                                                && e.format.equals("logfmt")
                                                                && e.status >= 500
                                                        ? new S(
                                                                with(
                                                                        e.stream,
                                                                        "lvl",
                                                                        e.level,
                                                                        "st",
                                                                        "" + e.status),
                                                                e.ts,
                                                                1)
                                                        : null),
                                l -> keep(l, "lvl", "st")));
        checkAll(
                "sum by (x) (count_over_time({env=\"dev\"} | json | __error__=\"\""
                        + " | label_format x=\"{{ .level | ToUpper }}-{{ if eq .status \\\"200\\\""
                        + " }}ok{{ else }}ko{{ end }}\" | line_format \"{{.msg}}\" |= \"m1\" [$R]))",
                c ->
                        agg(
                                "sum",
                                range(
                                        "count_over_time",
                                        c[0],
                                        0,
                                        e -> {
                                            if (!e.stream.get("env").equals("dev")
                                                    || !e.format.equals("json")
                                                    || e.bad) {
                                                return null;
                                            }
                                            String msg =
                                                    e.line.replaceAll(
                                                            ".*\"msg\":\"([^\"]*)\".*", "$1");
                                            if (!msg.contains("m1")) {
                                                return null;
                                            }
                                            String x =
                                                    e.level.toUpperCase(Locale.ROOT)
                                                            + "-"
                                                            + (e.status == 200 ? "ok" : "ko");
                                            return new S(Labels.of("x", x), e.ts, 1);
                                        }),
                                l -> keep(l, "x")));
    }

    private static boolean logfmtGood(E e) {
        return e.format.equals("logfmt") && !e.bad;
    }

    @Test
    void unwrapAggregations() {
        for (String fn :
                List.of(
                        "sum_over_time",
                        "avg_over_time",
                        "max_over_time",
                        "min_over_time",
                        "stddev_over_time",
                        "stdvar_over_time",
                        "first_over_time",
                        "last_over_time",
                        "rate_counter")) {
            checkAll(
                    fn + "({env=\"prod\"} |= \"level=\" | logfmt | unwrap status [$R]) by (app)",
                    c ->
                            range(
                                    fn,
                                    c[0],
                                    0,
                                    e ->
                                            e.stream.get("env").equals("prod")
                                                            && e.format.equals("logfmt")
                                                    ? new S(keep(e.stream, "app"), e.ts, e.status)
                                                    : null));
        }
        checkAll(
                "rate({env=\"prod\"} |= \"level=\" | logfmt | unwrap status [$R]) by (app)",
                c ->
                        range(
                                "rate_unwrap",
                                c[0],
                                0,
                                e ->
                                        e.stream.get("env").equals("prod")
                                                        && e.format.equals("logfmt")
                                                ? new S(keep(e.stream, "app"), e.ts, e.status)
                                                : null));
        checkAll(
                "quantile_over_time(0.9, {env=\"dev\"} |= \"level=\" | logfmt"
                        + " | unwrap duration(took) | __error__=\"\" [$R]) by (app)",
                c ->
                        range(
                                "quantile_over_time",
                                c[0],
                                0,
                                e ->
                                        e.stream.get("env").equals("dev") && logfmtGood(e)
                                                ? new S(
                                                        keep(e.stream, "app"),
                                                        e.ts,
                                                        e.tookMs / 1000.0)
                                                : null,
                                0.9));
        checkAll(
                "sum_over_time({app=\"a2\"} | json | __error__=\"\" | unwrap bytes(size)"
                        + " [$R]) without (level, status, took, msg)",
                c ->
                        range(
                                "sum_over_time",
                                c[0],
                                0,
                                e ->
                                        e.stream.get("app").equals("a2")
                                                        && e.format.equals("json")
                                                        && !e.bad
                                                ? new S(e.stream, e.ts, e.sizeBytes)
                                                : null));
    }

    @Test
    void vectorAggregationsAndOperators() {
        Function<long[], O> prod =
                c ->
                        range(
                                "count_over_time",
                                c[0],
                                0,
                                e -> e.stream.get("env").equals("prod") ? count(e) : null);
        Function<long[], O> all = c -> range("count_over_time", c[0], 0, MetricOracleTest::count);
        for (String op : List.of("sum", "avg", "min", "max", "count", "stddev", "stdvar")) {
            checkAll(
                    op + " by (app) (count_over_time({env=~\"prod|dev\"}[$R]))",
                    c -> agg(op, all.apply(c), l -> keep(l, "app")));
            checkAll(
                    op + " without (pod, app) (count_over_time({env=~\"prod|dev\"}[$R]))",
                    c -> agg(op, all.apply(c), l -> keep(l, "env")));
        }
        checkAll(
                "sum(count_over_time({env=\"prod\"}[$R]))",
                c -> agg("sum", prod.apply(c), l -> Labels.EMPTY));
        checkAll("topk(2, count_over_time({env=\"prod\"}[$R]))", c -> topk(2, true, prod.apply(c)));
        checkAll(
                "bottomk(1, count_over_time({env=\"prod\"}[$R]))",
                c -> topk(1, false, prod.apply(c)));
        Function<long[], O> byApp = c -> agg("sum", prod.apply(c), l -> keep(l, "app"));
        Function<long[], O> devByApp =
                c ->
                        agg(
                                "sum",
                                range(
                                        "count_over_time",
                                        c[0],
                                        0,
                                        e -> e.stream.get("env").equals("dev") ? count(e) : null),
                                l -> keep(l, "app"));
        String p = "sum by (app) (count_over_time({env=\"prod\"}[$R]))";
        String d = "sum by (app) (count_over_time({env=\"dev\"}[$R]))";
        checkAll(
                p + " / on (app) " + d,
                c -> binary(byApp.apply(c), devByApp.apply(c), (a, b) -> a / b, l -> l, true));
        checkAll(
                p + " > bool " + d,
                c ->
                        binary(
                                byApp.apply(c),
                                devByApp.apply(c),
                                (a, b) -> a > b ? 1.0 : 0.0,
                                l -> l,
                                true));
        checkAll(
                p + " >= " + d,
                c ->
                        binary(
                                byApp.apply(c),
                                devByApp.apply(c),
                                (a, b) -> a >= b ? a : null,
                                l -> l,
                                true));
        checkAll(
                p + " * 2 + 1",
                c -> map(byApp.apply(c), e -> Map.entry(e.getKey(), e.getValue() * 2 + 1)));
        checkAll(
                "10 - " + p,
                c -> map(byApp.apply(c), e -> Map.entry(e.getKey(), 10 - e.getValue())));
        checkAll(p + " > 3", c -> map(byApp.apply(c), e -> e.getValue() > 3 ? e : null));
        checkAll(
                "2 ^ 3 ^ 0.5 * " + p,
                c ->
                        map(
                                byApp.apply(c),
                                e ->
                                        Map.entry(
                                                e.getKey(),
                                                Math.pow(2, Math.pow(3, 0.5)) * e.getValue())));
        checkAll(
                p + " and " + d,
                c -> binary(byApp.apply(c), devByApp.apply(c), (a, b) -> a, l -> l, true));
        checkAll(
                p + " unless " + d,
                c ->
                        t -> {
                            Map<String, Map.Entry<Labels, Double>> l =
                                    new TreeMap<>(byApp.apply(c).at(t));
                            l.keySet().removeAll(devByApp.apply(c).at(t).keySet());
                            return l;
                        });
        checkAll(
                p + " or " + d,
                c ->
                        t -> {
                            Map<String, Map.Entry<Labels, Double>> l =
                                    new TreeMap<>(devByApp.apply(c).at(t));
                            l.putAll(byApp.apply(c).at(t));
                            return l;
                        });
        // group_left: every prod stream divided by its app's total
        checkAll(
                "count_over_time({env=\"prod\"}[$R]) / on (app) group_left " + p,
                c ->
                        binary(
                                prod.apply(c),
                                byApp.apply(c),
                                (a, b) -> a / b,
                                l -> keep(l, "app"),
                                true));
        checkAll(
                "label_replace(" + p + ", \"n\", \"$1\", \"app\", \"a(.*)\")",
                c ->
                        map(
                                byApp.apply(c),
                                e ->
                                        Map.entry(
                                                e.getKey()
                                                        .with(
                                                                "n",
                                                                e.getKey().get("app").substring(1)),
                                                e.getValue())));
        checkAll(
                "absent_over_time({app=\"a1\", pod=\"p1\"} |= \"level=error\" [$R])",
                c -> {
                    O in =
                            range(
                                    "count_over_time",
                                    c[0],
                                    0,
                                    e ->
                                            e.stream.get("pod").equals("p1")
                                                            && e.line.contains("level=error")
                                                    ? count(e)
                                                    : null);
                    return t ->
                            in.at(t).isEmpty()
                                    ? Map.of(
                                            Labels.of("app", "a1", "pod", "p1").toString(),
                                            Map.entry(Labels.of("app", "a1", "pod", "p1"), 1.0))
                                    : Map.of();
                });
    }

    @Test
    void instantQueriesAndScalars() {
        long t = START + 61 * MINUTE;
        MetricResult r =
                engine.query(
                        "tenant",
                        (Expr.SampleExpr) LogQL.parse("vector(1)+vector(1)"),
                        t,
                        t,
                        0,
                        true,
                        QueryOptions.DEFAULT,
                        QueryGuard.unlimited());
        assertThat(r.type()).isEqualTo("vector");
        assertThat(r.series()).hasSize(1);
        assertThat(r.series().get(0).labels()).isEqualTo(Labels.EMPTY);
        assertThat(r.series().get(0).values()).containsExactly(2.0);
        MetricResult s =
                engine.query(
                        "tenant",
                        (Expr.SampleExpr) LogQL.parse("2 * 3 + 1"),
                        t,
                        t,
                        0,
                        true,
                        QueryOptions.DEFAULT,
                        QueryGuard.unlimited());
        assertThat(s.type()).isEqualTo("scalar");
        assertThat(s.series().get(0).values()).containsExactly(7.0);
        MetricResult v =
                engine.query(
                        "tenant",
                        (Expr.SampleExpr)
                                LogQL.parse(
                                        "sort_desc(sum by (app) (count_over_time({env=~\".+\"}[1h])))"),
                        t,
                        t,
                        0,
                        true,
                        QueryOptions.DEFAULT,
                        QueryGuard.unlimited());
        O oracle =
                agg(
                        "sum",
                        range("count_over_time", 60 * MINUTE, 0, MetricOracleTest::count),
                        l -> keep(l, "app"));
        List<Double> want =
                oracle.at(t).values().stream()
                        .map(Map.Entry::getValue)
                        .sorted(Comparator.reverseOrder())
                        .toList();
        assertThat(v.series().stream().map(x -> x.values()[0]).toList()).isEqualTo(want);
        assertThat(v.series().get(0).timestampsMs()[0]).isEqualTo(t / 1_000_000L);
    }

    @Test
    void limitsNameTheLimit() {
        Expr.SampleExpr q = (Expr.SampleExpr) LogQL.parse("count_over_time({env=~\".+\"}[5m])");
        assertThatThrownBy(
                        () ->
                                engine.query(
                                        "tenant",
                                        q,
                                        START,
                                        END,
                                        MINUTE,
                                        false,
                                        QueryOptions.DEFAULT,
                                        new QueryGuard(QueryLimits.DEFAULT.withMaxQuerySeries(3))))
                .isInstanceOf(QueryLimitException.class)
                .hasMessageContaining("maximum of series (3)")
                .hasMessageContaining("max_query_series");
        assertThatThrownBy(
                        () ->
                                engine.query(
                                        "tenant",
                                        q,
                                        START,
                                        END,
                                        1_000_000L,
                                        false,
                                        QueryOptions.DEFAULT,
                                        QueryGuard.unlimited()))
                .hasMessageContaining("exceeded maximum resolution of 11,000 points");
        assertThatThrownBy(
                        () ->
                                engine.query(
                                        "tenant",
                                        q,
                                        START,
                                        END,
                                        MINUTE,
                                        false,
                                        QueryOptions.DEFAULT,
                                        new QueryGuard(
                                                QueryLimits.DEFAULT.withMaxQueryBytesRead(1000))))
                .hasMessageContaining("max_query_bytes_read");
        assertThatThrownBy(
                        () ->
                                engine.query(
                                        "tenant",
                                        (Expr.SampleExpr)
                                                LogQL.parse("count_over_time({env=~\".+\"}[2h])"),
                                        START,
                                        END,
                                        MINUTE,
                                        false,
                                        QueryOptions.DEFAULT,
                                        new QueryGuard(
                                                QueryLimits.DEFAULT.withMaxSamplesInMemory(100))))
                .hasMessageContaining("max_samples_in_memory");
        QueryGuard g = new QueryGuard(QueryLimits.DEFAULT.withQueryTimeout(Duration.ofNanos(1)));
        assertThatThrownBy(
                        () ->
                                engine.query(
                                        "tenant",
                                        q,
                                        START,
                                        END,
                                        MINUTE,
                                        false,
                                        QueryOptions.DEFAULT,
                                        g))
                .isInstanceOf(QueryLimitException.class)
                .hasMessageContaining("query_timeout");
        // a pipeline error in a metric query names the error and how to skip it
        assertThatThrownBy(
                        () ->
                                engine.query(
                                        "tenant",
                                        (Expr.SampleExpr)
                                                LogQL.parse(
                                                        "sum by (app) (count_over_time({env=\"prod\"} | json [5m]))"),
                                        START,
                                        END,
                                        MINUTE,
                                        false,
                                        QueryOptions.DEFAULT,
                                        QueryGuard.unlimited()))
                .hasMessageContaining("pipeline error: 'JSONParserErr'")
                .hasMessageContaining("__error__=\"\"");
    }
}
