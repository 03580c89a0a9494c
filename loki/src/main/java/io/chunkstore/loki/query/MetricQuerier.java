package io.chunkstore.loki.query;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.Direction;
import io.chunkstore.loki.logql.Expr;
import io.chunkstore.loki.logql.Expr.BinaryOperation;
import io.chunkstore.loki.logql.Expr.Grouping;
import io.chunkstore.loki.logql.Expr.LabelReplace;
import io.chunkstore.loki.logql.Expr.Literal;
import io.chunkstore.loki.logql.Expr.RangeAggregation;
import io.chunkstore.loki.logql.Expr.SampleExpr;
import io.chunkstore.loki.logql.Expr.VectorAggregation;
import io.chunkstore.loki.logql.Expr.VectorLiteral;
import io.chunkstore.loki.logql.Expr.VectorMatching;
import io.chunkstore.loki.logql.LabelFilter;
import io.chunkstore.loki.logql.LabelsBuilder;
import io.chunkstore.loki.logql.Pipeline;
import io.chunkstore.loki.logql.Values;
import io.chunkstore.spi.InvalidQueryException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Loki's metric query engine over a {@link LogQuerier} (grafana/loki {@code pkg/logql/engine.go},
 * {@code evaluator.go}, {@code range_vector.go}, {@code vector/}): each log range is read once,
 * forward, through its pipeline; samples of each series are kept only while they are inside the
 * current window {@code (t - range, t]} of the step being evaluated, and vector aggregations,
 * binary operators and {@code label_replace} combine the child vectors step by step. Steps run from
 * {@code start} to {@code end} inclusive, {@code step} apart (Loki does not align them); a point's
 * time is the step's time in ms. Thread-safe; one instance serves many queries.
 */
public final class MetricQuerier {
    /** Loki's error label value for an unwrap that could not convert a value. */
    public static final String SAMPLE_EXTRACTION_ERROR = "SampleExtractionErr";

    private final LogQuerier querier;

    /** A metric engine over the log querier. */
    public MetricQuerier(LogQuerier querier) {
        this.querier = Objects.requireNonNull(querier, "querier");
    }

    /**
     * Evaluates a metric query.
     *
     * @param instant true for {@code /query} (one step at {@code endNs}; a vector or scalar)
     */
    public MetricResult query(
            String tenant,
            SampleExpr expr,
            long startNs,
            long endNs,
            long stepNs,
            boolean instant,
            QueryOptions options,
            QueryGuard guard) {
        if (instant) {
            startNs = endNs;
            stepNs = 0;
        } else if (stepNs <= 0) {
            throw new InvalidQueryException(
                    "zero or negative query resolution step widths are not accepted. Try a"
                            + " positive integer");
        }
        if (!instant && (endNs - startNs) / stepNs + 1 > guard.limits().maxPointsPerSeries()) {
            throw new QueryLimitException(
                    "exceeded maximum resolution of "
                            + String.format(
                                    java.util.Locale.ROOT,
                                    "%,d",
                                    guard.limits().maxPointsPerSeries())
                            + " points per timeseries. Try increasing the value of the step parameter",
                    false);
        }
        Ctx ctx = new Ctx(tenant, options, guard, startNs, endNs);
        long t0 = System.nanoTime();
        try {
            Node root = build(expr, ctx);
            boolean scalar = root instanceof ScalarNode;
            Map<String, Acc> out = new LinkedHashMap<>();
            List<Sample> last = List.of();
            long step = Math.max(stepNs, 1);
            for (long t = startNs; t <= endNs; t += step) {
                guard.check(ctx.stats);
                Vec v = root.at(t);
                last = v.samples;
                for (Sample s : v.samples) {
                    String key = s.labels.toString();
                    Acc a = out.get(key);
                    if (a == null) {
                        if (out.size() >= guard.limits().maxQuerySeries()) {
                            throw new QueryLimitException(
                                    "maximum of series ("
                                            + guard.limits().maxQuerySeries()
                                            + ") reached for a single query (max_query_series); add"
                                            + " grouping or narrow the stream selector",
                                    false);
                        }
                        a = new Acc(s.labels);
                        out.put(key, a);
                    }
                    a.add(Math.floorDiv(t, 1_000_000L), s.value);
                }
                if (instant || endNs - t < step) {
                    break;
                }
            }
            List<MetricResult.Series> series = new ArrayList<>();
            if (instant && !scalar) {
                boolean keepOrder = keepsOrder(expr);
                List<Sample> vec = new ArrayList<>(last);
                if (!keepOrder) {
                    vec.sort(Comparator.comparing(s -> s.labels.toString(), GoStrings.BYTE_ORDER));
                }
                long ms = Math.floorDiv(endNs, 1_000_000L);
                for (Sample s : vec) {
                    series.add(
                            new MetricResult.Series(
                                    s.labels, new long[] {ms}, new double[] {s.value}));
                }
                return new MetricResult("vector", series, ctx.stats, ctx.skipped());
            }
            List<String> keys = new ArrayList<>(out.keySet());
            keys.sort(GoStrings.BYTE_ORDER);
            for (String k : keys) {
                Acc a = out.get(k);
                series.add(
                        new MetricResult.Series(
                                a.labels, Arrays.copyOf(a.t, a.n), Arrays.copyOf(a.v, a.n)));
            }
            return new MetricResult(
                    instant ? "scalar" : "matrix", series, ctx.stats, ctx.skipped());
        } finally {
            ctx.close();
            ctx.stats.execNanos.set(System.nanoTime() - t0);
        }
    }

