package io.chunkstore.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chunkstore.cli.common.FreeText;
import io.chunkstore.cli.common.Json;
import io.chunkstore.cli.common.OutputOption;
import io.chunkstore.cli.common.StoreOptions;
import io.chunkstore.cli.common.UserOption;
import io.chunkstore.core.config.ConfigDialect;
import io.chunkstore.core.migrate.MigrationPlan;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.purge.PurgeCheckpoint;
import io.chunkstore.core.purge.PurgeFailure;
import io.chunkstore.core.purge.PurgeRequest;
import io.chunkstore.core.purge.PurgeSummary;
import io.chunkstore.core.purge.Purger;
import io.chunkstore.loki.LokiChunkRewriter;
import io.chunkstore.server.ConfigStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code chunkstore delete series|tenant}: the purger of {@link io.chunkstore.core.purge}. Without
 * {@code --yes} a run is a dry run (it reports what it would delete); this class only reads the
 * command line, opens the stores and prints the summary.
 */
@Command(
        name = "delete",
        mixinStandardHelpOptions = true,
        description = {
            "Delete series in a time range, or a whole tenant, from every schema period of a store:"
                    + " index entries first, then the chunks they point at.",
            "Without --yes nothing is deleted: the command reports what it would delete (counts per"
                    + " table and sample keys). Rerun with --yes to delete.",
            "Exit codes: 0 ok, 1 some deletes failed (listed), 2 bad arguments / config, 3 store"
                    + " unreachable."
        },
        subcommands = {DeleteCommand.Series.class, DeleteCommand.Tenant.class})
