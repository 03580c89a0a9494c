package io.chunkstore.bench;

import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexEntry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the workloads of a {@link BenchFixture}: loads the data once through our client, then for
 * each workload runs warm-up rounds (discarded) and measured rounds, each round running both sides
 * back to back, the order alternating from round to round, with a full collection before every
 * timed run. Every read is checked to return exactly the entries (or chunks) loaded, so a fast side
 * cannot be a side that skipped data. Reads repeat inside a run until it lasts {@link
 * #MIN_TRIAL_NANOS} (the count is set again after every warm-up round and is the same for both
 * sides), so every warm-up round after the first is as long as a timed one: the gRPC path has far
 * more code for the JIT to compile than a driver call, and short warm-ups left it compiling through
 * the timed rounds (docs/benchmarks.md, issue 22).
 */
public final class BenchRunner {
    /** Measured runs of the heap workload per side (it is a high-water mark, not a rate). */
    static final int HEAP_RUNS = 3;

    private final BenchOptions options;
    private final BenchData data;
    private final PrintWriter log;

    private final long minTrialNanos;

    public BenchRunner(BenchOptions options, BenchData data, PrintWriter log) {
        this(options, data, log, MIN_TRIAL_NANOS);
    }

    /** With another minimum timed-run length for reads (0: never repeat). */
    BenchRunner(BenchOptions options, BenchData data, PrintWriter log, long minTrialNanos) {
        this.options = options;
        this.data = data;
        this.log = log;
        this.minTrialNanos = minTrialNanos;
    }

    /** One timed run, prepared (data generated, tables emptied) before the clock starts. */
    @FunctionalInterface
    interface Trial {
        Tally run();
    }

    /** How a workload prepares a timed run on one side. */
    interface Plan {
        Trial prepare(Subject side, int round);

        /** Items each run must move (checked), or -1. */
        long expectedItems();

        /**
         * Whether a trial may run several times in one timed run (reads: nothing changes between
         * runs).
         */
        default boolean repeatable() {
            return false;
        }
    }

    /** A read's timed run repeats until it lasts at least this long (calibrated in the warm-up). */
    static final long MIN_TRIAL_NANOS = 1_000_000_000L;

    static final int MAX_REPEATS = 1000;

    // ---- loading

    /**
     * Loads what the selected workloads read: the index rows and the chunk sets. Returns the items
     * loaded.
     */
    long load(BenchFixture f) {
        long items = 0;
        boolean index =
                options.workloads().stream()
                        .anyMatch(w -> w == Workload.HEAP || w.name().contains("QUERY"));
        if (index) {
            long start = System.nanoTime();
            List<Subject> targets = new ArrayList<>(List.of(f.ours()));
            if (!f.raw().sharesOurIndex()) {
                targets.add(f.raw());
            }
            for (Subject s : targets) {
                long[] done = {0};
                data.forEachLoadBatch(
                        BenchData.LOAD_BATCH,
                        batch -> {
                            s.writeIndex(batch);
                            done[0] += batch.size();
                            if (done[0] % 200_000 < batch.size()) {
                                log.printf(
                                        Locale.ROOT,
                                        "  loading index (%s): %,d of %,d entries%n",
                                        s.label(),
                                        done[0],
                                        data.loadEntries());
                                log.flush();
                            }
                        });
            }
            items += data.loadEntries();
            log.printf(
                    Locale.ROOT,
                    "  loaded %,d index entries in %.1f s%n",
                    data.loadEntries(),
                    (System.nanoTime() - start) / 1e9);
            log.flush();
        }
        for (int size : new int[] {BenchData.SMALL_CHUNK_BYTES, BenchData.LARGE_CHUNK_BYTES}) {
            boolean wanted =
                    options.workloads().stream()
                            .anyMatch(
                                    w ->
                                            w.name().contains("GET")
                                                    && w.name()
                                                            .endsWith(
                                                                    size
                                                                                    == BenchData
                                                                                            .SMALL_CHUNK_BYTES
                                                                            ? "2K"
                                                                            : "1M"));
            if (wanted) {
                List<EncodedChunk> set = data.getSet(size);
                for (List<EncodedChunk> part :
                        BenchData.partition(set, BenchData.chunksPerCall(size, true))) {
                    f.ours().putChunks(part);
                }
                items += set.size();
                log.printf(Locale.ROOT, "  loaded %,d chunks of %,d bytes%n", set.size(), size);
                log.flush();
            }
        }
        return items;
    }