    private static boolean keepsOrder(SampleExpr e) {
        return e instanceof VectorAggregation va
                && (va.operation().equals("sort")
                        || va.operation().equals("sort_desc")
                        || va.operation().equals("topk")
                        || va.operation().equals("bottomk"));
    }

    // ---- evaluation model

    /** A sample of a vector. */
    record Sample(Labels labels, double value) {}

    /** A vector at one step; {@code scalar} for a number. */
    record Vec(List<Sample> samples) {}

    private static final class Acc {
        final Labels labels;
        long[] t = new long[16];
        double[] v = new double[16];
        int n;

        Acc(Labels labels) {
            this.labels = labels;
        }

        void add(long ms, double value) {
            if (n == t.length) {
                t = Arrays.copyOf(t, n * 2);
                v = Arrays.copyOf(v, n * 2);
            }
            t[n] = ms;
            v[n++] = value;
        }
    }

    /** Evaluates at increasing step times. */
    interface Node {
        Vec at(long t);
    }

    /** A number: every step the same value with no labels. */
    static final class ScalarNode implements Node {
        final double value;

        ScalarNode(double value) {
            this.value = value;
        }

        @Override
        public Vec at(long t) {
            return new Vec(List.of(new Sample(Labels.EMPTY, value)));
        }
    }

    /** Per-query state. */
    private static final class Ctx implements AutoCloseable {
        final String tenant;
        final QueryOptions options;
        final QueryGuard guard;
        final long start;
        final long end;
        final QueryStats stats = new QueryStats();
        final List<LogIterator> open = new ArrayList<>();
        long samplesInMemory;

        Ctx(String tenant, QueryOptions options, QueryGuard guard, long start, long end) {
            this.tenant = tenant;
            this.options = options;
            this.guard = guard;
            this.start = start;
            this.end = end;
        }

        List<SkippedChunk> skipped() {
            Map<String, SkippedChunk> m = new TreeMap<>();
            for (LogIterator it : open) {
                for (SkippedChunk s : it.skipped()) {
                    m.putIfAbsent(s.toString(), s);
                }
            }
            return List.copyOf(m.values());
        }

        @Override
        public void close() {
            for (LogIterator it : open) {
                QueryStats s = it.stats();
                stats.chunksRef.addAndGet(s.chunksRef());
                stats.chunksDownloaded.addAndGet(s.chunksDownloaded());
                stats.downloadNanos.addAndGet(s.downloadNanos());
                stats.compressedBytes.addAndGet(s.compressedBytes());
                stats.linesScanned.addAndGet(s.linesScanned());
                stats.bytesScanned.addAndGet(s.bytesScanned());
                stats.duplicates.addAndGet(s.duplicates());
                it.close();
            }
        }

        long bytesScanned() {
            long b = 0;
            for (LogIterator it : open) {
                b += it.stats().bytesScanned();
            }
            return b;
        }
    }

    private Node build(SampleExpr e, Ctx ctx) {
        if (e instanceof Literal l) {
            return new ScalarNode(l.value());
        }
        if (e instanceof VectorLiteral v) {
            return t -> new Vec(List.of(new Sample(Labels.EMPTY, v.value())));
        }
        if (e instanceof RangeAggregation r) {
            return new RangeNode(r, ctx);
        }
        if (e instanceof VectorAggregation va) {
            return new VectorAggNode(va, build(va.inner(), ctx));
        }
        if (e instanceof BinaryOperation b) {
            Node l = build(b.left(), ctx);
            Node r = build(b.right(), ctx);
            if (l instanceof ScalarNode ls && r instanceof ScalarNode rs) {
                return new ScalarNode(arith(b.operator(), ls.value, rs.value, b.returnBool()));
            }
            return new BinaryNode(b, l, r);
        }
        if (e instanceof LabelReplace lr) {
            return new LabelReplaceNode(lr, build(lr.inner(), ctx));
        }
        throw new IllegalStateException("unknown expression " + e);
    }

