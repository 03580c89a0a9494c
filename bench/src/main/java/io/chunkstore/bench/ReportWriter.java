package io.chunkstore.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints a {@link BenchReport} as an aligned text table, a Markdown table or JSON. */
public final class ReportWriter {
    private ReportWriter() {}

    public static void write(BenchReport r, OutputFormat format, PrintWriter out) {
        switch (format) {
            case TEXT -> text(r, out);
            case MARKDOWN -> markdown(r, out);
            case JSON -> out.println(json(r));
        }
        out.flush();
    }

    private static String header(BenchReport r) {
        BenchOptions o = r.options();
        Environment e = r.environment();
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "backend %s (store %s), scale %s, %d rounds after %d warm-up%n",
                        o.backend().id(),
                        o.store(),
                        o.scale().name(),
                        o.rounds(),
                        o.warmup()));
        sb.append("server: ").append(r.server()).append('\n');
        sb.append(
                String.format(
                        Locale.ROOT,
                        "machine: %d CPUs (%s), load average %.2f before, %.2f after%n",
                        e.cpus(),
                        e.cpuModel(),
                        r.loadBefore(),
                        r.loadAfter()));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "JVM: %s, max heap %d MiB, GC %s; %s%n",
                        e.jvm(),
                        e.maxHeapBytes() >> 20,
                        e.gc(),
                        e.os()));
        sb.append("drivers: ")
                .append(
                        e.versions().entrySet().stream()
                                .map(x -> x.getKey() + " " + x.getValue())
                                .collect(Collectors.joining(", ")))
                .append('\n');
        sb.append(
                String.format(
                        Locale.ROOT,
                        "setup: %.1f s (%,d index entries and chunks loaded)%n",
                        r.setupSeconds(),
                        r.loadedItems()));
        return sb.toString();
    }

    static List<String[]> rows(BenchReport r) {
        List<String[]> rows = new ArrayList<>();
        for (WorkloadResult w : r.results()) {
            double[] paired = w.pairedRatios();
            rows.add(
                    new String[] {
                        w.workload().id(),
                        w.ours().label() + " / " + w.baseline().label(),
                        String.format(Locale.ROOT, "%,.0f", w.ours().medianItems()),
                        String.format(Locale.ROOT, "%,.0f", w.baseline().medianItems()),
                        w.workload().unit() + "/s",
                        String.format(Locale.ROOT, "%.1f", w.ours().medianMib()),
                        String.format(Locale.ROOT, "%.1f", w.baseline().medianMib()),
                        String.format(Locale.ROOT, "%.2f", w.ratio()),
                        String.format(
                                Locale.ROOT, "%.2f-%.2f", Stats.min(paired), Stats.max(paired)),
                        String.format(
                                Locale.ROOT,
                                "%s %.2f",
                                w.meetsTarget() ? "ok" : "MISS",
                                w.workload().target()),
                        cpu(w.ours().medianCpuPerItem()),
                        cpu(w.baseline().medianCpuPerItem()),
                        String.format(Locale.ROOT, "%.2f", w.cpuRatio()),
                        p99(w),
                    });
        }
        if (r.heap() != null) {
            HeapResult.Side ours = r.heap().sides().get(0);
            HeapResult.Side base = r.heap().sides().size() > 1 ? r.heap().sides().get(1) : null;
            rows.add(
                    new String[] {
                        "heap",
                        ours.label() + (base == null ? "" : " / " + base.label()),
                        mib(ours.growth()),
                        base == null ? "" : mib(base.growth()),
                        String.format(Locale.ROOT, "MiB growth, %,d entries", r.heap().entries()),
                        "peak " + mib(ours.maxPeak()),
                        base == null ? "" : "peak " + mib(base.maxPeak()),
                        "",
                        "",
                        String.format(
                                Locale.ROOT,
                                "%s < %.0f MiB",
                                ours.meetsTarget() ? "ok" : "MISS",
                                Workload.HEAP_TARGET_MIB),
                        "",
                        "",
                        "",
                        "",
                    });
        }
        return rows;
    }

    /** Median p99 latency of one operation, ours : baseline, in ms; blank when not timed. */
    private static String p99(WorkloadResult w) {
        if (w.ours().p99Millis().length == 0) {
            return "";
        }
        return String.format(
                Locale.ROOT,
                "%.2f : %.2f",
                w.ours().medianP99Millis(),
                w.baseline().medianP99Millis());
    }

    /** CPU per item: microseconds with two decimals (entries cost well under one). */
    private static String cpu(double nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1000);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", Stats.mib(bytes));
    }

    private static final String[] COLUMNS = {
        "workload",
        "ours / baseline",
        "ours",
        "baseline",
        "unit",
        "ours MiB/s",
        "base MiB/s",
        "ratio",
        "rounds",
        "target",
        "ours CPU us",
        "base CPU us",
        "CPU ratio",
        "p99 ms ours : base"
    };

    static void text(BenchReport r, PrintWriter out) {
        out.print(header(r));
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(COLUMNS);
        rows.addAll(rows(r));
        int[] width = new int[COLUMNS.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean number = i >= 2 && i != 4 && i != 9 && i != 13;
                String cell = row[i];
                String pad = " ".repeat(width[i] - cell.length());
                sb.append(number ? pad + cell : cell + pad).append(i + 1 < row.length ? "  " : "");
            }
            out.println(sb.toString().stripTrailing());
        }
        for (String e : r.errors()) {
            out.println("FAILED: " + e);
        }
        out.println();
        out.println(
                "ratio = median ours / median baseline; rounds = the range of round-by-round ratios;"
                        + " CPU = this JVM's CPU time per item (all threads), CPU ratio = baseline's over ours;"
                        + " p99 = median over rounds of the 99th percentile latency of one query;"
                        + " heap = largest growth retained after a collection (peak = including uncollected garbage)");
    }

    static void markdown(BenchReport r, PrintWriter out) {
        for (String line : header(r).split("\n")) {
            out.println("- " + line);
        }
        out.println();
        out.println("| " + String.join(" | ", COLUMNS) + " |");
        out.println(
                "|"
                        + Arrays.stream(COLUMNS).map(c -> "---").collect(Collectors.joining("|"))
                        + "|");
        for (String[] row : rows(r)) {
            out.println("| " + String.join(" | ", row) + " |");
        }
        for (String e : r.errors()) {
            out.println();
            out.println("FAILED: " + e);
        }
    }

    static String json(BenchReport r) {
        Map<String, Object> root = new LinkedHashMap<>();
        BenchOptions o = r.options();
        root.put("backend", o.backend().id());
        root.put("store", o.store());
        root.put("scale", o.scale());
        root.put("rounds", o.rounds());
        root.put("warmup", o.warmup());
        root.put("server", r.server());
        root.put("environment", r.environment());
        root.put("loadAverageBefore", r.loadBefore());
        root.put("loadAverageAfter", r.loadAfter());
        root.put("setupSeconds", r.setupSeconds());
        root.put("loadedItems", r.loadedItems());
        List<Map<String, Object>> results = new ArrayList<>();
        for (WorkloadResult w : r.results()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("workload", w.workload().id());
            m.put("unit", w.workload().unit() + "/s");
            m.put("itemsPerRun", w.itemsPerRun());
            m.put("bytesPerRun", w.bytesPerRun());
            m.put("ours", side(w.ours()));
            m.put("baseline", side(w.baseline()));
            m.put("ratio", w.ratio());
            m.put("cpuRatio", w.cpuRatio());
            m.put("pairedRatios", w.pairedRatios());
            m.put("target", w.workload().target());
            m.put("meetsTarget", w.meetsTarget());
            results.add(m);
        }
        root.put("results", results);
        root.put("errors", r.errors());
        if (r.heap() != null) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("entries", r.heap().entries());
            h.put("targetMiB", Workload.HEAP_TARGET_MIB);
            List<Map<String, Object>> sides = new ArrayList<>();
            for (HeapResult.Side s : r.heap().sides()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("label", s.label());
                m.put(
                        "maxRetainedGrowthMiB",
                        s.maxRetained() < 0 ? null : Stats.mib(s.maxRetained()));
                m.put("maxPeakGrowthMiB", Stats.mib(s.maxPeak()));
                m.put("meetsTarget", s.meetsTarget());
                m.put("runs", s.runs());
                sides.add(m);
            }
            h.put("sides", sides);
            root.put("heap", h);
        }
        try {
            return new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot write the report as JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> side(SideStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", s.label());
        m.put("medianPerSecond", s.medianItems());
        m.put("medianMiBPerSecond", s.medianMib());
        m.put("perSecond", s.itemsPerSecond());
        m.put("miBPerSecond", s.mibPerSecond());
        m.put("medianCpuNanosPerItem", s.medianCpuPerItem());
        m.put("cpuNanosPerItem", s.cpuPerItem());
        if (s.p99Millis().length > 0) {
            m.put("medianP99Millis", s.medianP99Millis());
            m.put("p99Millis", s.p99Millis());
        }
        return m;
    }
}