public final class DeleteCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code --dry-run} or {@code --yes}; neither is a dry run. */
    static final class Mode {
        @Option(
                names = "--dry-run",
                description = "Report what would be deleted; delete nothing (the default).")
        boolean dryRun;

        @Option(names = "--yes", description = "Delete. Without it the command is a dry run.")
        boolean yes;
    }

    /** What both sub-commands share. */
    static final class Common {
        @Mixin StoreOptions store;

        @Mixin OutputOption output;

        @Mixin UserOption user;

        @Option(
                names = "--checkpoint",
                paramLabel = "FILE",
                description =
                        "Record progress in FILE and resume from it: rerun the same command after an"
                                + " interruption. Not written in a dry run.")
        Path checkpoint;

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Mode mode;

        boolean dryRun() {
            return mode == null || !mode.yes;
        }

        PurgeCheckpoint checkpoint(Map<String, String> run) {
            return checkpoint == null
                    ? PurgeCheckpoint.inMemory(run)
                    : PurgeCheckpoint.open(checkpoint, run);
        }

        Map<String, String> run(String kind) {
            Map<String, String> run = new LinkedHashMap<>();
            run.put("command", kind);
            run.put("config", MigrateCommand.identity(store.path(), store.load()));
            run.put("user", user.id());
            return run;
        }
    }

    /** {@code delete series}. */
    @Command(
            name = "series",
            mixinStandardHelpOptions = true,
            description = {
                "Delete the samples of the series matching SELECTOR in [--from, --to) from every schema"
                        + " period: each chunk wholly in the range is removed with every index entry its"
                        + " write produced; a chunk that straddles --from or --to is rewritten without the"
                        + " deleted samples (a new chunk and key, written before the old one is removed),"
                        + " or kept whole with --whole-chunks. Series and label rows go once no chunk of"
                        + " the series remains in their bucket.",
                "A Loki log chunk that straddles the range is rewritten the same way: its entries"
                        + " outside the range, in its own format and codec."
            })
    static final class Series implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Mixin Common common;

        @Parameters(
                index = "0",
                paramLabel = "SELECTOR",
                parameterConsumer = FreeText.class,
                description =
                        "Series selector with a metric name, e.g. 'http_requests_total{job=\"api\"}'. For a"
                                + " Loki config a stream selector ({job=\"varlogs\"}) is enough.")
        String selector;

        @Mixin HalfOpenRangeOptions range;

        @Option(
                names = "--whole-chunks",
                description =
                        "Keep chunks that straddle --from or --to (listed in the summary) instead of"
                                + " rewriting them.")
        boolean wholeChunks;

        @Override
        public Integer call() {
            HalfOpenRangeOptions.Millis span = range.millis(spec);
            long fromMs = span.fromMs();
            long toMs = span.toMs();
            List<LabelMatcher> matchers = new ArrayList<>(Selectors.parseMatchers(selector));
            if (common.store.load().dialect() == ConfigDialect.LOKI
                    && matchers.stream().noneMatch(m -> m.name().equals(Labels.METRIC_NAME))) {
                matchers.add(
                        0, LabelMatcher.equal(Labels.METRIC_NAME, MigrationPlan.LOKI_METRIC_NAME));
            }
            PurgeRequest request =
                    new PurgeRequest(
                            common.user.id(), selector, matchers, fromMs, toMs, wholeChunks);
            Map<String, String> run = common.run("delete series");
            run.put("selector", selector);
            run.put("from", Long.toString(fromMs));
            run.put("to", Long.toString(toMs));
            run.put("wholeChunks", Boolean.toString(wholeChunks));
            PurgeSummary summary;
            try (ConfigStores stores = common.store.open(new SimpleMeterRegistry())) {
                summary =
                        Purger.builder(stores.unlimited())
                                .dryRun(common.dryRun())
                                .checkpoint(common.checkpoint(run))
                                .logChunkRewriter(new LokiChunkRewriter())
                                .build()
                                .deleteSeries(request);
            }
            return print(spec, common, summary, "series " + selector + " of " + common.user.id());
        }
    }

    /** {@code delete tenant}. */
    @Command(
            name = "tenant",
            mixinStandardHelpOptions = true,
            description = {
                "Delete every index row and chunk of a tenant in every schema period. Each index table"
                        + " is listed for the tenant's rows (by hash-key prefix where the backend keeps"
                        + " keys in order, by scanning the whole table where it does not; see"
                        + " docs/delete.md), the rows deleted, then the chunks they point at.",
                "Needs a backend that can list its index (local, Cassandra, DynamoDB, Bigtable); not"
                        + " through grpc-store."
            })
    static final class Tenant implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Mixin Common common;

        @Override
        public Integer call() {
            Map<String, String> run = common.run("delete tenant");
            PurgeSummary summary;
            try (ConfigStores stores = common.store.open(new SimpleMeterRegistry())) {
                try {
                    summary =
                            Purger.builder(stores.unlimited())
                                    .dryRun(common.dryRun())
                                    .checkpoint(common.checkpoint(run))
                                    .build()
                                    .deleteTenant(common.user.id());
                } catch (UnsupportedOperationException e) {
                    spec.commandLine()
                            .getErr()
                            .println("chunkstore delete tenant: " + e.getMessage());
                    return ExitCodes.FAILED;
                }
            }
            return print(spec, common, summary, "tenant " + common.user.id());
        }
    }

    static int print(
            CommandLine.Model.CommandSpec spec, Common common, PurgeSummary s, String what) {
        PrintWriter out = spec.commandLine().getOut();
        if (common.output.json()) {
            Json.print(out, json(s, what));
        } else {
            out.print(text(s, what));
        }
        out.flush();
        return s.ok() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    static String text(PurgeSummary s, String what) {
        StringBuilder b = new StringBuilder();
        if (s.dryRun()) {
            b.append("DRY RUN: nothing was deleted; rerun with --yes to delete what is listed.\n");
        }
        b.append(s.dryRun() ? "would delete " : "deleted ").append(what).append('\n');
        b.append("  series ")
                .append(s.series())
                .append(", chunks found ")
                .append(s.chunksFound())
                .append(": removed ")
                .append(s.chunksDeleted())
                .append(" (of which rewritten without the deleted samples ")
                .append(s.chunksRewritten())
                .append("), kept whole ")
                .append(s.chunksKept())
                .append(", without samples in the range ")
                .append(s.chunksUntouched())
                .append('\n');
        if (s.resumedChunks() > 0) {
            b.append("  finished from the checkpoint: ")
                    .append(s.resumedChunks())
                    .append(" chunks\n");
        }
        table(
                b,
                s.dryRun() ? "index entries to delete" : "index entries deleted",
                s.indexDeletes());
        table(b, s.dryRun() ? "chunks to delete" : "chunks deleted", s.chunkDeletes());
        table(b, s.dryRun() ? "index entries to write" : "index entries written", s.indexWrites());
        table(b, s.dryRun() ? "chunks to write" : "chunks written", s.chunkWrites());
        if (!s.sampleKeys().isEmpty()) {
            b.append("  sample keys:\n");
            s.sampleKeys().forEach(k -> b.append("    ").append(k).append('\n'));
        }
        if (!s.keptChunks().isEmpty()) {
            b.append("  kept whole (straddle the range):\n");
            s.keptChunks().forEach(k -> b.append("    ").append(k).append('\n'));
        }
        s.notes().forEach(n -> b.append("  note: ").append(n).append('\n'));
        if (!s.failures().isEmpty()) {
            b.append("  failures (").append(s.failures().size()).append("):\n");
            for (PurgeFailure f : s.failures()) {
                b.append("    ").append(f).append('\n');
            }
        }
        b.append("  took ").append(s.elapsed().toMillis()).append(" ms\n");
        return b.toString();
    }

    private static void table(StringBuilder b, String title, Map<String, Long> counts) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        b.append("  ").append(title).append(": ").append(total).append('\n');
        counts.forEach(
                (t, n) ->
                        b.append("    ")
                                .append(t.isEmpty() ? "(no table)" : t)
                                .append("  ")
                                .append(n)
                                .append('\n'));
    }

    static ObjectNode json(PurgeSummary s, String what) {
        ObjectNode o = Json.object();
        o.put("what", what);
        o.put("dryRun", s.dryRun());
        o.put("series", s.series());
        o.put("chunksFound", s.chunksFound());
        o.put("chunksDeleted", s.chunksDeleted());
        o.put("chunksRewritten", s.chunksRewritten());
        o.put("chunksKept", s.chunksKept());
        o.put("chunksUntouched", s.chunksUntouched());
        o.put("resumedChunks", s.resumedChunks());
        s.indexDeletes().forEach(o.putObject("indexDeletes")::put);
        s.chunkDeletes().forEach(o.putObject("chunkDeletes")::put);
        s.indexWrites().forEach(o.putObject("indexWrites")::put);
        s.chunkWrites().forEach(o.putObject("chunkWrites")::put);
        ArrayNode keys = o.putArray("sampleKeys");
        s.sampleKeys().forEach(keys::add);
        ArrayNode kept = o.putArray("keptChunks");
        s.keptChunks().forEach(kept::add);
        ArrayNode notes = o.putArray("notes");
        s.notes().forEach(notes::add);
        ArrayNode failures = o.putArray("failures");
        for (PurgeFailure f : s.failures()) {
            failures.addObject().put("subject", f.subject()).put("message", f.message());
        }
        o.put("elapsedMs", s.elapsed().toMillis());
        return o;
    }
}