    // ---- range aggregation

    /** A series' samples inside the current window, oldest first. */
    private static final class Window {
        final Labels labels;
        long[] t = new long[8];
        double[] v = new double[8];
        int head;
        int tail;

        Window(Labels labels) {
            this.labels = labels;
        }

        int size() {
            return tail - head;
        }

        void add(long ts, double value) {
            if (tail == t.length) {
                int n = size();
                if (head > 0 && n < t.length / 2) {
                    System.arraycopy(t, head, t, 0, n);
                    System.arraycopy(v, head, v, 0, n);
                } else {
                    long[] nt = new long[Math.max(8, n * 2)];
                    double[] nv = new double[nt.length];
                    System.arraycopy(t, head, nt, 0, n);
                    System.arraycopy(v, head, nv, 0, n);
                    t = nt;
                    v = nv;
                }
                head = 0;
                tail = n;
            }
            t[tail] = ts;
            v[tail++] = value;
        }

        /** Drops samples at or before {@code ts}; returns how many. */
        int evict(long ts) {
            int k = head;
            while (k < tail && t[k] <= ts) {
                k++;
            }
            int n = k - head;
            head = k;
            if (head == tail) {
                head = 0;
                tail = 0;
            }
            return n;
        }
    }

    private final class RangeNode implements Node {
        private final RangeAggregation expr;
        private final Ctx ctx;
        private final long range;
        private final long offset;
        private final Pipeline pipeline;
        private final Expr.Unwrap unwrap;
        private final Grouping grouping;
        private final String op;
        private final Map<String, Window> windows = new HashMap<>();
        private final Map<String, Labels> labelCache = new HashMap<>();
        private final LogIterator it;
        private final Labels absentLabels;
        private int sinceCheck;
        // the next sample, read ahead
        private boolean hasPending;
        private long pendingTs;
        private double pendingValue;
        private String pendingKey;
        private Labels pendingLabels;

        RangeNode(RangeAggregation expr, Ctx ctx) {
            this.expr = expr;
            this.ctx = ctx;
            this.range = expr.range().rangeNs();
            this.offset = expr.range().offsetNs();
            this.pipeline = expr.range().log().pipeline();
            this.unwrap = expr.range().unwrap();
            this.grouping = expr.grouping();
            this.op = expr.operation();
            long from = ctx.start - offset - range + 1;
            long to = ctx.end - offset + 1;
            QueryOptions o = ctx.options;
            this.it =
                    querier.select(
                            ctx.tenant,
                            expr.range().log().selector(),
                            from,
                            Math.max(from, to),
                            Direction.FORWARD,
                            o);
            ctx.open.add(it);
            this.absentLabels = absentLabels(expr.range().log().matchers());
        }

        @Override
        public Vec at(long t) {
            long wEnd = t - offset;
            long wStart = wEnd - range;
            for (Window w : windows.values()) {
                ctx.samplesInMemory -= w.evict(wStart);
            }
            windows.values().removeIf(w -> w.size() == 0);
            while (true) {
                if (!hasPending && !readSample()) {
                    break;
                }
                if (pendingTs > wEnd) {
                    break;
                }
                hasPending = false;
                if (pendingTs <= wStart) {
                    continue;
                }
                Window w = windows.get(pendingKey);
                if (w == null) {
                    w = new Window(pendingLabels);
                    windows.put(pendingKey, w);
                }
                w.add(pendingTs, pendingValue);
                if (++ctx.samplesInMemory > ctx.guard.limits().maxSamplesInMemory()) {
                    throw new QueryLimitException(
                            "the query holds more than "
                                    + ctx.guard.limits().maxSamplesInMemory()
                                    + " samples in its range windows (max_samples_in_memory); use a"
                                    + " shorter range or a narrower stream selector",
                            false);
                }
            }
            List<Sample> out = new ArrayList<>(windows.size());
            if (op.equals("absent_over_time")) {
                if (windows.isEmpty()) {
                    out.add(new Sample(absentLabels, 1));
                }
                return new Vec(out);
            }
            List<String> keys = new ArrayList<>(windows.keySet());
            for (String k : keys) {
                Window w = windows.get(k);
                if (w.labels.has(LabelsBuilder.ERROR)) {
                    throw pipelineError(w.labels);
                }
                out.add(new Sample(w.labels, aggregate(w)));
            }
            return new Vec(out);
        }

