package io.chunkstore.cli;

import io.chunkstore.core.chunk.Sample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's {@code promtool} (package {@code prometheus}; {@code .ci/run} installs it) on a
 * folder of blocks: {@code tsdb analyze} and {@code tsdb dump}, the latter parsed into samples per
 * series text ({@code {a="b", c="d"}} as promtool prints a label set).
 */
public final class PromtoolDump {
    private PromtoolDump() {}

    /** The promtool binary, failing with the install command when it is missing. */
    public static String promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, "promtool");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException(
                "promtool is not on the PATH: apt-get install -y prometheus (as .ci/run does)");
    }

    /** Runs promtool with {@code args}, returning stdout; fails on a non-zero exit. */
    public static String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(promtool());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("promtool", ".out");
        try {
            Process p =
                    new ProcessBuilder(cmd)
                            .redirectErrorStream(true)
                            .redirectOutput(out.toFile())
                            .start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("promtool " + args[0] + " did not finish in 120 s");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(
                        "promtool "
                                + String.join(" ", args)
                                + " exited "
                                + p.exitValue()
                                + ":\n"
                                + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * {@code promtool tsdb dump DIR}: series text (promtool's label set form) to samples in time
     * order. A NaN value (the stale marker among them) is returned as the stale marker's bits,
     * since promtool prints every NaN as "NaN".
     */
    public static Map<String, List<Sample>> dump(Path dbDir)
            throws IOException, InterruptedException {
        // promtool opens the folder as a database: it wants a WAL directory, even an empty one.
        Files.createDirectories(dbDir.resolve("wal"));
        String text = run("tsdb", "dump", dbDir.toString());
        Map<String, List<Sample>> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || !line.startsWith("{")) {
                continue;
            }
            int close = line.lastIndexOf("} ");
            String series = line.substring(0, close + 1);
            String[] rest = line.substring(close + 2).trim().split(" ");
            double v = parseGoFloat(rest[0]);
            out.computeIfAbsent(series, k -> new ArrayList<>())
                    .add(new Sample(Long.parseLong(rest[1]), v));
        }
        return out;
    }

    /** Go's %g text of a float64. */
    static double parseGoFloat(String s) {
        return switch (s) {
            case "NaN" -> Double.longBitsToDouble(Sample.STALE_NAN_BITS);
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    /** A label set as promtool prints it: {@code {a="b", c="d"}} (Go's %q quoting of values). */
    public static String seriesText(io.chunkstore.core.model.Labels labels) {
        StringBuilder b = new StringBuilder("{");
        labels.forEach(
                l -> {
                    if (b.length() > 1) {
                        b.append(", ");
                    }
                    b.append(l.name())
                            .append("=\"")
                            .append(l.value().replace("\\", "\\\\").replace("\"", "\\\""))
                            .append('"');
                });
        return b.append('}').toString();
    }
}
