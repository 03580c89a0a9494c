package io.chunkstore.bench.local;

import io.chunkstore.local.LocalBackend;
import io.chunkstore.local.LocalConfig;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.WriteBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The embedded store at real size (issue 21), measured by hand: table create/list/describe/delete
 * at 10,000 tables, opening a store with that many tables, resident memory of a child JVM writing
 * across many tables, and the restart after {@code kill -9} under that load. Prints one line per
 * number; see docs/benchmarks.md for the command.
 *
 * <pre>
 * java -cp ... io.chunkstore.bench.local.LocalScaleBench DIR [tables=10000] [loadTables=200] [roundSeconds=60]
 *     [rounds=3] [createBudgetSeconds=600] [syncTables=true]
 * </pre>
 *
 * With {@code loadTables=0} only the table operations run.
 */
public final class LocalScaleBench {
    private static final int EDGE = 100;

    private LocalScaleBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("--load")) {
            load(Path.of(args[1]), Integer.parseInt(args[2]));
            return;
        }
        Path dir = Path.of(args[0]);
        int tables = arg(args, 1, 10_000);
        int loadTables = arg(args, 2, 200);
        int roundSeconds = arg(args, 3, 60);
        int rounds = arg(args, 4, 3);
        int createBudget = arg(args, 5, 600);
        boolean syncTables = args.length <= 6 || Boolean.parseBoolean(args[6]);
        Files.createDirectories(dir);
        tables(dir.resolve("tables"), tables, createBudget, syncTables);
        if (loadTables > 0) {
            durability(dir.resolve("durability"));
            crashUnderLoad(dir.resolve("load"), loadTables, roundSeconds, rounds);
        }
    }

    private static int arg(String[] args, int i, int dflt) {
        return args.length > i ? Integer.parseInt(args[i]) : dflt;
    }

    private static void tables(Path dir, int n, int budgetSeconds, boolean sync) {
        LocalConfig config = LocalConfig.under(dir).withSyncWrites(sync);
        report("tables with sync_writes=%s", sync);
        List<String> names = new ArrayList<>();
        long[] createNanos = new long[n];
        long start = System.nanoTime();
        try (LocalBackend store = LocalBackend.open(config, new SimpleMeterRegistry(), "bench_")) {
            TableClient t = store.tableClient();
            for (int i = 0; i < n; i++) {
                String name = String.format(Locale.ROOT, "bench_index_%05d", i);
                long s = System.nanoTime();
                t.createTable(TableDesc.named(name));
                createNanos[i] = System.nanoTime() - s;
                names.add(name);
                if ((System.nanoTime() - start) / 1e9 > budgetSeconds) {
                    report("create: stopped at the %d s budget", budgetSeconds);
                    break;
                }
            }
            int made = names.size();
            report(
                    "create %d tables: %.2f s total; per create: first %d %.2f ms, last %d %.2f ms",
                    made,
                    sum(createNanos, 0, made) / 1e9,
                    EDGE,
                    mean(createNanos, 0, Math.min(EDGE, made)),
                    EDGE,
                    mean(createNanos, Math.max(0, made - EDGE), made));
            long s = System.nanoTime();
            int listed = 0;
            for (int i = 0; i < 10; i++) {
                listed = t.listTables().size();
            }
            report("list %d tables: %.2f ms per call", listed, (System.nanoTime() - s) / 1e7);
            s = System.nanoTime();
            for (String name : names) {
                t.describeTable(name);
            }
            report(
                    "describe %d tables: %.2f s total, %.3f ms each",
                    names.size(),
                    (System.nanoTime() - s) / 1e9,
                    (System.nanoTime() - s) / 1e6 / names.size());
        }
        long s = System.nanoTime();
        try (LocalBackend store = LocalBackend.open(config, new SimpleMeterRegistry(), "bench_")) {
            report(
                    "open a store with %d tables: %.2f s",
                    store.tableClient().listTables().size(), (System.nanoTime() - s) / 1e9);
            TableClient t = store.tableClient();
            long[] deleteNanos = new long[names.size()];
            start = System.nanoTime();
            int m = 0;
            while (m < names.size()) {
                long d = System.nanoTime();
                t.deleteTable(names.get(m));
                deleteNanos[m++] = System.nanoTime() - d;
                if ((System.nanoTime() - start) / 1e9 > budgetSeconds) {
                    report("delete: stopped at the %d s budget", budgetSeconds);
                    break;
                }
            }
            report(
                    "delete %d tables: %.2f s total; per delete: first %d %.2f ms, last %d %.2f ms",
                    m,
                    sum(deleteNanos, 0, m) / 1e9,
                    EDGE,
                    mean(deleteNanos, 0, Math.min(EDGE, m)),
                    EDGE,
                    mean(deleteNanos, Math.max(0, m - EDGE), m));
        }
    }

    /**
     * The cost of sync_writes: batches of 100 entries per second, one writer and eight, synced or
     * not.
     */
    private static void durability(Path dir) throws Exception {
        for (boolean sync : new boolean[] {true, false}) {
            for (int threads : new int[] {1, 8}) {
                Path d = dir.resolve(sync + "-" + threads);
                try (LocalBackend store =
                        LocalBackend.open(
                                LocalConfig.under(d).withSyncWrites(sync),
                                new SimpleMeterRegistry(),
                                "bench_")) {
                    store.tableClient().createTable(TableDesc.named("t"));
                    int perThread = 4_000 / threads;
                    ExecutorService pool = Executors.newFixedThreadPool(threads);
                    long s = System.nanoTime();
                    List<Future<?>> done = new ArrayList<>();
                    for (int w = 0; w < threads; w++) {
                        int writer = w;
                        done.add(
                                pool.submit(
                                        () -> {
                                            byte[] value = new byte[100];
                                            for (int i = 0; i < perThread; i++) {
                                                WriteBatch b = new WriteBatch();
                                                for (int e = 0; e < 100; e++) {
                                                    b.add(
                                                            "t",
                                                            "w" + writer + ":" + i,
                                                            ("r" + e)
                                                                    .getBytes(
                                                                            StandardCharsets.UTF_8),
                                                            value);
                                                }
                                                store.indexClient().batchWrite(b);
                                            }
                                        }));
                    }
                    for (Future<?> f : done) {
                        f.get();
                    }
                    double secs = (System.nanoTime() - s) / 1e9;
                    pool.shutdown();
                    report(
                            "sync_writes=%s, %d writer(s): %.0f batches/s of 100 entries (%.2f ms per batch per"
                                    + " writer)",
                            sync, threads, perThread * threads / secs, secs * 1000 / perThread);
                }
            }
        }
    }

    /**
     * A child JVM writes across many tables; its RSS is read after each round, then it is killed
     * with SIGKILL.
     */
    private static void crashUnderLoad(Path dir, int tables, int roundSeconds, int rounds)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child =
                new ProcessBuilder(
                                java,
                                "-Xmx256m",
                                "-cp",
                                System.getProperty("java.class.path"),
                                LocalScaleBench.class.getName(),
                                "--load",
                                dir.toString(),
                                Integer.toString(tables))
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            long s = System.nanoTime();
            while (!"writing".equals(out.readLine())) {
                if (!child.isAlive()) {
                    throw new IllegalStateException("the load child died");
                }
            }
            report(
                    "load child: %d tables created in %.1f s",
                    tables, (System.nanoTime() - s) / 1e9);
            Thread.sleep(5_000); // writes running
            StringBuilder rss = new StringBuilder();
            rss.append(String.format(Locale.ROOT, "%d MiB", rssMiB(child.pid())));
            for (int r = 0; r < rounds; r++) {
                Thread.sleep(roundSeconds * 1000L);
                rss.append(String.format(Locale.ROOT, " -> %d MiB", rssMiB(child.pid())));
            }
            report(
                    "RSS of a writer across %d tables, %d rounds of %d s: %s",
                    tables, rounds, roundSeconds, rss);
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
            child.waitFor(30, TimeUnit.SECONDS);
        }
        long s = System.nanoTime();
        try (LocalBackend store = LocalBackend.open(dir)) {
            report(
                    "restart after kill -9 under load: %.2f s (%d tables)",
                    (System.nanoTime() - s) / 1e9, store.tableClient().listTables().size());
        }
    }

    /** The child: creates the tables, then writes index batches and chunk files until killed. */
    private static void load(Path dir, int tables) {
        LocalBackend store = LocalBackend.open(dir);
        for (int i = 0; i < tables; i++) {
            store.tableClient()
                    .createTable(TableDesc.named(String.format(Locale.ROOT, "load_index_%04d", i)));
        }
        System.out.println("writing");
        System.out.flush();
        Random random = new Random(21);
        byte[] value = new byte[100];
        byte[] chunk = new byte[16 << 10];
        for (long n = 0; ; n++) {
            WriteBatch b = new WriteBatch();
            String table = String.format(Locale.ROOT, "load_index_%04d", n % tables);
            for (int e = 0; e < 200; e++) {
                random.nextBytes(value);
                b.add(
                        table,
                        "user:d" + (n % 97) + ":series" + e,
                        ("range" + n + ":" + e).getBytes(StandardCharsets.UTF_8),
                        value.clone());
            }
            store.indexClient().batchWrite(b);
            random.nextBytes(chunk);
            store.objectClient().putObject("fake/chunk-" + n, chunk);
        }
    }

    private static long rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    private static double sum(long[] a, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += a[i];
        }
        return s;
    }

    private static double mean(long[] a, int from, int to) {
        return to > from ? sum(a, from, to) / (to - from) / 1e6 : 0;
    }

    private static void report(String format, Object... args) {
        System.out.println("local-scale: " + String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
