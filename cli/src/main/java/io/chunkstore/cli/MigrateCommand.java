package io.chunkstore.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chunkstore.cli.common.FreeText;
import io.chunkstore.cli.common.Progress;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.ConfigDialect;
import io.chunkstore.core.config.Durations;
import io.chunkstore.core.migrate.Checkpoint;
import io.chunkstore.core.migrate.DestinationTables;
import io.chunkstore.core.migrate.MigrationDestination;
import io.chunkstore.core.migrate.MigrationFailure;
import io.chunkstore.core.migrate.MigrationListener;
import io.chunkstore.core.migrate.MigrationPlan;
import io.chunkstore.core.migrate.MigrationSource;
import io.chunkstore.core.migrate.MigrationSummary;
import io.chunkstore.core.migrate.Migrator;
import io.chunkstore.core.migrate.Shard;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.StoreBackends;
import io.chunkstore.core.tables.TableManagerConfig;
import io.chunkstore.server.ConfigStores;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.support.DaemonThreads;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chunkstore migrate}: copies chunks and their index from one store to another with the
 * engine in {@link io.chunkstore.core.migrate}; this class only reads the command line, opens the
 * two stores, shows progress and prints the summary.
 */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Copy chunks and their index from one chunk store to another: any backend to any backend, across schema"
                    + " versions (the destination's periods decide the index layout and the key form) and tenant"
                    + " renames (the chunk is re-encoded for its new tenant). The source is only read.",
            "The range [--from, --to) is cut into --shard-by shards per tenant, run by --parallel workers; each"
                    + " lists its chunks from the source index, fetches them in --batch batches and writes chunks,"
                    + " then index entries. With --checkpoint a stopped (Ctrl-C) or crashed run resumes where it"
                    + " was; every write is a content-addressed overwrite, so rerunning is harmless.",
            "Series are listed per metric name (the index has no list of a tenant's metrics): give"
                    + " --match '{__name__=\"m\"}' or '{__name__=~\"m1|m2\"}'. For a Loki source every stream is"
                    + " __name__=\"logs\", so --match is optional and may omit the name.",
            "Exit codes: 0 done (or stopped by --max-shards), 1 something failed (listed in the summary), 2 bad"
                    + " arguments or config, 3 a store could not be reached, 130 stopped by Ctrl-C.",
            "See docs/migrate.md."
        })
