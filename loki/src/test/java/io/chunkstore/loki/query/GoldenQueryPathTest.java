package io.chunkstore.loki.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.Direction;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.chunkenc.GoldenLoki;
import io.chunkstore.loki.logql.LogQuery;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden Loki chunk through the whole log path: stored under the key form of a v11 and a v12
 * period with the index entries core's schemas write, found by the selector, fetched, read forward
 * and backward with limits, windows and line filters. All goldens together are 28 replicas of one
 * stream, which de-duplicate to the 10 entries.
 */
class GoldenQueryPathTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long END = T0 + 8_000_000_000L;
    private static final Labels STREAM = Labels.of("filename", "/var/log/syslog", "job", "varlogs");

    static Stream<GoldenLoki> goldens() {
        return GoldenLoki.all().stream();
    }

    private static List<StreamEntry> all(
            LogQuerier q, String query, long start, long end, Direction d) {
        List<StreamEntry> out = new ArrayList<>();
        try (LogIterator it = q.select("fake", LogQuery.parse(query), start, end, d)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private static List<LogEntry> entries(List<StreamEntry> es) {
        return es.stream().map(StreamEntry::entry).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void everyGoldenChunkThroughTheQueryPath(GoldenLoki g) {
        for (SchemaVersion v : List.of(SchemaVersion.V11, SchemaVersion.V12)) {
            SchemaConfig config = TestStores.single(v);
            TestLogStore store = new TestLogStore(config);
            String key = TestStores.putGolden(store, config, g);
            assertThat(key)
                    .isEqualTo(v == SchemaVersion.V12 ? g.externalKey() : g.externalKeyPreV12());
            List<LogEntry> expected = g.entriesForward();
            try (LogQuerier q = new LogQuerier(store)) {
                List<StreamEntry> fwd = all(q, "{job=\"varlogs\"}", T0, END, Direction.FORWARD);
                assertThat(entries(fwd)).as("%s %s forward", g, v).isEqualTo(expected);
                assertThat(fwd).allSatisfy(e -> assertThat(e.stream().labels()).isEqualTo(STREAM));
                List<LogEntry> reversed = new ArrayList<>(expected);
                Collections.reverse(reversed);
                assertThat(
                                entries(
                                        all(
                                                q,
                                                "{filename=~\"/var/log/.+\"}",
                                                T0,
                                                END,
                                                Direction.BACKWARD)))
                        .as("%s %s backward", g, v)
                        .isEqualTo(reversed);

                // A window inside the chunk: [t0+1.5ms, t0+3s) holds entries 3 and 4.
                assertThat(
                                entries(
                                        all(
                                                q,
                                                "{job=\"varlogs\"}",
                                                T0 + 1_500_000,
                                                T0 + 3_000_000_000L,
                                                Direction.FORWARD)))
                        .isEqualTo(expected.subList(2, 4));
                // Line filters, pushed down into the chunk iteration.
                assertThat(
                                entries(
                                        all(
                                                q,
                                                "{job=\"varlogs\"} |= \"same-ts\"",
                                                T0,
                                                END,
                                                Direction.BACKWARD)))
                        .extracting(LogEntry::lineString)
                        .containsExactly("same-ts second", "same-ts first");
                assertThat(
                                entries(
                                        all(
                                                q,
                                                "{job=\"varlogs\"} |~ `h.llo w.rld` != \"x\"",
                                                T0,
                                                END,
                                                Direction.FORWARD)))
                        .containsExactly(expected.get(2));
                assertThat(
                                entries(
                                        all(
                                                q,
                                                "{job=\"varlogs\"} !~ \".\"",
                                                T0,
                                                END,
                                                Direction.FORWARD)))
                        .as("only the empty line has no character")
                        .containsExactly(expected.get(1));

                // Limit, backward: the newest entries, newest first (readStreams).
                LogQueryResult r =
                        q.query(
                                LogQueryRequest.of(
                                        "fake",
                                        LogQuery.parse("{job=\"varlogs\"}"),
                                        T0,
                                        END,
                                        Direction.BACKWARD,
                                        3));
                assertThat(r.streams()).hasSize(1);
                assertThat(r.streams().get(0).stream().labelsString())
                        .isEqualTo("{filename=\"/var/log/syslog\", job=\"varlogs\"}");
                assertThat(r.streams().get(0).entries()).isEqualTo(reversed.subList(0, 3));
                assertThat(r.stats().chunksRef()).isEqualTo(1);
                assertThat(r.skipped()).isEmpty();

                // Another tenant, another selector: nothing.
                assertThat(all(q, "{job=\"other\"}", T0, END, Direction.FORWARD)).isEmpty();
                try (LogIterator it =
                        q.select(
                                "other",
                                LogQuery.parse("{job=\"varlogs\"}"),
                                T0,
                                END,
                                Direction.FORWARD)) {
                    assertThat(it.hasNext()).isFalse();
                }
            }
        }
    }

    @Test
    void allGoldensAreReplicasOfOneStreamAndDeduplicate() {
        SchemaConfig config = TestStores.v11ThenV12("2023-11-14");
        TestLogStore store = new TestLogStore(config);
        List<GoldenLoki> goldens = GoldenLoki.all();
        for (GoldenLoki g : goldens) {
            TestStores.putGolden(store, config, g);
        }
        List<LogEntry> expected =
                goldens.stream()
                        .filter(g -> g.formatVersion() == 3)
                        .findFirst()
                        .orElseThrow()
                        .entriesForward();
        try (LogQuerier q = new LogQuerier(store, QueryOptions.DEFAULT.withBatchSize(5))) {
            List<StreamEntry> fwd = all(q, "{job=\"varlogs\"}", T0, END, Direction.FORWARD);
            assertThat(fwd).hasSize(10);
            assertThat(fwd)
                    .extracting(e -> e.entry().lineString())
                    .containsExactlyElementsOf(
                            expected.stream().map(LogEntry::lineString).toList());
            assertThat(fwd)
                    .extracting(StreamEntry::timestamp)
                    .containsExactlyElementsOf(expected.stream().map(LogEntry::timestamp).toList());
            List<StreamEntry> bwd = all(q, "{job=\"varlogs\"}", T0, END, Direction.BACKWARD);
            assertThat(bwd)
                    .extracting(e -> e.entry().lineString())
                    .containsExactlyElementsOf(
                            reverse(expected.stream().map(LogEntry::lineString).toList()));

            LogQueryResult r =
                    q.query(
                            LogQueryRequest.of(
                                    "fake",
                                    LogQuery.parse("{job=\"varlogs\"}"),
                                    T0,
                                    END,
                                    Direction.FORWARD,
                                    100));
            assertThat(r.stats().chunksRef()).isEqualTo(goldens.size());
            assertThat(r.stats().duplicates()).isEqualTo(10L * (goldens.size() - 1));
        }
        // Loki 3.7's rule: entries with structured metadata (v4) differ from the same entries
        // without it (v1-v3).
        try (LogQuerier q =
                new LogQuerier(store, QueryOptions.DEFAULT.withDedupeStructuredMetadata(true))) {
            List<StreamEntry> fwd = all(q, "{job=\"varlogs\"}", T0, END, Direction.FORWARD);
            long withSm =
                    expected.size()
                            + goldens.stream()
                                    .filter(g -> g.formatVersion() == 4)
                                    .findFirst()
                                    .orElseThrow()
                                    .entriesForward()
                                    .stream()
                                    .filter(e -> !e.structuredMetadata().isEmpty())
                                    .count();
            assertThat(fwd).hasSize((int) withSm);
            assertThat(fwd).extracting(StreamEntry::timestamp).isSorted();
        }
    }

    private static <T> List<T> reverse(List<T> l) {
        List<T> r = new ArrayList<>(l);
        Collections.reverse(r);
        return r;
    }
}
