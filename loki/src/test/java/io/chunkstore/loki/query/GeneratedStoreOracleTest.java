package io.chunkstore.loki.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.Direction;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.LokiChunk;
import io.chunkstore.loki.LokiFingerprint;
import io.chunkstore.loki.chunkenc.ChunkFormat;
import io.chunkstore.loki.chunkenc.Codec;
import io.chunkstore.loki.logql.LogQuery;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A generated store: many streams, each written by 3 replicas that cut chunks at different points
 * (and now and then miss an entry), over three days and two schema periods (v11 then v12, with
 * their different key forms), with equal timestamps and exact duplicates inside streams. Queries
 * forward and backward, with limits, windows and line filters, are compared with a brute-force
 * oracle: every unique (stream, timestamp, line) sorted by the documented order (time, then stream
 * hash ascending, then labels string), filtered, limited.
 */
class GeneratedStoreOracleTest {
    private static final long DAY_NS = 86_400_000_000_000L;
    private static final long MINUTE_NS = 60_000_000_000L;
    private static final long START =
            Instant.parse("2023-11-13T00:00:00Z").toEpochMilli() * 1_000_000L;
    private static final long END = START + 3 * DAY_NS;
    private static final String[] LEVELS = {"info", "error", "debug", "warn"};

    record Expected(Labels stream, long hash, long ts, String line) {}

    private static TestLogStore store;
    private static final List<Expected> UNIQUE = new ArrayList<>();
    private static int chunkCount;

    @BeforeAll
    static void generate() {
        Random rnd = new Random(20231114);
        SchemaConfig config = TestStores.v11ThenV12("2023-11-14");
        store = new TestLogStore(config);
        Set<Expected> unique = new LinkedHashSet<>();
        for (int s = 0; s < 14; s++) {
            Labels labels =
                    Labels.of(
                            "app", "app-" + (s % 7), "env", s < 7 ? "prod" : "dev", "pod", "p" + s);
            long hash = LokiFingerprint.of(labels);
            List<LogEntry> written = new ArrayList<>();
            long ts = START + (long) (rnd.nextDouble() * DAY_NS / 4);
            int n = 60 + rnd.nextInt(80);
            for (int i = 0; i < n; i++) {
                double p = rnd.nextDouble();
                if (p < 0.06 && !written.isEmpty()) {
                    written.add(
                            written.get(written.size() - 1)); // an exact duplicate in the stream
                    continue;
                }
                if (p > 0.15) {
                    // Whole minutes, so streams share timestamps and chunk bounds fall on entries
                    // exactly; now and
                    // then a nanosecond offset, so rounding of chunk bounds to ms matters too.
                    long step =
                            1 + (long) (rnd.nextDouble() * (END - ts) / (n - i) * 1.5 / MINUTE_NS);
                    ts =
                            (ts / MINUTE_NS + step) * MINUTE_NS
                                    + (rnd.nextDouble() < 0.1 ? 1 + rnd.nextInt(999) : 0);
                }
                ts = Math.min(ts, END + DAY_NS / 2);
                String line =
                        "level="
                                + LEVELS[rnd.nextInt(LEVELS.length)]
                                + " code="
                                + rnd.nextInt(10)
                                + " msg="
                                + (rnd.nextBoolean() ? "x" : "")
                                + "m"
                                + i;
                written.add(LogEntry.of(ts, line));
            }
            for (LogEntry e : written) {
                unique.add(new Expected(labels, hash, e.timestamp(), e.lineString()));
            }
            for (int replica = 0; replica < 3; replica++) {
                List<LogEntry> copy = new ArrayList<>();
                for (LogEntry e : written) {
                    if (replica == 0 || rnd.nextDouble() > 0.03) {
                        copy.add(e);
                    }
                }
                int pieces = 1 + rnd.nextInt(6);
                List<Integer> cuts = new ArrayList<>();
                for (int k = 1; k < pieces; k++) {
                    cuts.add(1 + rnd.nextInt(copy.size() - 1));
                }
                cuts.add(0);
                cuts.add(copy.size());
                List<Integer> sorted = cuts.stream().distinct().sorted().toList();
                for (int k = 0; k + 1 < sorted.size(); k++) {
                    List<LogEntry> part = copy.subList(sorted.get(k), sorted.get(k + 1));
                    Codec codec =
                            new Codec[] {Codec.NONE, Codec.GZIP, Codec.SNAPPY, Codec.LZ4_64K}
                                    [rnd.nextInt(4)];
                    store.put(
                            LokiChunk.encode(
                                    "tenant",
                                    labels,
                                    ChunkFormat.V3,
                                    codec,
                                    150 + rnd.nextInt(300),
                                    part));
                    chunkCount++;
                }
            }
        }
        UNIQUE.addAll(unique);
    }