        private InvalidQueryException pipelineError(Labels l) {
            String err = l.get(LabelsBuilder.ERROR);
            Labels shown = l.without(LabelsBuilder.ERROR, LabelsBuilder.ERROR_DETAILS);
            String details =
                    l.has(LabelsBuilder.ERROR_DETAILS)
                            ? " (" + l.get(LabelsBuilder.ERROR_DETAILS) + ")"
                            : "";
            // grafana/loki pkg/logqlmodel/error.go: PipelineError
            return new InvalidQueryException(
                    "pipeline error: '"
                            + err
                            + "' for series: '"
                            + shown
                            + "'"
                            + details
                            + ". Use a label filter to intentionally skip this"
                            + " error. (e.g | __error__!=\""
                            + err
                            + "\"). To skip all potential errors"
                            + " you can match empty errors.(e.g __error__=\"\")");
        }

        private double aggregate(Window w) {
            double seconds = range / 1e9;
            int n = w.size();
            double[] v = w.v;
            int h = w.head;
            switch (op) {
                case "count_over_time":
                    return n;
                case "rate":
                    if (unwrap == null) {
                        return n / seconds;
                    }
                    return sum(v, h, n) / seconds;
                case "bytes_over_time":
                case "sum_over_time":
                    return sum(v, h, n);
                case "bytes_rate":
                    return sum(v, h, n) / seconds;
                case "avg_over_time":
                    {
                        double mean = 0;
                        for (int k = 0; k < n; k++) {
                            mean += (v[h + k] - mean) / (k + 1);
                        }
                        return mean;
                    }
                case "max_over_time":
                    {
                        double m = v[h];
                        for (int k = 1; k < n; k++) {
                            if (v[h + k] > m || Double.isNaN(m)) {
                                m = v[h + k];
                            }
                        }
                        return m;
                    }
                case "min_over_time":
                    {
                        double m = v[h];
                        for (int k = 1; k < n; k++) {
                            if (v[h + k] < m || Double.isNaN(m)) {
                                m = v[h + k];
                            }
                        }
                        return m;
                    }
                case "stdvar_over_time":
                case "stddev_over_time":
                    {
                        double mean = 0;
                        double aux = 0;
                        for (int k = 0; k < n; k++) {
                            double x = v[h + k];
                            double delta = x - mean;
                            mean += delta / (k + 1);
                            aux += delta * (x - mean);
                        }
                        double var = aux / n;
                        return op.equals("stdvar_over_time") ? var : Math.sqrt(var);
                    }
                case "quantile_over_time":
                    return quantile(expr.parameter(), Arrays.copyOfRange(v, h, h + n));
                case "first_over_time":
                    return v[h];
                case "last_over_time":
                    return v[h + n - 1];
                case "rate_counter":
                    return counterRate(w, seconds);
                default:
                    throw new IllegalStateException(op);
            }
        }

        /**
         * Prometheus' extrapolated rate as Loki's {@code rateCounter} uses it (grafana/loki {@code
         * pkg/logql/range_vector.go}, {@code extrapolatedRate}), with times in ms.
         */
        private double counterRate(Window w, double rangeSeconds) {
            int n = w.size();
            if (n < 2) {
                return 0;
            }
            long[] t = w.t;
            double[] v = w.v;
            int h = w.head;
            long firstMs = Math.floorDiv(t[h], 1_000_000L);
            long lastMs = Math.floorDiv(t[h + n - 1], 1_000_000L);
            long rangeStart = firstMs - (long) (rangeSeconds * 1000);
            double result = v[h + n - 1] - v[h];
            double lastValue = 0;
            for (int k = 0; k < n; k++) {
                if (v[h + k] < lastValue) {
                    result += lastValue;
                }
                lastValue = v[h + k];
            }
            double toStart = (firstMs - rangeStart) / 1000.0;
            // Loki's range ends at the last sample itself, so nothing is left to its end
            double toEnd = 0;
            double sampled = (lastMs - firstMs) / 1000.0;
            double avg = sampled / (n - 1);
            if (result > 0 && v[h] >= 0) {
                double toZero = sampled * (v[h] / result);
                if (toZero < toStart) {
                    toStart = toZero;
                }
            }
            double threshold = avg * 1.1;
            double interval = sampled;
            interval += toStart < threshold ? toStart : avg / 2;
            interval += toEnd < threshold ? toEnd : avg / 2;
            result = result * (interval / sampled);
            return result / rangeSeconds;
        }

