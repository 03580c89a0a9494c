package io.chunkstore.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chunkstore.cli.common.Json;
import io.chunkstore.cli.common.OutputOption;
import io.chunkstore.cli.common.Progress;
import io.chunkstore.cli.common.StoreOptions;
import io.chunkstore.conformance.ConformanceRun;
import io.chunkstore.conformance.ConformanceRun.CaseResult;
import io.chunkstore.conformance.ConformanceRun.Report;
import io.chunkstore.conformance.ConformanceRun.Status;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import io.chunkstore.spi.support.ComposedBackend;
import io.chunkstore.spi.support.ForwardingChunkClient;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chunkstore conformance}: the conformance suite every backend passes in this build, run
 * against a live cluster named by a config, in tables made for the run ({@code
 * conformance_<random>_...}) that are removed afterwards.
 */
@Command(
        name = "conformance",
        mixinStandardHelpOptions = true,
        description = {
            "Run the conformance suite (Cortex's storage cases, index semantics and streaming, chunks,"
                    + " tables, the series store under schemas v9-v12) against the live store(s) of a config, and print"
                    + " a pass / fail / skip line per case.",
            "The store: --store NAME, or by default the newest period's store (index and tables) with its"
                    + " object_store (chunks). Every table the run makes starts with conformance_<random>_; they"
                    + " are deleted after each case and any left over at the end, unless --keep. Every chunk the"
                    + " run writes (object stores included) is deleted at the end too, unless --keep.",
            "The suite writes and deletes real data in those tables only; it needs permission to create tables"
                    + " (a Cassandra keyspace, DynamoDB tables, Bigtable tables) where the store has them.",
            "Exit codes: 0 every case passed or was skipped, 1 a case failed, 2 config error."
        })
final class ConformanceCommand implements Callable<Integer> {
    /** The prefix of every table of a run, followed by a random run ID and '_'. */
    static final String TABLE_PREFIX = "conformance_";

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin StoreOptions store;

    @Mixin OutputOption output;

    @Option(
            names = "--store",
            paramLabel = "NAME",
            description = "Certify this store alone (a store or object_store name of the config).")
    String only;

    @Option(
            names = "--keep",
            description = "Keep the run's tables (for a look at what the suite wrote).")
    boolean keep;

    @Option(
            names = "--cases",
            paramLabel = "REGEX",
            description =
                    "Only the cases whose Contract.test name matches, e.g. 'IndexContract\\..*' or"
                            + " '.*Prefix.*'. Default: all.")
    Pattern cases;

    @Override
    public Integer call() {
        ChunkstoreConfig cfg = store.load();
        String runPrefix = TABLE_PREFIX + runId() + "_";
        BackendSpec target = target(cfg);
        PrintWriter err = spec.commandLine().getErr();
        err.println("chunkstore conformance: " + target.describe() + ", tables " + runPrefix + "*");
        err.flush();
        Report report;
        WrittenChunks written = new WrittenChunks();
        try (Progress progress = Progress.start("cases", -1)) {
            ConformanceRun.Builder run =
                    ConformanceRun.builder(() -> written.recording(target.open(cfg)))
                            .tableName(n -> runPrefix + n)
                            .dropTablesAfterEachTest(!keep)
                            .listener(
                                    new ConformanceRun.Listener() {
                                        @Override
                                        public void planned(long n) {
                                            progress.total(n);
                                        }

                                        @Override
                                        public void started(String contract, String test) {
                                            progress.message(contract + "." + test);
                                        }

                                        @Override
                                        public void finished(CaseResult r) {
                                            progress.step();
                                            if (r.status() == Status.FAILED
                                                    && !Progress.enabled()) {
                                                err.println(
                                                        "FAIL "
                                                                + r.name()
                                                                + ": "
                                                                + firstLine(r.message()));
                                                err.flush();
                                            }
                                        }
                                    });
            if (cases != null) {
                run.cases(n -> cases.matcher(n).matches());
            }
            report = run.build().run();
        }
        RuntimeException cannotOpen = openFailure(report);
        if (cannotOpen != null) {
            // No case could reach the store: say why with the store's own error (exit 2 or 3), not
            // 40 failures.
            throw cannotOpen;
        }
        List<String> leftOver = new ArrayList<>();
        if (!keep) {
            leftOver.addAll(cleanUp(cfg, target, runPrefix));
            leftOver.addAll(written.deleteAll(() -> target.open(cfg)));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            Json.print(out, json(report, target, runPrefix, leftOver));
        } else {
            text(out, report, runPrefix, leftOver);
        }
        if (report.cases().isEmpty()) {
            throw new IllegalArgumentException("no case matches --cases " + cases);
        }
        return report.ok() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /**
     * The store's error when every case failed because the backend could not be opened, else null.
     */
    private static RuntimeException openFailure(Report report) {
        if (report.cases().isEmpty()) {
            return null;
        }
        Throwable cause = null;
        for (CaseResult r : report.cases()) {
            Throwable e = r.error();
            if (r.status() != Status.FAILED
                    || e == null
                    || e.getMessage() == null
                    || !e.getMessage().startsWith("openBackend() failed")
                    || e.getCause() == null) {
                return null;
            }
            cause = e.getCause();
        }
        return cause instanceof RuntimeException re
                ? re
                : new io.chunkstore.spi.UnavailableException(
                        "cannot open the store: " + cause, cause);
    }

    private static String runId() {
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            sb.append(Character.forDigit(r.nextInt(36), 36));
        }
        return sb.toString();
    }

