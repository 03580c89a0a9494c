package io.chunkstore.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chunkstore.cli.common.Json;
import io.chunkstore.cli.common.OutputOption;
import io.chunkstore.cli.common.StoreOptions;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.store.StoreBackends;
import io.chunkstore.core.tables.TableAction;
import io.chunkstore.core.tables.TableManager;
import io.chunkstore.core.tables.TableManagerConfig;
import io.chunkstore.core.tables.TablePlan;
import io.chunkstore.core.tables.TableSyncLoop;
import io.chunkstore.server.ConfigStores;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableDesc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chunkstore tables plan|sync}: Cortex's table manager over the stores of a config: which
 * index and chunk tables the schema expects now, and bringing each store's tables there (create,
 * update provisioning, delete past retention when enabled). One manager per store with tables, each
 * managing the tables its periods put there.
 */
@Command(
        name = "tables",
        mixinStandardHelpOptions = true,
        description = "The table manager: the tables a schema config expects, and making them so.",
        subcommands = {TablesCommand.Plan.class, TablesCommand.Sync.class})
public final class TablesCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options both sub-commands share. */
    static final class Common {
        @Mixin StoreOptions store;

        @Mixin OutputOption output;

        @Option(
                names = "--store",
                paramLabel = "NAME",
                description =
                        "Manage only this store's tables (a store or object_store name of the config)."
                                + " Default: every store of the config that has tables.")
        String only;

        /** The stores to manage, each with a table client. */
        List<String> stores(ChunkstoreConfig cfg, StoreBackends backends) {
            Set<String> named = new LinkedHashSet<>();
            for (PeriodConfig p : cfg.schemaConfig().periods()) {
                named.add(p.store());
                named.add(p.objectStore());
            }
            if (only != null) {
                if (!named.contains(only)) {
                    throw new ConfigException(
                            "--store "
                                    + only
                                    + ": no period of "
                                    + cfg.source()
                                    + " uses it (stores: "
                                    + named
                                    + ")");
                }
                if (!backends.backend(only).capabilities().has(Feature.TABLES)) {
                    throw new ConfigException("--store " + only + " has no tables to manage");
                }
                return List.of(only);
            }
            List<String> out = new ArrayList<>();
            for (String s : named) {
                if (backends.backend(s).capabilities().has(Feature.TABLES)) {
                    out.add(s);
                }
            }
            if (out.isEmpty()) {
                throw new ConfigException(
                        "no store of "
                                + cfg.source()
                                + " has tables to manage (stores: "
                                + named
                                + ")");
            }
            return out;
        }

        Map<String, TableManager> managers(ChunkstoreConfig cfg, StoreBackends backends) {
            TableManagerConfig tmc = TableManagerConfig.from(cfg);
            Map<String, TableManager> out = new LinkedHashMap<>();
            for (String s : stores(cfg, backends)) {
                out.put(
                        s,
                        TableManager.forStore(tmc, cfg.schemaConfig(), backends, s)
                                .metrics(new SimpleMeterRegistry(), cfg.metricsNamespace())
                                .build());
            }
            return out;
        }
    }

    /** {@code tables plan}. */
    @Command(
            name = "plan",
            mixinStandardHelpOptions = true,
            description = {
                "Print what a sync would do now, changing nothing: for each store, the tables to create,"
                        + " to update (provisioning before -> after), to delete (past retention, when"
                        + " retention_deletes_enabled), and those kept.",
                "Exit codes: 0 ok, 2 config error, 3 store unreachable."
            })
    static final class Plan implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Mixin Common common;

        @Override
        public Integer call() {
            ChunkstoreConfig cfg = common.store.load();
            try (ConfigStores opened = common.store.open(new SimpleMeterRegistry())) {
                Map<String, TablePlan> plans = new LinkedHashMap<>();
                common.managers(cfg, opened.backends()).forEach((s, tm) -> plans.put(s, tm.plan()));
                PrintWriter out = spec.commandLine().getOut();
                if (common.output.json()) {
                    ObjectNode root = Json.object();
                    ArrayNode stores = root.putArray("stores");
                    plans.forEach((s, p) -> stores.add(storeJson(s, p, null)));
                    Json.print(out, root);
                } else {
                    plans.forEach((s, p) -> printText(out, s, p, null));
                    out.flush();
                }
                return ExitCodes.OK;
            }
        }
    }

    /** {@code tables sync}. */
    @Command(
            name = "sync",
            mixinStandardHelpOptions = true,
            description = {
                "Bring each store's tables to the plan (deletes, then creates, then updates, as Cortex's"
                        + " table manager does) and print what was done; with --loop, keep doing it every"
                        + " table_manager.poll_interval until interrupted.",
                "Exit codes: 0 ok, 1 an action failed, 2 config error, 3 store unreachable."
            })
    static final class Sync implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Mixin Common common;

        @Option(
                names = "--loop",
                description =
                        "Keep syncing every poll_interval (after a random pause) until"
                                + " interrupted; each sync is logged on stderr.")
        boolean loop;

        @Override
        public Integer call() throws InterruptedException {
            ChunkstoreConfig cfg = common.store.load();
            try (ConfigStores opened = common.store.open(new SimpleMeterRegistry())) {
                Map<String, TableManager> managers = common.managers(cfg, opened.backends());
                if (loop) {
                    return loop(managers);
                }
                PrintWriter out = spec.commandLine().getOut();
                ObjectNode root = Json.object();
                ArrayNode stores = root.putArray("stores");
                boolean ok = true;
                for (Map.Entry<String, TableManager> e : managers.entrySet()) {
                    TablePlan before = e.getValue().plan();
                    Map<TableAction, String> status = new LinkedHashMap<>();
                    String error = null;
                    try {
                        e.getValue().sync();
                        before.actions()
                                .forEach(
                                        a ->
                                                status.put(
                                                        a,
                                                        a.kind() == TableAction.Kind.KEEP
                                                                ? "kept"
                                                                : "done"));
                    } catch (StorageException failure) {
                        ok = false;
                        error = failure.getMessage();
                        markAfterFailure(e.getValue(), before, status);
                    }
                    if (common.output.json()) {
                        ObjectNode s = storeJson(e.getKey(), before, status);
                        if (error != null) {
                            s.put("error", error);
                        }
                        stores.add(s);
                    } else {
                        printText(out, e.getKey(), before, status);
                        if (error != null) {
                            out.println("  error: " + error);
                        }
                    }
                }
                if (common.output.json()) {
                    root.put("ok", ok);
                    Json.print(out, root);
                }
                out.flush();
                return ok ? ExitCodes.OK : ExitCodes.FAILED;
            }
        }

        /**
         * After a failed sync, what is still to do failed (or was not reached): a fresh plan tells
         * which.
         */
        private static void markAfterFailure(
                TableManager tm, TablePlan before, Map<TableAction, String> status) {
            TablePlan after;
            try {
                after = tm.plan();
            } catch (StorageException again) {
                before.actions()
                        .forEach(
                                a ->
                                        status.put(
                                                a,
                                                a.kind() == TableAction.Kind.KEEP
                                                        ? "kept"
                                                        : "unknown"));
                return;
            }
            Set<String> pending = new LinkedHashSet<>();
            for (TableAction a : after.actions()) {
                if (a.kind() != TableAction.Kind.KEEP) {
                    pending.add(a.kind() + " " + a.table());
                }
            }
            for (TableAction a : before.actions()) {
                status.put(
                        a,
                        a.kind() == TableAction.Kind.KEEP
                                ? "kept"
                                : pending.contains(a.kind() + " " + a.table()) ? "failed" : "done");
            }
        }

        private int loop(Map<String, TableManager> managers) throws InterruptedException {
            List<TableSyncLoop> loops = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            managers.forEach(
                    (s, tm) -> {
                        TableSyncLoop l = tm.loop();
                        loops.add(l);
                        Thread t = new Thread(l, "tables-" + s);
                        t.setDaemon(true);
                        threads.add(t);
                    });
            Thread hook =
                    new Thread(
                            () -> {
                                loops.forEach(TableSyncLoop::stop);
                                threads.forEach(Thread::interrupt);
                            },
                            "tables-loop-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            spec.commandLine()
                    .getErr()
                    .println(
                            "chunkstore tables sync --loop: managing "
                                    + managers.keySet()
                                    + "; every sync is logged; Ctrl-C stops");
            spec.commandLine().getErr().flush();
            threads.forEach(Thread::start);
            try {
                for (Thread t : threads) {
                    t.join();
                }
                return ExitCodes.OK;
            } catch (InterruptedException e) {
                loops.forEach(TableSyncLoop::stop);
                threads.forEach(Thread::interrupt);
                for (Thread t : threads) {
                    t.join(5000);
                }
                return ExitCodes.INTERRUPTED;
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException exiting) {
                    // the JVM is shutting down: the hook stopped the loops
                }
            }
        }
    }

    static void printText(
            PrintWriter out, String store, TablePlan plan, Map<TableAction, String> status) {
        out.printf(
                "store %s: %d expected tables; %d to create, %d to update, %d to delete, %d kept%n",
                store,
                plan.expected().size(),
                plan.of(TableAction.Kind.CREATE).size(),
                plan.of(TableAction.Kind.UPDATE).size(),
                plan.of(TableAction.Kind.DELETE).size(),
                plan.of(TableAction.Kind.KEEP).size());
        for (TableAction a : plan.actions()) {
            String st = status == null ? "" : String.format("%-8s", status.get(a));
            out.println("  " + st + a.describe());
        }
    }

    static ObjectNode storeJson(String store, TablePlan plan, Map<TableAction, String> status) {
        ObjectNode s = Json.object();
        s.put("store", store);
        ArrayNode expected = s.putArray("expected");
        plan.expected().forEach(expected::add);
        ArrayNode actions = s.putArray("actions");
        for (TableAction a : plan.actions()) {
            ObjectNode o = actions.addObject();
            o.put("kind", a.kind().name().toLowerCase(Locale.ROOT));
            o.put("table", a.table());
            if (a.current() != null) {
                o.set("current", desc(a.current()));
            }
            if (a.expected() != null) {
                o.set("expected", desc(a.expected()));
            }
            o.put("reason", a.reason());
            if (status != null) {
                o.put("status", status.get(a));
            }
        }
        return s;
    }

    private static ObjectNode desc(TableDesc d) {
        ObjectNode o = Json.object();
        o.put("onDemand", d.useOnDemandIOMode());
        o.put("read", d.provisionedRead());
        o.put("write", d.provisionedWrite());
        ObjectNode tags = o.putObject("tags");
        d.tags().forEach(tags::put);
        if (d.writeScale().enabled()) {
            o.put("writeScale", d.writeScale().minCapacity() + "-" + d.writeScale().maxCapacity());
        }
        if (d.readScale().enabled()) {
            o.put("readScale", d.readScale().minCapacity() + "-" + d.readScale().maxCapacity());
        }
        return o;
    }
}