        /** Reads the next sample into the pending fields; false at the end. */
        private boolean readSample() {
            while (true) {
                if (++sinceCheck >= 256) {
                    sinceCheck = 0;
                    ctx.guard.check(it.stats());
                    long b = ctx.guard.limits().maxQueryBytesRead();
                    if (b > 0 && ctx.bytesScanned() > b) {
                        ctx.guard.check(it.stats());
                    }
                }
                if (!it.hasNext()) {
                    return false;
                }
                StreamEntry e = it.next();
                byte[] line = e.entry().line();
                String key;
                Labels labels;
                double value;
                if (pipeline.isEmpty()
                        && unwrap == null
                        && grouping == null
                        && e.entry().structuredMetadata().isEmpty()) {
                    key = e.stream().labelsString();
                    labels = e.stream().labels();
                    value = isBytes() ? line.length : 1;
                } else {
                    LabelsBuilder lbs = new LabelsBuilder(e.stream().labels());
                    for (Label l : e.entry().sortedStructuredMetadata()) {
                        lbs.setExtracted(l.name(), l.value());
                    }
                    Pipeline.Line pl = new Pipeline.Line(e.timestamp(), line, lbs);
                    if (!pipeline.process(pl)) {
                        continue;
                    }
                    if (unwrap != null) {
                        value = unwrapValue(lbs);
                        boolean keep = true;
                        for (LabelFilter f : unwrap.postFilters()) {
                            if (!f.test(lbs)) {
                                keep = false;
                                break;
                            }
                        }
                        if (!keep) {
                            continue;
                        }
                    } else {
                        value = isBytes() ? pl.bytes().length : 1;
                    }
                    if (grouping != null) {
                        Map<String, String> m = lbs.map();
                        if (grouping.without()) {
                            for (String n : grouping.labels()) {
                                m.remove(n);
                            }
                        } else {
                            m.keySet()
                                    .removeIf(
                                            n ->
                                                    !grouping.labels().contains(n)
                                                            && !n.equals(LabelsBuilder.ERROR)
                                                            && !n.equals(
                                                                    LabelsBuilder.ERROR_DETAILS));
                        }
                        labels = Labels.of(m);
                    } else {
                        labels = lbs.labels();
                    }
                    key = labels.toString();
                    Labels cached = labelCache.get(key);
                    if (cached == null) {
                        if (labelCache.size() > 100_000) {
                            labelCache.clear();
                        }
                        labelCache.put(key, labels);
                    } else {
                        labels = cached;
                    }
                }
                hasPending = true;
                pendingTs = e.timestamp();
                pendingValue = value;
                pendingKey = key;
                pendingLabels = labels;
                return true;
            }
        }

        private boolean isBytes() {
            return op.equals("bytes_over_time") || op.equals("bytes_rate");
        }

        /**
         * The unwrapped value (grafana/loki {@code pkg/logql/log/metrics_extraction.go}): the label
         * is removed from the series; a value that does not convert records {@code
         * __error__="SampleExtractionErr"} and counts as 0.
         */
        private double unwrapValue(LabelsBuilder lbs) {
            String raw = lbs.get(unwrap.label());
            lbs.delete(unwrap.label());
            if (lbs.hasError()) {
                return 0;
            }
            if (raw == null) {
                raw = "";
            }
            try {
                return switch (unwrap.conversion()) {
                    case "duration", "duration_seconds" -> Values.goDurationNs(raw) / 1e9;
                    case "bytes" -> Values.bytes(raw);
                    default -> Values.parseFloat(raw);
                };
            } catch (IllegalArgumentException ex) {
                lbs.setError(SAMPLE_EXTRACTION_ERROR, ex.getMessage());
                return 0;
            }
        }
    }

    /**
     * Loki's labels for {@code absent_over_time}: the selector's equality matchers, each name once
     * (grafana/loki {@code pkg/logql/evaluator.go}, {@code absentLabels}).
     */
    private static Labels absentLabels(List<LabelMatcher> matchers) {
        Map<String, String> m = new TreeMap<>();
        Set<String> dup = new HashSet<>();
        for (LabelMatcher l : matchers) {
            if (l.type() == LabelMatcher.Type.EQUAL && !l.name().equals(Labels.METRIC_NAME)) {
                if (m.containsKey(l.name())) {
                    dup.add(l.name());
                }
                m.put(l.name(), l.value());
            }
        }
        dup.forEach(m::remove);
        return Labels.of(m);
    }