    /** Which store(s) the run certifies. */
    record BackendSpec(String index, String chunks) {
        String describe() {
            return index.equals(chunks)
                    ? "store " + index
                    : "index store " + index + " with object store " + chunks;
        }

        StorageBackend open(ChunkstoreConfig cfg) {
            StorageBackend a = openOne(cfg, index);
            if (index.equals(chunks)) {
                return a;
            }
            StorageBackend b;
            try {
                b = openOne(cfg, chunks);
            } catch (RuntimeException e) {
                a.close();
                throw e;
            }
            Set<Feature> f = EnumSet.noneOf(Feature.class);
            for (Feature x : a.capabilities().features()) {
                if (x != Feature.CHUNKS && x != Feature.CHUNK_DELETE) {
                    f.add(x);
                }
            }
            for (Feature x : b.capabilities().features()) {
                if (x == Feature.CHUNKS || x == Feature.CHUNK_DELETE) {
                    f.add(x);
                }
            }
            if (!b.capabilities().has(Feature.PERSISTENT)) {
                f.remove(Feature.PERSISTENT);
            }
            Capabilities caps = new Capabilities(f, b.capabilities().maxChunkSize());
            ComposedBackend.Builder cb = ComposedBackend.builder(index + "+" + chunks, caps);
            if (a.capabilities().has(Feature.INDEX)) {
                cb.index(a.indexClient());
            }
            if (a.capabilities().has(Feature.TABLES)) {
                cb.tables(a.tableClient());
            }
            if (b.capabilities().has(Feature.CHUNKS)) {
                cb.chunks(b.chunkClient());
            }
            return cb.alsoClose(a).alsoClose(b).build();
        }

        private static StorageBackend openOne(ChunkstoreConfig cfg, String name) {
            return StorageProviders.open(
                    new BackendContext(name, cfg.storage(), null, cfg.metricsNamespace()));
        }
    }

    private BackendSpec target(ChunkstoreConfig cfg) {
        List<PeriodConfig> periods = cfg.schemaConfig().periods();
        if (only != null) {
            boolean named =
                    periods.stream()
                            .anyMatch(p -> p.store().equals(only) || p.objectStore().equals(only));
            if (!named) {
                throw new ConfigException(
                        "--store " + only + ": no period of " + cfg.source() + " uses it");
            }
            return new BackendSpec(only, only);
        }
        PeriodConfig newest = periods.get(periods.size() - 1);
        return new BackendSpec(newest.store(), newest.objectStore());
    }

    /** Deletes the run's tables that are left; returns those that could not be deleted. */
    private List<String> cleanUp(ChunkstoreConfig cfg, BackendSpec target, String runPrefix) {
        List<String> failed = new ArrayList<>();
        try (StorageBackend b = target.open(cfg)) {
            if (!b.capabilities().has(Feature.TABLES)) {
                return failed;
            }
            for (String t : b.tableClient().listTables()) {
                if (t.startsWith(runPrefix)) {
                    try {
                        b.tableClient().deleteTable(t);
                    } catch (RuntimeException e) {
                        failed.add("table " + t + " (" + e.getMessage() + ")");
                    }
                }
            }
        } catch (RuntimeException e) {
            failed.add("listing the tables failed: " + e.getMessage());
        }
        return failed;
    }

