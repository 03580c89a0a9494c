package io.chunkstore.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chunkstore.cli.common.CliTime;
import io.chunkstore.cli.common.Json;
import io.chunkstore.cli.common.OutputOption;
import io.chunkstore.cli.common.Progress;
import io.chunkstore.cli.common.SampleValues;
import io.chunkstore.cli.common.StoreOptions;
import io.chunkstore.cli.common.UserOption;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.IndexedChunk;
import io.chunkstore.core.store.QueryMatchers;
import io.chunkstore.server.ConfigStores;
import io.chunkstore.spi.InvalidChunkException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code chunkstore query}: the series matching a selector in a time range and their chunks, read
 * through the index of every schema period the range touches (as a Cortex querier does), each chunk
 * fetched and verified against its key; optionally the decoded samples.
 */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = {
            "Find the series matching a selector and their chunks: key, table, from, through, labels;"
                    + " with --samples, also the samples of Prometheus chunks (every Cortex encoding: Delta, DoubleDelta,"
                    + " Varbit, Bigchunk, PrometheusXorChunk; non-finite values as +Inf, -Inf, NaN, StaleNaN for"
                    + " Prometheus' stale marker, NaN(0x<bits>) for other NaNs).",
            "Chunks are found through the index and fetched (the labels live in the chunk), in batches with a"
                    + " progress bar on a terminal. The config's limits (max_query_length, max_chunks_per_query)"
                    + " apply.",
            "Exit codes: 0 ok, 1 a chunk's samples do not decode, 2 bad selector / config / range, 3 store"
                    + " unreachable or a chunk missing."
        })
final class QueryCommand implements Callable<Integer> {
    static final int FETCH_BATCH = 100;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin StoreOptions store;

    @Mixin TimeRangeOptions range;

    @Mixin OutputOption output;

    @Mixin UserOption user;

    @Parameters(
            index = "0",
            paramLabel = "SELECTOR",
            description =
                    "Series selector, e.g. '{__name__=\"foo\",bar=~\"b.*\"}' or 'foo{bar=\"baz\"}'.")
    String selector;

    @Option(names = "--samples", description = "Also print each chunk's samples.")
    boolean samples;

    @Option(
            names = "--skip-undecodable",
            description =
                    "With --samples: a chunk whose samples do not decode gets its error in place of samples"
                            + " (JSON: samplesError) and a line on stderr naming it, the query goes on, and the exit code is"
                            + " 1. Without it the first such chunk stops the query (exit 1).")
    boolean skipUndecodable;

    /** A matching series and its chunks. */
    private record Series(Labels labels, List<Found> chunks) {}

    /**
     * A chunk found, with its samples when asked for (null for a Loki chunk, or when they did not
     * decode, then with the reason).
     */
    private record Found(
            IndexedChunk ref, Chunk chunk, List<Sample> samples, String samplesError) {}

    private Found found(IndexedChunk ref, Chunk c) {
        if (!samples || c.encoding().isLogs()) {
            return new Found(ref, c, null, null);
        }
        try {
            return new Found(ref, c, c.samples(), null);
        } catch (InvalidChunkException e) {
            if (!skipUndecodable) {
                throw e;
            }
            spec.commandLine()
                    .getErr()
                    .println(
                            "chunkstore query: skipped the samples of "
                                    + ref.externalKey()
                                    + ": "
                                    + e.getMessage());
            return new Found(ref, c, null, e.getMessage());
        }
    }