    private static double sum(double[] v, int h, int n) {
        double s = 0;
        for (int k = 0; k < n; k++) {
            s += v[h + k];
        }
        return s;
    }

    /** Prometheus' quantile: a weighted average of the two nearest ranks. */
    static double quantile(double q, double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        Arrays.sort(values);
        double n = values.length;
        double rank = q * (n - 1);
        double lower = Math.max(0, Math.floor(rank));
        double upper = Math.min(n - 1, lower + 1);
        double weight = rank - Math.floor(rank);
        return values[(int) lower] * (1 - weight) + values[(int) upper] * weight;
    }

    // ---- vector aggregation

    private static final class VectorAggNode implements Node {
        private final VectorAggregation expr;
        private final Node inner;

        VectorAggNode(VectorAggregation expr, Node inner) {
            this.expr = expr;
            this.inner = inner;
        }

        @Override
        public Vec at(long t) {
            List<Sample> in = inner.at(t).samples;
            String op = expr.operation();
            if (op.equals("sort") || op.equals("sort_desc")) {
                List<Sample> out = new ArrayList<>(in);
                Comparator<Sample> c = Comparator.comparingDouble(Sample::value);
                out.sort(op.equals("sort") ? c : c.reversed());
                return new Vec(out);
            }
            Map<String, List<Sample>> groups = new LinkedHashMap<>();
            Map<String, Labels> groupLabels = new HashMap<>();
            for (Sample s : in) {
                Labels g = groupLabels(s.labels, expr.grouping());
                String k = g.toString();
                groups.computeIfAbsent(k, x -> new ArrayList<>()).add(s);
                groupLabels.putIfAbsent(k, g);
            }
            List<Sample> out = new ArrayList<>();
            for (Map.Entry<String, List<Sample>> e : groups.entrySet()) {
                List<Sample> g = e.getValue();
                Labels l = groupLabels.get(e.getKey());
                switch (op) {
                    case "topk", "bottomk" -> {
                        List<Sample> sorted = new ArrayList<>(g);
                        Comparator<Sample> c = Comparator.comparingDouble(Sample::value);
                        // ties (which Loki leaves to its heap) go to the smaller labels string
                        sorted.sort(
                                (op.equals("topk") ? c.reversed() : c)
                                        .thenComparing(
                                                x -> x.labels.toString(), GoStrings.BYTE_ORDER));
                        out.addAll(sorted.subList(0, Math.min(expr.parameter(), sorted.size())));
                    }
                    case "sum" -> {
                        double s = 0;
                        for (Sample x : g) {
                            s += x.value;
                        }
                        out.add(new Sample(l, s));
                    }
                    case "count" -> out.add(new Sample(l, g.size()));
                    case "avg" -> {
                        double mean = 0;
                        int n = 0;
                        for (Sample x : g) {
                            n++;
                            mean += (x.value - mean) / n;
                        }
                        out.add(new Sample(l, mean));
                    }
                    case "max", "min" -> {
                        double m = g.get(0).value;
                        for (Sample x : g) {
                            boolean better = op.equals("max") ? x.value > m : x.value < m;
                            if (better || Double.isNaN(m)) {
                                m = x.value;
                            }
                        }
                        out.add(new Sample(l, m));
                    }
                    case "stddev", "stdvar" -> {
                        double mean = 0;
                        double aux = 0;
                        int n = 0;
                        for (Sample x : g) {
                            n++;
                            double delta = x.value - mean;
                            mean += delta / n;
                            aux += delta * (x.value - mean);
                        }
                        double var = aux / n;
                        out.add(new Sample(l, op.equals("stdvar") ? var : Math.sqrt(var)));
                    }
                    default -> throw new IllegalStateException(op);
                }
            }
            return new Vec(out);
        }
    }

    /** The labels a sample is grouped by: by keeps the names, without drops them. */
    static Labels groupLabels(Labels l, Grouping g) {
        if (g == null) {
            return Labels.EMPTY;
        }
        Map<String, String> m = new HashMap<>();
        for (Label x : l) {
            boolean listed = g.labels().contains(x.name());
            if (g.without() ? !listed : listed) {
                m.put(x.name(), x.value());
            }
        }
        return Labels.of(m);
    }

    // ---- binary operations

