package io.chunkstore.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chunkstore.cli.common.Progress;
import io.chunkstore.cli.common.StoreOptions;
import io.chunkstore.cli.common.TenantText;
import io.chunkstore.cli.convert.BlocksStorageConfig;
import io.chunkstore.core.blocks.BlockConverter;
import io.chunkstore.core.blocks.BlockWriter;
import io.chunkstore.core.blocks.ConversionUnit;
import io.chunkstore.core.blocks.UnitResult;
import io.chunkstore.core.config.ConfigDialect;
import io.chunkstore.core.migrate.MigrationPlan;
import io.chunkstore.server.ConfigStores;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.ObjectClient;
import io.chunkstore.spi.ObjectNotFoundException;
import io.chunkstore.spi.support.ByteSize;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code chunkstore convert}: the store's data in other formats. */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        description = "Convert the chunk store's data into another storage format.",
        subcommands = {ConvertCommand.Blocks.class})
public final class ConvertCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code chunkstore convert blocks}: (tenant, day) units into Prometheus TSDB blocks for
     * Cortex's blocks storage, Mimir and Thanos, with {@link BlockConverter}.
     */
    @Command(
            name = "blocks",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Convert a Cortex chunk store into Prometheus TSDB blocks, one per tenant and UTC day of"
                        + " [--from, --to), under <tenant>/<ULID>/ in the --dest-config's blocks_storage bucket:"
                        + " what Cortex's blocks storage, Mimir and Thanos read.",
                "Series are listed per metric name (the index has no list of a tenant's metrics or of its"
                        + " tenants): give each tenant with --user and the metrics with --match"
                        + " '{__name__=~\"m1|m2\"}'.",
                "A finished unit is recorded in <tenant>/chunkstore-convert/<day>.done in the destination,"
                        + " so a rerun skips it; a unit interrupted mid-upload is rebuilt from scratch."
                        + " --shard I/N converts every N-th unit (N machines, or a Kubernetes Indexed Job).",
                "Exit codes: 0 done, 1 a unit failed or --verify found a difference, 2 bad arguments or"
                        + " config, 3 a store could not be reached.",
                "See docs/convert.md."
            })
    public static final class Blocks implements Callable<Integer> {
        private static final Pattern SHARD = Pattern.compile("(\\d+)/(\\d+)");

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Mixin StoreOptions store;

        @Option(
                names = "--dest-config",
                required = true,
                paramLabel = "FILE",
                description =
                        "YAML with Cortex's blocks_storage: block (backend: filesystem with filesystem.dir,"
                                + " or backend: s3 with s3.bucket_name, endpoint, ...).")
        Path destConfig;

        @Mixin HalfOpenRangeOptions range;

        @Option(
                names = "--user",
                parameterConsumer = TenantText.class,
                required = true,
                paramLabel = "USER",
                description = "A tenant to convert (repeatable).")
        List<String> users = new ArrayList<>();

        @Option(
                names = "--match",
                required = true,
                paramLabel = "SELECTOR",
                description =
                        "Series to convert, with a metric name: '{__name__=\"m\"}', 'm{job=\"x\"}' or"
                                + " '{__name__=~\"m1|m2\"}' (repeatable).")
        List<String> matches = new ArrayList<>();

        @Option(
                names = "--shard",
                paramLabel = "I/N",
                description = "Convert units I, I+N, I+2N, ... of the plan (0 <= I < N).")
        String shard;

        @Option(
                names = "--plan-only",
                description = "Print the units (and whether each is done); convert nothing.")
        boolean planOnly;

        @Option(
                names = "--verify",
                description =
                        "Read every written block back and compare each series' samples with the store's.")
        boolean verify;

        @Option(
                names = "--skip-corrupt",
                description =
                        "Skip (and list) series with a missing or undecodable chunk instead of failing the unit.")
        boolean skipCorrupt;

        @Option(
                names = "--work-dir",
                paramLabel = "DIR",
                description =
                        "Local folder where a block is built before its upload (default: a temporary folder).")
        Path workDir;

        @Option(
                names = "--segment-size",
                paramLabel = "BYTES",
                defaultValue = "512MiB",
                description =
                        "Largest chunk segment file (default ${DEFAULT-VALUE}, Prometheus'); uploads stream it from the --work-dir, --verify reads one back into memory at a time.")
        String segmentSize;

        @Option(
                names = "--spill-series",
                paramLabel = "N",
                defaultValue = "" + BlockWriter.DEFAULT_SPILL_SERIES,
                description =
                        "Series of a unit kept in memory before the sorted series list spills to --work-dir"
                                + " (default ${DEFAULT-VALUE}).")
        int spillSeries;

        @Option(
                names = "--batch",
                paramLabel = "N",
                defaultValue = "2000",
                description = "Chunks fetched per batch (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(
                names = "--output",
                paramLabel = "FORMAT",
                defaultValue = "text",
                description = "Summary as text (default) or json.")
        String output;

        @Override
        public Integer call() throws IOException {
            boolean json =
                    switch (output.toLowerCase(Locale.ROOT)) {
                        case "text" -> false;
                        case "json" -> true;
                        default ->
                                throw new CommandLine.ParameterException(
                                        spec.commandLine(),
                                        "--output must be text or json, not '" + output + "'");
                    };
            HalfOpenRangeOptions.Millis span = range.millis(spec);
            long fromMs = span.fromMs();
            long toMs = span.toMs();
            int shardIndex = 0;
            int shardCount = 1;
            if (shard != null) {
                Matcher m = SHARD.matcher(shard);
                if (!m.matches()
                        || Integer.parseInt(m.group(2)) < 1
                        || Integer.parseInt(m.group(1)) >= Integer.parseInt(m.group(2))) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(),
                            "--shard must be I/N with 0 <= I < N (e.g. 0/3, or $JOB_COMPLETION_INDEX/N), not '"
                                    + shard
                                    + "'");
                }
                shardIndex = Integer.parseInt(m.group(1));
                shardCount = Integer.parseInt(m.group(2));
            }
            long segBytes;
            try {
                segBytes = ByteSize.parse(segmentSize);
            } catch (RuntimeException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--segment-size " + segmentSize + ": " + e.getMessage());
            }
            if (store.load().dialect() == ConfigDialect.LOKI) {
                throw new ConfigException(
                        "--config "
                                + store.path()
                                + " is a Loki config: its chunks hold log lines, not samples; convert blocks"
                                + " reads Cortex metrics stores");
            }
            // The selectors mean what they mean to migrate: one lookup per metric name, every
            // matcher
            // applied to the fetched chunks.
            MigrationPlan.Builder pb = MigrationPlan.builder(fromMs, toMs);
            users.forEach(u -> pb.tenant(u, u));
            matches.forEach(pb::match);
            MigrationPlan selection = pb.build();
            List<ConversionUnit> units =
                    ConversionUnit.shard(
                            ConversionUnit.plan(users, fromMs, toMs), shardIndex, shardCount);
            BlocksStorageConfig dest = BlocksStorageConfig.load(destConfig);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            try (ObjectClient bucket = dest.open()) {
                if (planOnly) {
                    ArrayNode arr = mapper.createArrayNode();
                    for (ConversionUnit u : units) {
                        boolean done = exists(bucket, BlockConverter.doneKey(u));
                        if (json) {
                            arr.addObject()
                                    .put("tenant", u.tenant())
                                    .put("day", u.day().toString())
                                    .put("from", u.from())
                                    .put("to", u.to())
                                    .put("done", done);
                        } else {
                            out.println(u.id() + (done ? " done" : " todo"));
                        }
                    }
                    if (json) {
                        out.println(mapper.writeValueAsString(arr));
                    }
                    out.flush();
                    return ExitCodes.OK;
                }
                Path work =
                        workDir != null ? workDir : Files.createTempDirectory("chunkstore-convert");
                Files.createDirectories(work);
                List<UnitResult> results = new ArrayList<>();
                long t0 = System.nanoTime();
                try (ConfigStores stores = store.open(new SimpleMeterRegistry());
                        Progress progress = Progress.start("units", units.size())) {
                    BlockConverter converter =
                            new BlockConverter(
                                            stores.unlimited(),
                                            bucket,
                                            selection.lookups(),
                                            selection::selects,
                                            work)
                                    .verify(verify)
                                    .skipCorrupt(skipCorrupt)
                                    .segmentSize(segBytes)
                                    .batchChunks(batch)
                                    .spillSeries(spillSeries);
                    int n = 0;
                    for (ConversionUnit u : units) {
                        UnitResult r = converter.convert(u);
                        results.add(r);
                        n++;
                        progress.step();
                        progress.message(u.id());
                        if (!Progress.enabled()) {
                            err.println(logLine(r, n, units.size()));
                            err.flush();
                        }
                    }
                } finally {
                    if (workDir == null) {
                        deleteIfEmpty(work);
                    }
                }
                long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
                ObjectNode summary =
                        summary(mapper, results, dest, shardIndex, shardCount, elapsedMs);
                out.print(
                        json ? mapper.writeValueAsString(summary) + "\n" : text(results, summary));
                out.flush();
                return results.stream().allMatch(UnitResult::ok) ? ExitCodes.OK : ExitCodes.FAILED;
            }
        }

        private static boolean exists(ObjectClient bucket, String key) {
            try {
                bucket.getObject(key);
                return true;
            } catch (ObjectNotFoundException e) {
                return false;
            }
        }

        private static void deleteIfEmpty(Path dir) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // not empty: a failed unit left its block for inspection
            }
        }

        static String logLine(UnitResult r, int n, int total) {
            String s =
                    String.format(
                            Locale.ROOT,
                            "convert blocks: [%d/%d] %s %s",
                            n,
                            total,
                            r.unit().id(),
                            r.status().name().toLowerCase(Locale.ROOT).replace('_', ' '));
            if (r.ulid() != null) {
                s +=
                        String.format(
                                Locale.ROOT,
                                " block %s: %,d series, %,d samples",
                                r.ulid(),
                                r.series(),
                                r.samples());
            }
            if (r.error() != null) {
                s += ": " + r.error();
            }
            if (!r.verifyDifferences().isEmpty()) {
                s += ": --verify found " + r.verifyDifferences().size() + " differences";
            }
            return s + String.format(Locale.ROOT, " (%d ms)", r.millis());
        }

        static ObjectNode summary(
                ObjectMapper mapper,
                List<UnitResult> results,
                BlocksStorageConfig dest,
                int shardIndex,
                int shardCount,
                long elapsedMs) {
            ObjectNode s = mapper.createObjectNode();
            s.put("destination", dest.describe());
            s.put("shard", shardIndex + "/" + shardCount);
            s.put("units", results.size());
            long series = 0;
            long samples = 0;
            int converted = 0;
            int done = 0;
            int empty = 0;
            int failed = 0;
            int differing = 0;
            for (UnitResult r : results) {
                switch (r.status()) {
                    case CONVERTED -> {
                        converted++;
                        series += r.series();
                        samples += r.samples();
                    }
                    case ALREADY_DONE -> done++;
                    case EMPTY -> empty++;
                    case FAILED -> failed++;
                }
                if (!r.verifyDifferences().isEmpty()) {
                    differing++;
                }
            }
            s.put("converted", converted)
                    .put("alreadyDone", done)
                    .put("empty", empty)
                    .put("failed", failed);
            s.put("verifyDifferences", differing);
            s.put("series", series).put("samples", samples).put("elapsedMs", elapsedMs);
            double secs = Math.max(elapsedMs, 1) / 1000.0;
            s.put("samplesPerSecond", Math.round(samples / secs))
                    .put("seriesPerSecond", Math.round(series / secs));
            ArrayNode arr = s.putArray("results");
            for (UnitResult r : results) {
                ObjectNode o = arr.addObject();
                o.put("tenant", r.unit().tenant()).put("day", r.unit().day().toString());
                o.put("status", r.status().name().toLowerCase(Locale.ROOT));
                if (r.ulid() != null) {
                    o.put("block", r.unit().tenant() + "/" + r.ulid());
                }
                o.put("series", r.series()).put("samples", r.samples()).put("chunks", r.chunks());
                o.put("verified", r.verified()).put("ms", r.millis());
                if (r.error() != null) {
                    o.put("error", r.error());
                }
                if (!r.skipped().isEmpty()) {
                    r.skipped().forEach(o.putArray("skippedCorrupt")::add);
                }
                if (!r.verifyDifferences().isEmpty()) {
                    r.verifyDifferences().forEach(o.putArray("verifyDifferences")::add);
                }
            }
            return s;
        }

        static String text(List<UnitResult> results, ObjectNode s) {
            StringBuilder b = new StringBuilder();
            b.append(
                    String.format(
                            Locale.ROOT,
                            "convert blocks %s: %d units (shard %s) to %s: %d converted, %d already done, %d empty,"
                                    + " %d failed; %,d series, %,d samples in %d ms%n",
                            s.get("failed").asInt() == 0 && s.get("verifyDifferences").asInt() == 0
                                    ? "complete"
                                    : "failed",
                            results.size(),
                            s.get("shard").asText(),
                            s.get("destination").asText(),
                            s.get("converted").asInt(),
                            s.get("alreadyDone").asInt(),
                            s.get("empty").asInt(),
                            s.get("failed").asInt(),
                            s.get("series").asLong(),
                            s.get("samples").asLong(),
                            s.get("elapsedMs").asLong()));
            for (UnitResult r : results) {
                if (!r.ok() || !r.skipped().isEmpty()) {
                    b.append("  ").append(r.unit().id()).append(": ");
                    if (r.error() != null) {
                        b.append(r.error());
                    }
                    r.skipped().forEach(k -> b.append("\n    skipped corrupt: ").append(k));
                    r.verifyDifferences().forEach(d -> b.append("\n    verify: ").append(d));
                    b.append('\n');
                }
            }
            if (s.get("failed").asInt() > 0) {
                b.append(
                        "rerun with the same arguments: finished units are skipped, failed ones rebuilt\n");
            }
            return b.toString();
        }
    }
}