    @Override
    public Integer call() {
        range.check(spec);
        List<LabelMatcher> matchers = Selectors.parseMatchers(selector);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<Found> found = new ArrayList<>();
        try (ConfigStores stores = store.open(registry)) {
            CompositeStore cs = stores.querier();
            List<IndexedChunk> refs = cs.chunkRefs(user.id(), range.from, range.to, matchers);
            try (Progress progress = Progress.start("chunks", refs.size())) {
                for (int i = 0; i < refs.size(); i += FETCH_BATCH) {
                    List<IndexedChunk> batch =
                            refs.subList(i, Math.min(refs.size(), i + FETCH_BATCH));
                    Map<ChunkRef, IndexedChunk> byRef = new HashMap<>();
                    batch.forEach(r -> byRef.put(r.ref(), r));
                    for (Chunk c : cs.fetch(batch)) {
                        IndexedChunk r = byRef.get(c.ref());
                        if (r != null && QueryMatchers.matchesAll(c.labels(), matchers)) {
                            found.add(found(r, c));
                        }
                    }
                    progress.stepBy(batch.size());
                }
            }
        }
        Map<String, Series> series = new TreeMap<>();
        for (Found f : found) {
            series.computeIfAbsent(
                            f.chunk.labels().toString(),
                            k -> new Series(f.chunk.labels(), new ArrayList<>()))
                    .chunks
                    .add(f);
        }
        series.values()
                .forEach(
                        s ->
                                s.chunks.sort(
                                        Comparator.comparingLong((Found f) -> f.chunk.from())
                                                .thenComparing(f -> f.ref.externalKey())));
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            Json.print(out, json(series.values()));
        } else {
            text(out, series.values());
        }
        return found.stream().anyMatch(f -> f.samplesError != null)
                ? ExitCodes.FAILED
                : ExitCodes.OK;
    }

    private ObjectNode json(Iterable<Series> all) {
        ObjectNode root = Json.object();
        root.put("user", user.id());
        root.put("selector", selector);
        root.put("from", range.from);
        root.put("to", range.to);
        ArrayNode arr = root.putArray("series");
        int chunks = 0;
        for (Series s : all) {
            ObjectNode o = arr.addObject();
            ObjectNode labels = o.putObject("labels");
            for (Label l : s.labels) {
                labels.put(l.name(), l.value());
            }
            ArrayNode cs = o.putArray("chunks");
            for (Found f : s.chunks) {
                chunks++;
                ObjectNode c = cs.addObject();
                c.put("key", f.ref.externalKey());
                c.put("table", f.ref.tableName());
                c.put("from", f.chunk.from());
                c.put("through", f.chunk.through());
                c.put("encoding", f.chunk.encoding().goName());
                if (samples) {
                    if (f.samples != null) {
                        ArrayNode ss = c.putArray("samples");
                        for (Sample smp : f.samples) {
                            ArrayNode pair = ss.addArray();
                            pair.add(smp.timestamp());
                            String name = SampleValues.nonFiniteName(smp.value());
                            if (name != null) {
                                pair.add(name);
                            } else {
                                pair.add(smp.value());
                            }
                        }
                    } else {
                        c.putNull("samples");
                        if (f.samplesError != null) {
                            c.put("samplesError", f.samplesError);
                        }
                    }
                }
            }
        }
        root.put("seriesCount", arr.size());
        root.put("chunkCount", chunks);
        return root;
    }

    private void text(PrintWriter out, Iterable<Series> all) {
        int n = 0;
        int chunks = 0;
        for (Series s : all) {
            n++;
            out.println(
                    s.labels
                            + "  ("
                            + s.chunks.size()
                            + " chunk"
                            + (s.chunks.size() == 1 ? "" : "s")
                            + ")");
            for (Found f : s.chunks) {
                chunks++;
                out.println("  " + f.ref.externalKey());
                out.println(
                        "    table "
                                + (f.ref.tableName().isEmpty() ? "-" : f.ref.tableName())
                                + "  from "
                                + CliTime.format(f.chunk.from())
                                + "  through "
                                + CliTime.format(f.chunk.through())
                                + "  "
                                + f.chunk.encoding().goName());
                if (samples) {
                    if (f.samples != null) {
                        for (Sample smp : f.samples) {
                            out.println(
                                    "      "
                                            + CliTime.format(smp.timestamp())
                                            + "  "
                                            + SampleValues.text(smp.value()));
                        }
                    } else if (f.samplesError != null) {
                        out.println("      (samples not decoded: " + f.samplesError + ")");
                    } else {
                        out.println("      (a Loki log chunk: no samples)");
                    }
                }
            }
        }
        out.println(n + " series, " + chunks + " chunks");
        out.flush();
    }
}