    private static final Set<String> COMPARISONS = Set.of("==", "!=", ">", ">=", "<", "<=");

    /** Arithmetic or comparison on two numbers; a comparison without bool gives NaN for false. */
    static double arith(String op, double a, double b, boolean bool) {
        return switch (op) {
            case "+" -> a + b;
            case "-" -> a - b;
            case "*" -> a * b;
            case "/" -> a / b;
            case "%" -> a % b;
            case "^" -> Math.pow(a, b);
            default -> {
                boolean r = compare(op, a, b);
                yield r ? 1 : 0;
            }
        };
    }

    static boolean compare(String op, double a, double b) {
        return switch (op) {
            case "==" -> a == b;
            case "!=" -> a != b;
            case ">" -> a > b;
            case ">=" -> a >= b;
            case "<" -> a < b;
            case "<=" -> a <= b;
            default -> throw new IllegalStateException(op);
        };
    }

    private static final class BinaryNode implements Node {
        private final BinaryOperation expr;
        private final Node left;
        private final Node right;

        BinaryNode(BinaryOperation expr, Node left, Node right) {
            this.expr = expr;
            this.left = left;
            this.right = right;
        }

        @Override
        public Vec at(long t) {
            Vec l = left.at(t);
            Vec r = right.at(t);
            String op = expr.operator();
            boolean cmp = COMPARISONS.contains(op);
            if (left instanceof ScalarNode || right instanceof ScalarNode) {
                boolean scalarLeft = left instanceof ScalarNode;
                double sv = scalarLeft ? ((ScalarNode) left).value : ((ScalarNode) right).value;
                List<Sample> vec = scalarLeft ? r.samples : l.samples;
                List<Sample> out = new ArrayList<>(vec.size());
                for (Sample s : vec) {
                    double a = scalarLeft ? sv : s.value;
                    double b = scalarLeft ? s.value : sv;
                    if (cmp) {
                        boolean ok = compare(op, a, b);
                        if (expr.returnBool()) {
                            out.add(new Sample(s.labels, ok ? 1 : 0));
                        } else if (ok) {
                            out.add(new Sample(s.labels, s.value));
                        }
                    } else {
                        out.add(new Sample(s.labels, arith(op, a, b, false)));
                    }
                }
                return new Vec(out);
            }
            VectorMatching m = expr.matching();
            switch (op) {
                case "and", "or", "unless" -> {
                    Set<String> rightSigs = new HashSet<>();
                    for (Sample s : r.samples) {
                        rightSigs.add(signature(s.labels, m));
                    }
                    List<Sample> out = new ArrayList<>();
                    if (op.equals("or")) {
                        Set<String> leftSigs = new HashSet<>();
                        for (Sample s : l.samples) {
                            leftSigs.add(signature(s.labels, m));
                            out.add(s);
                        }
                        for (Sample s : r.samples) {
                            if (!leftSigs.contains(signature(s.labels, m))) {
                                out.add(s);
                            }
                        }
                    } else {
                        for (Sample s : l.samples) {
                            boolean in = rightSigs.contains(signature(s.labels, m));
                            if (in == op.equals("and")) {
                                out.add(s);
                            }
                        }
                    }
                    return new Vec(out);
                }
                default -> {
                    return vectorBinop(l.samples, r.samples, op, cmp, m);
                }
            }
        }

        private Vec vectorBinop(
                List<Sample> ls, List<Sample> rs, String op, boolean cmp, VectorMatching m) {
            boolean oneToMany = m.card().equals("one-to-many");
            List<Sample> many = oneToMany ? rs : ls;
            List<Sample> one = oneToMany ? ls : rs;
            Map<String, Sample> oneBySig = new HashMap<>();
            for (Sample s : one) {
                String sig = signature(s.labels, m);
                if (oneBySig.put(sig, s) != null) {
                    throw new InvalidQueryException(
                            "found duplicate series for the match group "
                                    + sig
                                    + " on the "
                                    + (oneToMany ? "left" : "right")
                                    + " hand-side of the operation: many-to-many matching not allowed:"
                                    + " matching labels must be unique on one side");
                }
            }
            Map<String, Labels> seen = new HashMap<>();
            List<Sample> out = new ArrayList<>();
            for (Sample s : many) {
                String sig = signature(s.labels, m);
                Sample o = oneBySig.get(sig);
                if (o == null) {
                    continue;
                }
                Sample lhs = oneToMany ? o : s;
                Sample rhs = oneToMany ? s : o;
                double value;
                if (cmp) {
                    boolean ok = compare(op, lhs.value, rhs.value);
                    if (expr.returnBool()) {
                        value = ok ? 1 : 0;
                    } else if (ok) {
                        value = lhs.value;
                    } else {
                        continue;
                    }
                } else {
                    value = arith(op, lhs.value, rhs.value, false);
                }
                Labels labels = resultLabels(s.labels, o.labels, m);
                String key = labels.toString();
                if (m.card().equals("one-to-one")) {
                    if (seen.put(sig, labels) != null) {
                        throw new InvalidQueryException(
                                "multiple matches for labels: many-to-one"
                                        + " matching must be explicit (group_left/group_right)");
                    }
                } else if (seen.put("\u0000" + key, labels) != null) {
                    throw new InvalidQueryException(
                            "multiple matches for labels: grouping"
                                    + " labels must ensure unique matches");
                }
                out.add(new Sample(labels, value));
            }
            return new Vec(out);
        }
    }