    /**
     * Every chunk the run's cases write, recorded as they are written so that the run can delete
     * them afterwards: object stores have no tables to drop, so without this a run would leave its
     * chunks behind in a live bucket or folder.
     */
    static final class WrittenChunks {
        private final Set<ChunkLocation> locations = ConcurrentHashMap.newKeySet();

        /** The backend with its chunk client recording every put. */
        StorageBackend recording(StorageBackend b) {
            if (!b.capabilities().has(Feature.CHUNKS)) {
                return b;
            }
            ComposedBackend.Builder cb =
                    ComposedBackend.builder(b.storeName(), b.capabilities())
                            .chunks(
                                    new ForwardingChunkClient(b.chunkClient()) {
                                        @Override
                                        public void putChunks(List<EncodedChunk> chunks) {
                                            for (EncodedChunk c : chunks) {
                                                locations.add(c.location());
                                            }
                                            super.putChunks(chunks);
                                        }
                                    });
            if (b.capabilities().has(Feature.INDEX)) {
                cb.index(b.indexClient());
            }
            if (b.capabilities().has(Feature.TABLES)) {
                cb.tables(b.tableClient());
            }
            return cb.alsoClose(b).build();
        }

        /**
         * Deletes every recorded chunk that is still there; returns those that could not be
         * deleted.
         */
        List<String> deleteAll(java.util.function.Supplier<StorageBackend> open) {
            List<String> failed = new ArrayList<>();
            if (locations.isEmpty()) {
                return failed;
            }
            try (StorageBackend b = open.get()) {
                for (ChunkLocation l : locations) {
                    try {
                        b.chunkClient().deleteChunk(l);
                    } catch (ChunkNotFoundException gone) {
                        // the case deleted it itself
                    } catch (RuntimeException e) {
                        failed.add("chunk " + l.key() + " (" + e.getMessage() + ")");
                    }
                }
            } catch (RuntimeException e) {
                failed.add(
                        "opening the store to delete the run's chunks failed: " + e.getMessage());
            }
            return failed;
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void text(
            PrintWriter out, Report report, String runPrefix, List<String> leftOver) {
        for (CaseResult r : report.cases()) {
            String status =
                    switch (r.status()) {
                        case PASSED -> "PASS";
                        case FAILED -> "FAIL";
                        case SKIPPED -> "SKIP";
                    };
            out.printf(
                    "%s  %-70s %6.2fs%s%n",
                    status,
                    r.name(),
                    r.duration().toMillis() / 1000.0,
                    r.status() == Status.PASSED ? "" : "  " + firstLine(r.message()));
        }
        out.printf(
                "%d cases: %d passed, %d failed, %d skipped (tables %s*)%n",
                report.cases().size(),
                report.count(Status.PASSED),
                report.count(Status.FAILED),
                report.count(Status.SKIPPED),
                runPrefix);
        for (String t : leftOver) {
            out.println("could not remove " + t);
        }
        out.flush();
    }

    private static ObjectNode json(
            Report report, BackendSpec target, String runPrefix, List<String> leftOver) {
        ObjectNode root = Json.object();
        root.put("store", target.index);
        root.put("objectStore", target.chunks);
        root.put("tablePrefix", runPrefix);
        root.put("passed", report.count(Status.PASSED));
        root.put("failed", report.count(Status.FAILED));
        root.put("skipped", report.count(Status.SKIPPED));
        ArrayNode arr = root.putArray("cases");
        for (CaseResult r : report.cases()) {
            ObjectNode o = arr.addObject();
            o.put("contract", r.contract());
            o.put("test", r.test());
            o.put("status", r.status().name().toLowerCase(Locale.ROOT));
            o.put("seconds", r.duration().toMillis() / 1000.0);
            if (!r.message().isEmpty()) {
                o.put("message", r.message());
            }
        }
        ArrayNode left = root.putArray("notRemoved");
        leftOver.forEach(left::add);
        return root;
    }
}