    private static Comparator<Expected> order(Direction d) {
        Comparator<Expected> byTime = Comparator.comparingLong(Expected::ts);
        if (d == Direction.BACKWARD) {
            byTime = byTime.reversed();
        }
        return byTime.thenComparing((a, b) -> Long.compareUnsigned(a.hash, b.hash))
                .thenComparing(e -> e.stream.toString());
    }

    private static void check(
            LogQuerier q,
            String query,
            Predicate<Expected> oracleFilter,
            long start,
            long end,
            Direction d,
            int limit) {
        List<Expected> all =
                UNIQUE.stream()
                        .filter(e -> e.ts >= start && e.ts < end)
                        .filter(oracleFilter)
                        .sorted(order(d))
                        .toList();
        List<Expected> expected = all.subList(0, Math.min(limit, all.size()));
        List<StreamEntry> got = new ArrayList<>();
        try (LogIterator it = q.select("tenant", LogQuery.parse(query), start, end, d)) {
            while (got.size() < limit && it.hasNext()) {
                got.add(it.next());
            }
        }
        String what = query + " [" + start + ", " + end + ") " + d + " limit " + limit;
        assertThat(got).as(what).hasSize(expected.size());
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i).timestamp()).as(what + " ts #" + i).isEqualTo(expected.get(i).ts);
            assertThat(got.get(i).stream().labels())
                    .as(what + " stream #" + i)
                    .isEqualTo(expected.get(i).stream);
        }
        // Lines: equal as multisets within each run of one (time, stream); the last run may be cut
        // by the limit.
        int i = 0;
        while (i < got.size()) {
            int j = i;
            while (j < got.size()
                    && got.get(j).timestamp() == got.get(i).timestamp()
                    && got.get(j).stream().equals(got.get(i).stream())) {
                j++;
            }
            List<String> gotLines =
                    got.subList(i, j).stream().map(e -> e.entry().lineString()).sorted().toList();
            long ts = got.get(i).timestamp();
            Labels stream = got.get(i).stream().labels();
            List<String> runLines =
                    all.stream()
                            .filter(e -> e.ts == ts && e.stream.equals(stream))
                            .map(Expected::line)
                            .sorted()
                            .toList();
            if (j < got.size() || got.size() == all.size()) {
                assertThat(gotLines).as(what + " lines at " + ts).isEqualTo(runLines);
            } else {
                assertThat(runLines).as(what + " lines at " + ts).containsAll(gotLines);
                assertThat(gotLines).doesNotHaveDuplicates();
            }
            i = j;
        }
    }

    @Test
    void storeIsWhatTheTestMeansItToBe() {
        assertThat(chunkCount).isGreaterThan(100);
        assertThat(UNIQUE).hasSizeGreaterThan(1000);
        Map<Long, Integer> perTs = new HashMap<>();
        UNIQUE.forEach(e -> perTs.merge(e.ts, 1, Integer::sum));
        assertThat(perTs.values()).as("some timestamps are shared").anyMatch(c -> c > 1);
        Map<Long, Set<Labels>> streamsAtTs = new HashMap<>();
        UNIQUE.forEach(
                e ->
                        streamsAtTs
                                .computeIfAbsent(e.ts, k -> new java.util.HashSet<>())
                                .add(e.stream));
        assertThat(streamsAtTs.values().stream().filter(v -> v.size() > 1).count())
                .as("timestamps shared across streams")
                .isGreaterThan(50);
        assertThat(UNIQUE.stream().map(e -> e.hash < 0).distinct().count())
                .as("stream hashes with and without the top bit")
                .isEqualTo(2);
    }

    @Test
    void wholeRangeForwardAndBackwardMatchTheOracle() {
        try (LogQuerier q = new LogQuerier(store, QueryOptions.DEFAULT.withBatchSize(7))) {
            for (Direction d : Direction.values()) {
                check(
                        q,
                        "{env=~\"prod|dev\"}",
                        e -> true,
                        START,
                        END + DAY_NS,
                        d,
                        Integer.MAX_VALUE);
                check(
                        q,
                        "{env=\"prod\"}",
                        e -> e.stream.get("env").equals("prod"),
                        START,
                        END + DAY_NS,
                        d,
                        250);
            }
        }
    }

    @Test
    void randomWindowsFiltersAndLimitsMatchTheOracle() {
        Random rnd = new Random(7);
        record F(String logql, Predicate<Expected> oracle) {}
        List<F> filters =
                List.of(
                        new F("", e -> true),
                        new F(" |= \"error\"", e -> e.line.contains("error")),
                        new F(
                                " != \"debug\" |= \"code=\"",
                                e -> !e.line.contains("debug") && e.line.contains("code=")),
                        new F(
                                " |~ \"code=[0-4] \"",
                                e ->
                                        java.util.regex.Pattern.compile("code=[0-4] ")
                                                .matcher(e.line)
                                                .find()),
                        new F(" !~ \"msg=x\"", e -> !e.line.contains("msg=x")));
        List<String> selectors =
                List.of(
                        "{app=\"app-3\"}",
                        "{app=~\"app-[0-2]\", env=\"dev\"}",
                        "{pod!=\"p4\"," + " env=~\".+\"}",
                        "{app=\"none\"}");
        for (int round = 0; round < 24; round++) {
            long a = START + (long) (rnd.nextDouble() * 3.2 * DAY_NS);
            long b = a + (long) (rnd.nextDouble() * DAY_NS * (rnd.nextBoolean() ? 0.05 : 1.5));
            Direction d = rnd.nextBoolean() ? Direction.FORWARD : Direction.BACKWARD;
            int limit = new int[] {1, 5, 37, 100, 5000}[rnd.nextInt(5)];
            F f = filters.get(rnd.nextInt(filters.size()));
            String sel = selectors.get(rnd.nextInt(selectors.size()));
            Predicate<Expected> selPred =
                    switch (sel) {
                        case "{app=\"app-3\"}" -> e -> e.stream.get("app").equals("app-3");
                        case "{app=\"none\"}" -> e -> false;
                        default ->
                                sel.startsWith("{app=~")
                                        ? e ->
                                                e.stream.get("app").matches("app-[0-2]")
                                                        && e.stream.get("env").equals("dev")
                                        : e -> !e.stream.get("pod").equals("p4");
                    };
            int batch = 1 + rnd.nextInt(60);
            try (LogQuerier q =
                    new LogQuerier(
                            store,
                            QueryOptions.DEFAULT
                                    .withBatchSize(batch)
                                    .withFetchParallelism(1 + rnd.nextInt(4)))) {
                check(q, sel + f.logql, selPred.and(f.oracle), a, b, d, limit);
            }
        }
    }

    @Test
    void readStreamsGroupsTheLimitedEntriesByLabelsString() {
        try (LogQuerier q = new LogQuerier(store)) {
            LogQueryResult r =
                    q.query(
                            LogQueryRequest.of(
                                    "tenant",
                                    LogQuery.parse("{env=\"dev\"} |= \"warn\""),
                                    START,
                                    END + DAY_NS,
                                    Direction.BACKWARD,
                                    120));
            assertThat(r.entryCount()).isEqualTo(120);
            // Backward: streams by labels string descending, as Loki's query frontend returns them.
            assertThat(r.streams())
                    .extracting(s -> s.stream().labelsString())
                    .isSortedAccordingTo(io.chunkstore.core.model.GoStrings.BYTE_ORDER.reversed());
            List<Expected> expected =
                    UNIQUE.stream()
                            .filter(
                                    e ->
                                            e.stream.get("env").equals("dev")
                                                    && e.line.contains("warn"))
                            .sorted(order(Direction.BACKWARD))
                            .toList()
                            .subList(0, 120);
            for (LogQueryResult.Stream s : r.streams()) {
                List<Long> want =
                        expected.stream()
                                .filter(e -> e.stream.equals(s.stream().labels()))
                                .map(Expected::ts)
                                .toList();
                assertThat(s.entries()).extracting(LogEntry::timestamp).isEqualTo(want);
            }
            assertThat(r.stats().entriesReturned()).isEqualTo(120);
            assertThat(r.stats().linesScanned()).isGreaterThanOrEqualTo(120);
            assertThat(
                            new String(
                                    r.streams().get(0).entries().get(0).line(),
                                    StandardCharsets.UTF_8))
                    .contains("warn");
        }
    }

    @Test
    void aLimitedQueryFetchesOnlyTheBatchesItNeeds() {
        SchemaConfig config = TestStores.single(io.chunkstore.core.config.SchemaVersion.V12);
        TestLogStore big = new TestLogStore(config);
        Labels labels = Labels.of("job", "many");
        for (int c = 0; c < 400; c++) {
            long t = START + c * 1_000_000_000L;
            big.put(
                    LokiChunk.encode(
                            "tenant",
                            labels,
                            ChunkFormat.V3,
                            Codec.NONE,
                            1000,
                            List.of(LogEntry.of(t, "a" + c), LogEntry.of(t + 1, "b" + c))));
        }
        try (LogQuerier q =
                new LogQuerier(
                        big, QueryOptions.DEFAULT.withBatchSize(10).withFetchParallelism(2))) {
            LogQueryResult r =
                    q.query(
                            LogQueryRequest.of(
                                    "tenant",
                                    LogQuery.parse("{job=\"many\"}"),
                                    START,
                                    START + 1000 * 1_000_000_000L,
                                    Direction.BACKWARD,
                                    15));
            assertThat(r.entryCount()).isEqualTo(15);
            assertThat(r.streams().get(0).entries().get(0).lineString()).isEqualTo("b399");
            assertThat(r.stats().chunksRef()).isEqualTo(400);
            // The batch read, the next one prefetched, and the batch after that at most.
            assertThat(big.chunksFetched.get()).isLessThanOrEqualTo(30);
            assertThat(Objects.requireNonNull(r.stats()).chunksDownloaded())
                    .isLessThanOrEqualTo(30);
        }
    }
}