    /** The match signature: the {@code on} labels, or all but the {@code ignoring} ones. */
    static String signature(Labels l, VectorMatching m) {
        StringBuilder sb = new StringBuilder();
        for (Label x : l) {
            boolean listed = m.labels().contains(x.name());
            if (m.on() ? listed : !listed) {
                sb.append(x.name()).append('\u0000').append(x.value()).append('\u0001');
            }
        }
        return sb.toString();
    }

    /** Prometheus' {@code resultMetric} as Loki copies it. */
    static Labels resultLabels(Labels many, Labels one, VectorMatching m) {
        Map<String, String> out = new HashMap<>(many.toMap());
        if (m.card().equals("one-to-one")) {
            if (m.on()) {
                out.keySet().removeIf(n -> !m.labels().contains(n));
            } else {
                m.labels().forEach(out::remove);
            }
        }
        for (String inc : m.include()) {
            if (one.has(inc)) {
                out.put(inc, one.get(inc));
            } else {
                out.remove(inc);
            }
        }
        return Labels.of(out);
    }

    // ---- label_replace

    private static final class LabelReplaceNode implements Node {
        private final LabelReplace expr;
        private final Node inner;
        private final Pattern regex;

        LabelReplaceNode(LabelReplace expr, Node inner) {
            this.expr = expr;
            this.inner = inner;
            this.regex = Pattern.compile("^(?:" + expr.regex() + ")$", Pattern.DOTALL);
        }

        @Override
        public Vec at(long t) {
            List<Sample> out = new ArrayList<>();
            for (Sample s : inner.at(t).samples) {
                String src = s.labels.has(expr.src()) ? s.labels.get(expr.src()) : "";
                Matcher mt = regex.matcher(src);
                if (!mt.matches()) {
                    out.add(s);
                    continue;
                }
                String v = expand(expr.replacement(), mt);
                Map<String, String> m = new HashMap<>(s.labels.toMap());
                if (v.isEmpty()) {
                    m.remove(expr.dst());
                } else {
                    m.put(expr.dst(), v);
                }
                out.add(new Sample(Labels.of(m), s.value));
            }
            return new Vec(out);
        }
    }

    /**
     * Go's {@code regexp.Expand}: {@code $1}, {@code ${1}}, {@code $name}, {@code ${name}}, {@code
     * $$}.
     */
    static String expand(String template, Matcher m) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$' || i + 1 >= template.length()) {
                sb.append(c);
                i++;
                continue;
            }
            char n = template.charAt(i + 1);
            if (n == '$') {
                sb.append('$');
                i += 2;
                continue;
            }
            String name;
            int end;
            if (n == '{') {
                int close = template.indexOf('}', i + 2);
                if (close < 0) {
                    sb.append(c);
                    i++;
                    continue;
                }
                name = template.substring(i + 2, close);
                end = close + 1;
            } else {
                int k = i + 1;
                while (k < template.length()
                        && (Character.isLetterOrDigit(template.charAt(k))
                                || template.charAt(k) == '_')) {
                    k++;
                }
                if (k == i + 1) {
                    sb.append(c);
                    i++;
                    continue;
                }
                name = template.substring(i + 1, k);
                end = k;
            }
            String v = null;
            try {
                if (name.chars().allMatch(Character::isDigit)) {
                    int g = Integer.parseInt(name);
                    if (g <= m.groupCount()) {
                        v = m.group(g);
                    }
                } else {
                    v = m.group(name);
                }
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                v = null;
            }
            sb.append(v == null ? "" : v);
            i = end;
        }
        return sb.toString();
    }
}