    // ---- plans

    Plan plan(Workload w) {
        return switch (w) {
            case WRITE -> writePlan();
            case QUERY_ROW, GRPC_QUERY_ROW ->
                    queryPlan(data.bigRowQueries(), data.scale().bigRowEntries());
            case QUERY_ROWS, GRPC_QUERY_ROWS ->
                    queryPlan(data.smallRowQueries(), data.scale().smallRowsEntries());
            case QUERY_FANOUT, GRPC_QUERY_FANOUT ->
                    queryPlan(data.fanoutQueries(), data.scale().fanoutEntries());
            case CHUNK_PUT_2K -> putPlan(BenchData.SMALL_CHUNK_BYTES);
            case CHUNK_PUT_1M -> putPlan(BenchData.LARGE_CHUNK_BYTES);
            case CHUNK_GET_2K, GRPC_CHUNK_GET_2K -> getPlan(BenchData.SMALL_CHUNK_BYTES);
            case CHUNK_GET_1M, GRPC_CHUNK_GET_1M -> getPlan(BenchData.LARGE_CHUNK_BYTES);
            case GRPC_QUERY_PARALLEL -> parallelQueryPlan();
            case HEAP -> throw new IllegalArgumentException("the heap workload is not an A/B rate");
        };
    }

    private Plan writePlan() {
        return new Plan() {
            @Override
            public Trial prepare(Subject side, int round) {
                side.resetTable(BenchData.WRITE_TABLE);
                List<List<IndexEntry>> batches = data.writeBatches("w" + round + side.label());
                long bytes = 0;
                long n = 0;
                for (List<IndexEntry> b : batches) {
                    for (IndexEntry e : b) {
                        n++;
                        bytes += e.rangeValue().length + e.value().length;
                    }
                }
                Tally tally = new Tally(n, bytes);
                return () -> {
                    for (List<IndexEntry> b : batches) {
                        side.writeIndex(b);
                    }
                    return tally;
                };
            }

            @Override
            public long expectedItems() {
                return data.scale().writeEntries();
            }
        };
    }

    private static Plan queryPlan(List<io.chunkstore.spi.IndexQuery> queries, long expected) {
        return new Plan() {
            @Override
            public Trial prepare(Subject side, int round) {
                return () -> side.query(queries);
            }

            @Override
            public long expectedItems() {
                return expected;
            }

            @Override
            public boolean repeatable() {
                return true;
            }
        };
    }

    /**
     * One-row queries in flight at a time in {@link Workload#GRPC_QUERY_PARALLEL}; 16 as the
     * example in issue 22 (Cortex bounds its DoParallelQueries by the querier's query parallelism).
     */
    static final int PARALLEL_QUERIES_IN_FLIGHT = 16;

    private Plan parallelQueryPlan() {
        List<io.chunkstore.spi.IndexQuery> queries = data.smallRowQueries();
        long expectedEntries = data.scale().smallRowsEntries();
        return new Plan() {
            @Override
            public Trial prepare(Subject side, int round) {
                return () -> {
                    java.util.concurrent.atomic.LongAdder entries =
                            new java.util.concurrent.atomic.LongAdder();
                    Tally t = side.parallelQueries(queries, PARALLEL_QUERIES_IN_FLIGHT, entries);
                    if (entries.sum() != expectedEntries) {
                        throw new IllegalStateException(
                                side.label()
                                        + " read "
                                        + entries.sum()
                                        + " entries in "
                                        + queries.size()
                                        + " one-row queries, expected "
                                        + expectedEntries);
                    }
                    return t;
                };
            }

            @Override
            public long expectedItems() {
                return queries.size();
            }

            @Override
            public boolean repeatable() {
                return true;
            }
        };
    }

    private Plan putPlan(int size) {
        return new Plan() {
            @Override
            public Trial prepare(Subject side, int round) {
                side.resetTable(BenchData.CHUNK_PUT_TABLE);
                List<EncodedChunk> chunks =
                        data.chunks(
                                BenchData.CHUNK_PUT_TABLE,
                                "put-" + size + "-" + round + "-" + side.label(),
                                data.chunkCount(size),
                                size);
                long bytes = chunks.stream().mapToLong(c -> c.encoded().length).sum();
                List<List<EncodedChunk>> calls =
                        BenchData.partition(chunks, BenchData.chunksPerCall(size, true));
                return () -> {
                    for (List<EncodedChunk> call : calls) {
                        side.putChunks(call);
                    }
                    return new Tally(chunks.size(), bytes);
                };
            }

            @Override
            public long expectedItems() {
                return data.chunkCount(size);
            }
        };
    }