public final class MigrateCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--source-config",
            required = true,
            paramLabel = "FILE",
            description = "Cortex or Loki config of the store to read (schema and storage blocks).")
    Path sourceConfig;

    @Option(
            names = "--dest-config",
            required = true,
            paramLabel = "FILE",
            description =
                    "Cortex or Loki config of the store to write; its schema periods decide the index layout.")
    Path destConfig;

    @Mixin HalfOpenRangeOptions range;

    @Option(
            names = "--tenant",
            parameterConsumer = FreeText.class,
            required = true,
            paramLabel = "SRC[=DST]",
            description = "A tenant to migrate, renamed to DST when given (repeatable).")
    List<String> tenants = new ArrayList<>();

    @Option(
            names = "--match",
            paramLabel = "SELECTOR",
            description =
                    "Series to migrate, with a metric name: '{__name__=\"m\",job=\"x\"}', 'm{job=\"x\"}' or"
                            + " '{__name__=~\"m1|m2\"}' (repeatable; a chunk is copied when one matches). Default for a Loki"
                            + " source: every stream.")
    List<String> matches = new ArrayList<>();

    @Option(
            names = "--parallel",
            paramLabel = "N",
            defaultValue = "" + MigrationPlan.DEFAULT_PARALLEL,
            description = "Shards migrated at once (default ${DEFAULT-VALUE}).")
    int parallel;

    @Option(
            names = "--batch",
            paramLabel = "N",
            defaultValue = "" + MigrationPlan.DEFAULT_BATCH,
            description = "Chunks fetched and written per batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--shard-by",
            paramLabel = "DURATION",
            defaultValue = "6h",
            description = "Length of a time shard (default ${DEFAULT-VALUE}).")
    String shardBy;

    @Option(
            names = "--checkpoint",
            paramLabel = "FILE",
            description =
                    "Record progress here and resume from it; refused when written for other parameters.")
    Path checkpoint;

    @Option(
            names = "--verify",
            description =
                    "Read every written chunk back, compare it, and find it through the destination index.")
    boolean verify;

    @Option(
            names = "--dry-run",
            description = "List what would be copied; write nothing (not even the checkpoint).")
    boolean dryRun;

    @Option(
            names = "--create-tables",
            description =
                    "Create missing destination tables the chunks are written to (provisioned as the"
                            + " destination's table_manager block says for active tables).")
    boolean createTables;

    @Option(
            names = "--max-shards",
            paramLabel = "N",
            defaultValue = "0",
            description =
                    "Stop after this many shards (resume later with the same --checkpoint); 0 = all.")
    int maxShards;

    @Option(
            names = "--output",
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "Summary as text (default) or json.")
    String output;

    @Override
    public Integer call() {
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
        Duration shard;
        try {
            shard = Durations.parse(shardBy);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--shard-by " + shardBy + ": " + e.getMessage() + " (write e.g. 6h, 1d, 30m)");
        }
        ChunkstoreConfig src = ChunkstoreConfig.load(sourceConfig);
        ChunkstoreConfig dst = ChunkstoreConfig.load(destConfig);
        MigrationPlan.Builder b =
                MigrationPlan.builder(span.fromMs(), span.toMs())
                        .shardBy(shard)
                        .parallel(parallel)
                        .batchSize(batch)
                        .verify(verify)
                        .dryRun(dryRun)
                        .maxShards(maxShards)
                        .identities(identity(sourceConfig, src), identity(destConfig, dst));
        if (src.dialect() == ConfigDialect.LOKI) {
            b.impliedMetricName(MigrationPlan.LOKI_METRIC_NAME);
        }
        for (String t : tenants) {
            int eq = t.indexOf('=');
            if (eq < 0) {
                b.tenant(t, t);
            } else {
                b.tenant(t.substring(0, eq), t.substring(eq + 1));
            }
        }
        matches.forEach(b::match);
        MigrationPlan plan = b.build();
        Checkpoint ckpt =
                checkpoint == null
                        ? Checkpoint.inMemory(plan.identity())
                        : Checkpoint.open(checkpoint, plan.identity());

        MeterRegistry registry = new SimpleMeterRegistry();
        boolean sameConfig = sameFile(sourceConfig, destConfig);
        PrintWriter err = spec.commandLine().getErr();
        // No index cache (every lookup reads the store, so verification sees what was written), no
        // chunk cache and no
        // query limits: ConfigStores.unlimited().
        try (ConfigStores srcStores = ConfigStores.open(src, registry);
                ConfigStores dstStores = sameConfig ? null : ConfigStores.open(dst, registry)) {
            ConfigStores dstOpened = sameConfig ? srcStores : dstStores;
            CompositeStore srcStore = srcStores.unlimited();
            CompositeStore dstStore = dstOpened.unlimited();
            StoreBackends dstB = dstOpened.backends();
            DestinationTables tables =
                    !createTables
                            ? null
                            : new DestinationTables(
                                    dst.schemaConfig(),
                                    store ->
                                            dstB.backend(store).capabilities().has(Feature.TABLES)
                                                    ? dstB.tableClient(store)
                                                    : null,
                                    TableManagerConfig.from(dst));
            Migrator migrator =
                    new Migrator(
                                    MigrationSource.of(srcStore),
                                    MigrationDestination.of(dstStore, tables),
                                    plan)
                            .checkpoint(ckpt);
            Reporter reporter = new Reporter(err, plan);
            migrator.listener(reporter);

            CountDownLatch finished = new CountDownLatch(1);
            AtomicBoolean signalled = new AtomicBoolean();
            Thread hook =
                    new Thread(
                            () -> {
                                signalled.set(true);
                                err.println(
                                        "chunkstore migrate: stopping after the running batches; the checkpoint keeps the"
                                                + " progress (kill the process to stop at once)");
                                err.flush();
                                migrator.stop();
                                try {
                                    finished.await(60, TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "migrate-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            MigrationSummary summary;
            try {
                summary = migrator.run();
                reporter.close();
                PrintWriter out = spec.commandLine().getOut();
                out.print(json ? json(summary, plan) : text(summary, plan));
                out.flush();
            } finally {
                reporter.close();
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it returns once we are done here
                }
            }
            if (!summary.ok()) {
                return ExitCodes.FAILED;
            }
            return signalled.get() ? ExitCodes.INTERRUPTED : ExitCodes.OK;
        }
    }

    /** What a checkpoint ties the run to: the config file and a digest of its schema periods. */
    static String identity(Path file, ChunkstoreConfig config) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] d =
                    sha.digest(config.schemaConfig().toString().getBytes(StandardCharsets.UTF_8));
            return file.toAbsolutePath().normalize()
                    + " (schema "
                    + HexFormat.of().formatHex(d, 0, 8)
                    + ")";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return a.toRealPath().equals(b.toRealPath());
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    // ---- summary

    static String text(MigrationSummary s, MigrationPlan plan) {
        StringBuilder sb = new StringBuilder();
        String state =
                s.dryRun()
                        ? "dry run"
                        : !s.ok()
                                ? "failed"
                                : s.complete()
                                        ? "complete"
                                        : s.stopped() ? "stopped" : "incomplete";
        sb.append(
                String.format(
                        Locale.ROOT,
                        "migrate %s: %d/%d shards done (%d before this run) in %s%n",
                        state,
                        s.shardsDone(),
                        s.shardsTotal(),
                        s.shardsResumed(),
                        human(s.elapsed())));
        if (s.dryRun()) {
            sb.append(
                    row(
                            "chunks to copy",
                            s.found(),
                            String.format(
                                    Locale.ROOT,
                                    "verbatim %,d, re-keyed %,d, re-encoded %,d",
                                    s.verbatim(),
                                    s.rekeyed(),
                                    s.reencoded())));
        } else {
            sb.append(row("chunks found", s.found(), ""));
            sb.append(
                    row(
                            "copied",
                            s.copied(),
                            String.format(
                                    Locale.ROOT,
                                    "%s; verbatim %,d, re-keyed %,d," + " re-encoded %,d",
                                    bytes(s.bytes()),
                                    s.verbatim(),
                                    s.rekeyed(),
                                    s.reencoded())));
        }
        sb.append(
                row(
                        "skipped",
                        s.skipped(),
                        "references to chunks of an earlier shard (they span shards)"));
        sb.append(row("filtered", s.filtered(), "labels failed a matcher"));
        if (plan.verify()) {
            sb.append(
                    row(
                            "verified",
                            s.verified(),
                            "read back equal and found through the destination index"));
        }
        sb.append(row("failed", s.failed(), ""));
        int shown = 0;
        for (MigrationFailure f : s.failures()) {
            if (shown++ == 100) {
                sb.append("    ... ")
                        .append(s.failed() - 100)
                        .append(" more (--output json lists all)\n");
                break;
            }
            sb.append("    ").append(f).append('\n');
        }
        if (!s.complete() && !s.dryRun()) {
            sb.append(
                    s.stopped()
                            ? "rerun with the same arguments and --checkpoint to continue\n"
                            : "some shards did not finish; rerun with the same arguments and --checkpoint to redo them\n");
        }
        return sb.toString();
    }

    private static String row(String what, long n, String detail) {
        return String.format(
                Locale.ROOT, "  %-16s %,12d%s%n", what, n, detail.isEmpty() ? "" : "   " + detail);
    }

    static String json(MigrationSummary s, MigrationPlan plan) {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("complete", s.complete());
        root.put("stopped", s.stopped());
        root.put("dryRun", s.dryRun());
        root.put("ok", s.ok());
        root.put("from", Instant.ofEpochMilli(plan.from()).toString());
        root.put("to", Instant.ofEpochMilli(plan.to()).toString());
        ObjectNode shards = root.putObject("shards");
        shards.put("total", s.shardsTotal());
        shards.put("done", s.shardsDone());
        shards.put("resumed", s.shardsResumed());
        ObjectNode c = root.putObject("chunks");
        c.put("found", s.found());
        c.put("copied", s.copied());
        c.put("bytes", s.bytes());
        c.put("verbatim", s.verbatim());
        c.put("rekeyed", s.rekeyed());
        c.put("reencoded", s.reencoded());
        c.put("skipped", s.skipped());
        c.put("filtered", s.filtered());
        c.put("verified", s.verified());
        c.put("failed", s.failed());
        ArrayNode fs = root.putArray("failures");
        for (MigrationFailure f : s.failures()) {
            ObjectNode n = fs.addObject();
            n.put("shard", f.shard());
            n.put("phase", f.phase().name());
            n.put("sourceKey", f.sourceKey());
            n.put("destKey", f.destKey());
            n.put("reason", f.reason());
        }
        root.put("elapsedSeconds", s.elapsed().toMillis() / 1000.0);
        try {
            return m.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
        }
        return (s >= 3600 ? s / 3600 + "h" : "") + (s % 3600) / 60 + "m" + s % 60 + "s";
    }

    // ---- progress

    /**
     * Progress on stderr: a bar (chunks, bytes, rate, ETA) when stderr is a terminal, a log line
     * every 10 s otherwise, and each failure as it happens (the first 100). The chunk total is
     * estimated from the shards listed so far.
     */
    static final class Reporter implements MigrationListener, AutoCloseable {
        private final PrintWriter err;
        private final long started = System.nanoTime();
        private final AtomicLong copied = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicLong listedChunks = new AtomicLong();
        private final AtomicInteger listedShards = new AtomicInteger();
        private final AtomicInteger endedShards = new AtomicInteger();
        private final AtomicInteger failures = new AtomicInteger();
        private volatile int pendingShards;
        private final ProgressBar bar;
        private final ScheduledExecutorService ticker;
        private final AtomicBoolean closed = new AtomicBoolean();

        Reporter(PrintWriter err, MigrationPlan plan) {
            this.err = err;
            boolean tty = Progress.enabled();
            if (tty) {
                bar =
                        new ProgressBarBuilder()
                                .setTaskName(plan.dryRun() ? "listing" : "migrate")
                                .setInitialMax(-1)
                                .setStyle(Progress.style())
                                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                                .setUnit(" chunks", 1)
                                .showSpeed()
                                .setUpdateIntervalMillis(500)
                                .build();
                ticker = null;
            } else {
                bar = null;
                ticker =
                        Executors.newSingleThreadScheduledExecutor(
                                DaemonThreads.named("migrate-progress"));
                ticker.scheduleAtFixedRate(this::logLine, 10, 10, TimeUnit.SECONDS);
            }
        }

        @Override
        public void started(int shardsTotal, int shardsResumed) {
            pendingShards = shardsTotal - shardsResumed;
            print(
                    "chunkstore migrate: "
                            + shardsTotal
                            + " shards, "
                            + shardsResumed
                            + " done before, "
                            + pendingShards
                            + " to do");
        }

        @Override
        public void shardListed(Shard shard, int chunks) {
            long listed = listedChunks.addAndGet(chunks);
            int n = listedShards.incrementAndGet();
            if (bar != null) {
                bar.maxHint(estimate(listed, n));
            }
        }

        private long estimate(long listed, int shards) {
            return listed
                    + Math.round((double) listed / shards * Math.max(0, pendingShards - shards));
        }

        @Override
        public void batchWritten(Shard shard, int chunks, long n) {
            copied.addAndGet(chunks);
            long b = bytes.addAndGet(n);
            if (bar != null) {
                bar.stepBy(chunks);
                bar.setExtraMessage(
                        String.format(
                                Locale.ROOT,
                                " %s %s/s",
                                MigrateCommand.bytes(b),
                                MigrateCommand.bytes((long) (b / seconds()))));
            }
        }

        @Override
        public void failed(MigrationFailure f) {
            if (failures.incrementAndGet() <= 100) {
                print("chunkstore migrate: failed: " + f);
            } else if (failures.get() == 101) {
                print("chunkstore migrate: more failures; the summary lists them");
            }
        }

        @Override
        public void shardEnded(Shard shard, boolean done) {
            endedShards.incrementAndGet();
        }

        private double seconds() {
            return Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        }

        private void logLine() {
            double s = seconds();
            long c = copied.get();
            long b = bytes.get();
            int listed = listedShards.get();
            long total = listed == 0 ? 0 : estimate(listedChunks.get(), listed);
            String eta =
                    c == 0 || total == 0
                            ? "?"
                            : human(Duration.ofSeconds((long) (Math.max(0, total - c) / (c / s))));
            print(
                    String.format(
                            Locale.ROOT,
                            "chunkstore migrate: shards %d/%d, chunks %,d of ~%,d, %s, %.0f chunks/s,"
                                    + " %s/s, eta %s",
                            endedShards.get(),
                            pendingShards,
                            c,
                            total,
                            MigrateCommand.bytes(b),
                            c / s,
                            MigrateCommand.bytes((long) (b / s)),
                            eta));
        }

        private void print(String line) {
            synchronized (err) {
                err.println(line);
                err.flush();
            }
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            if (bar != null) {
                bar.close();
            }
            if (ticker != null) {
                ticker.shutdownNow();
            }
        }
    }
}