    private Plan getPlan(int size) {
        List<ChunkLocation> locations = BenchData.locations(data.getSet(size));
        List<List<ChunkLocation>> calls =
                BenchData.partition(locations, BenchData.chunksPerCall(size, false));
        long bytes = (long) locations.size() * size;
        return new Plan() {
            @Override
            public Trial prepare(Subject side, int round) {
                return () -> {
                    Tally t = Tally.ZERO;
                    for (List<ChunkLocation> call : calls) {
                        t = t.plus(side.getChunks(call));
                    }
                    if (t.bytes() != bytes) {
                        throw new IllegalStateException(
                                side.label()
                                        + " read "
                                        + t.bytes()
                                        + " chunk bytes, expected "
                                        + bytes);
                    }
                    return t;
                };
            }

            @Override
            public long expectedItems() {
                return locations.size();
            }

            @Override
            public boolean repeatable() {
                return true;
            }
        };
    }

    // ---- running

    /** Runs one A/B workload: {@code ours} against {@code baseline}. */
    WorkloadResult compare(Workload w, Subject ours, Subject baseline) {
        Plan plan = plan(w);
        int rounds = options.rounds();
        double[][] items = new double[2][rounds];
        double[][] mib = new double[2][rounds];
        double[][] cpu = new double[2][rounds];
        double[][] p99 = new double[2][rounds];
        boolean timed = false;
        Subject[] sides = {ours, baseline};
        long itemsPerRun = 0;
        long bytesPerRun = 0;
        log.printf(
                Locale.ROOT,
                "%s: %s vs %s, %d warm-up + %d rounds%n",
                w.id(),
                ours.label(),
                baseline.label(),
                options.warmup(),
                rounds);
        log.flush();
        int repeats = 1;
        for (int r = -options.warmup(); r < rounds; r++) {
            int first = Math.floorMod(r, 2);
            StringBuilder line = new StringBuilder(r < 0 ? "  warm-up" : "  round " + (r + 1));
            long fastest = Long.MAX_VALUE;
            for (int k = 0; k < 2; k++) {
                int s = (first + k) % 2;
                Trial trial = plan.prepare(sides[s], r);
                System.gc();
                long c0 = Stats.processCpuNanos();
                long t0 = System.nanoTime();
                Tally t = Tally.ZERO;
                for (int i = 0; i < repeats; i++) {
                    t = t.plus(trial.run());
                }
                long dt = System.nanoTime() - t0;
                long dc = Stats.processCpuNanos() - c0;
                fastest = Math.min(fastest, dt);
                if (plan.expectedItems() >= 0 && t.items() != plan.expectedItems() * repeats) {
                    throw new IllegalStateException(
                            w.id()
                                    + ": "
                                    + sides[s].label()
                                    + " moved "
                                    + t.items() / repeats
                                    + " "
                                    + w.unit()
                                    + ", expected "
                                    + plan.expectedItems());
                }
                itemsPerRun = t.items() / repeats;
                bytesPerRun = t.bytes() / repeats;
                double perSec = Stats.perSecond(t.items(), dt);
                line.append(
                        String.format(
                                Locale.ROOT,
                                "  %s %,.0f %s/s (%.2f s)",
                                sides[s].label(),
                                perSec,
                                w.unit(),
                                dt / 1e9));
                if (r >= 0) {
                    items[s][r] = perSec;
                    mib[s][r] = Stats.perSecond(Stats.mib(t.bytes()), dt);
                    cpu[s][r] = t.items() == 0 ? 0 : (double) dc / t.items();
                    p99[s][r] = t.p99Millis();
                    timed |= t.latencyNanos().length > 0;
                }
                if (t.latencyNanos().length > 0) {
                    line.append(String.format(Locale.ROOT, " p99 %.2f ms", t.p99Millis()));
                }
            }
            if (r < 0 && plan.repeatable()) {
                repeats = repeats(fastest, repeats, minTrialNanos);
                line.append(repeats > 1 ? "  -> " + repeats + " repeats per timed run" : "");
            }
            log.println(line);
            log.flush();
        }
        WorkloadResult result =
                new WorkloadResult(
                        w,
                        new SideStats(
                                ours.label(),
                                items[0],
                                mib[0],
                                cpu[0],
                                timed ? p99[0] : new double[0]),
                        new SideStats(
                                baseline.label(),
                                items[1],
                                mib[1],
                                cpu[1],
                                timed ? p99[1] : new double[0]),
                        itemsPerRun,
                        bytesPerRun);
        log.printf(
                Locale.ROOT,
                "  median %s %,.0f, %s %,.0f %s/s: ratio %.3f; CPU per item %s %,.0f ns, %s %,.0f ns%n",
                ours.label(),
                result.ours().medianItems(),
                baseline.label(),
                result.baseline().medianItems(),
                w.unit(),
                result.ratio(),
                ours.label(),
                result.ours().medianCpuPerItem(),
                baseline.label(),
                result.baseline().medianCpuPerItem());
        log.flush();
        return result;
    }

    /**
     * How many times a read must repeat so a timed run lasts at least {@code minNanos}, given the
     * faster side's time for {@code repeats} repetitions; between 1 and {@link #MAX_REPEATS}.
     */
    static int repeats(long fastestNanos, int repeats, long minNanos) {
        double once = Math.max(1, fastestNanos / (double) repeats);
        return (int) Math.max(1, Math.min(MAX_REPEATS, Math.ceil(minNanos / once)));
    }

    /**
     * Streams the wide row on each side, measuring heap growth; one warm-up run each, then {@link
     * #HEAP_RUNS}.
     */
    HeapResult heap(List<Subject> sides) {
        List<io.chunkstore.spi.IndexQuery> queries = data.bigRowQueries();
        long expected = data.scale().bigRowEntries();
        log.printf(
                Locale.ROOT,
                "heap: streaming %,d entries, %d runs per side%n",
                expected,
                HEAP_RUNS);
        log.flush();
        List<List<HeapProbe.Result>> runs = new ArrayList<>();
        sides.forEach(s -> runs.add(new ArrayList<>()));
        for (int r = -1; r < HEAP_RUNS; r++) {
            for (int k = 0; k < sides.size(); k++) {
                int s = Math.floorMod(r + k, sides.size());
                Subject side = sides.get(s);
                long[] n = {0};
                HeapProbe.Result res = HeapProbe.measure(() -> n[0] = side.query(queries).items());
                if (n[0] != expected) {
                    throw new IllegalStateException(
                            "heap: "
                                    + side.label()
                                    + " streamed "
                                    + n[0]
                                    + " entries, expected "
                                    + expected);
                }
                log.printf(
                        Locale.ROOT,
                        "  %s %s: retained %s, peak %.1f MiB, %d collections%n",
                        r < 0 ? "warm-up" : "run " + (r + 1),
                        side.label(),
                        res.retainedGrowth() < 0
                                ? "n/a"
                                : String.format(
                                        Locale.ROOT, "%.1f MiB", Stats.mib(res.retainedGrowth())),
                        Stats.mib(res.peakGrowth()),
                        res.collections());
                log.flush();
                if (r >= 0) {
                    runs.get(s).add(res);
                }
            }
        }
        List<HeapResult.Side> out = new ArrayList<>();
        for (int s = 0; s < sides.size(); s++) {
            out.add(new HeapResult.Side(sides.get(s).label(), List.copyOf(runs.get(s))));
        }
        return new HeapResult(expected, out);
    }

    /**
     * Runs every selected workload on the fixture. A workload that fails (a store error, a side
     * returning other data) is reported in {@code errors} and the others still run.
     */
    List<WorkloadResult> runAll(BenchFixture f, List<HeapResult> heapOut, List<String> errors) {
        List<WorkloadResult> out = new ArrayList<>();
        for (Workload w : options.workloads()) {
            try {
                switch (w.group()) {
                    case INDEX, CHUNKS -> out.add(compare(w, f.ours(), f.raw()));
                    case GRPC -> out.add(compare(w, f.grpc(), f.ours()));
                    case HEAP -> heapOut.add(heap(List.of(f.ours(), f.raw())));
                }
            } catch (RuntimeException e) {
                String msg = w.id() + " failed: " + e;
                errors.add(msg);
                log.println("  " + msg);
                log.flush();
            }
        }
        return out;
    }
}
