package io.chunkstore.loki.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.store.IndexedChunk;
import io.chunkstore.loki.Direction;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.LokiChunk;
import io.chunkstore.loki.LokiFingerprint;
import io.chunkstore.loki.chunkenc.ChunkFormat;
import io.chunkstore.loki.chunkenc.Codec;
import io.chunkstore.loki.logql.LogQuery;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The heap order and de-duplication rules of Loki's pkg/iter/entry_iterator.go, and the batch
 * windows at their edges.
 */
class MergeRulesTest {
    private static final long T = 1_700_000_000_000_000_000L;
    private static final Labels A = Labels.of("job", "a");

    private final TestLogStore store = new TestLogStore(TestStores.single(SchemaVersion.V12));

    private void put(Labels labels, LogEntry... entries) {
        store.put(LokiChunk.encode("u", labels, ChunkFormat.V4, Codec.NONE, 64, List.of(entries)));
    }

    private List<String> lines(String query, Direction d, int batchSize) {
        List<String> out = new ArrayList<>();
        try (LogQuerier q = new LogQuerier(store, QueryOptions.DEFAULT.withBatchSize(batchSize));
                LogIterator it =
                        q.select(
                                "u",
                                LogQuery.parse(query),
                                T - 1_000_000_000L,
                                T + 100_000_000_000L,
                                d)) {
            it.forEachRemaining(e -> out.add(e.entry().lineString()));
        }
        return out;
    }

    @Test
    void duplicatesWithinOneIteratorAreDroppedToo() {
        // Loki's pkg/iter/entry_iterator.go: [x,x,y] merged with [x] gives "x y" since Loki 2.8
        // (2.0-2.7 gave "x x y").
        put(A, LogEntry.of(T, "x"), LogEntry.of(T, "x"), LogEntry.of(T + 1, "y"));
        put(A, LogEntry.of(T, "x"));
        assertThat(lines("{job=\"a\"}", Direction.FORWARD, 50)).containsExactly("x", "y");
        assertThat(lines("{job=\"a\"}", Direction.BACKWARD, 50)).containsExactly("y", "x");
        // One chunk alone: its own duplicate goes as well.
        TestLogStore one = new TestLogStore(TestStores.single(SchemaVersion.V12));
        one.put(
                LokiChunk.encode(
                        "u",
                        A,
                        ChunkFormat.V3,
                        Codec.GZIP,
                        64,
                        List.of(
                                LogEntry.of(T, "x"),
                                LogEntry.of(T, "x"),
                                LogEntry.of(T, "z"),
                                LogEntry.of(T, "x"))));
        try (LogQuerier q = new LogQuerier(one)) {
            LogQueryResult r =
                    q.query(
                            LogQueryRequest.of(
                                    "u",
                                    LogQuery.parse("{job=\"a\"}"),
                                    T,
                                    T + 1,
                                    Direction.FORWARD,
                                    10));
            assertThat(r.streams().get(0).entries())
                    .extracting(LogEntry::lineString)
                    .containsExactly("x", "z");
            assertThat(r.stats().duplicates()).isEqualTo(2);
        }
    }

    @Test
    void equalLinesAtDifferentTimesOrInDifferentStreamsAreKept() {
        Labels b = Labels.of("job", "b");
        put(A, LogEntry.of(T, "x"), LogEntry.of(T + 1, "x"));
        put(b, LogEntry.of(T, "x"));
        assertThat(lines("{job=~\"a|b\"}", Direction.FORWARD, 50)).containsExactly("x", "x", "x");
    }

    @Test
    void equalTimestampsAcrossStreamsGoByStreamHashAscendingInBothDirections() {
        List<Labels> streams = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Labels l = Labels.of("job", "s", "n", "n" + i);
            streams.add(l);
            put(l, LogEntry.of(T, l.get("n") + "@1"), LogEntry.of(T + 5, l.get("n") + "@2"));
        }
        List<Labels> byHash = new ArrayList<>(streams);
        byHash.sort((x, y) -> Long.compareUnsigned(LokiFingerprint.of(x), LokiFingerprint.of(y)));
        assertThat(byHash.stream().map(LokiFingerprint::of).anyMatch(h -> h < 0))
                .as("top bit set somewhere")
                .isTrue();
        List<String> first = byHash.stream().map(l -> l.get("n") + "@1").toList();
        List<String> second = byHash.stream().map(l -> l.get("n") + "@2").toList();
        List<String> fwd = new ArrayList<>(first);
        fwd.addAll(second);
        List<String> bwd = new ArrayList<>(second);
        bwd.addAll(first);
        for (int batch : new int[] {1, 3, 50}) {
            assertThat(lines("{job=\"s\"}", Direction.FORWARD, batch))
                    .containsExactlyElementsOf(fwd);
            assertThat(lines("{job=\"s\"}", Direction.BACKWARD, batch))
                    .containsExactlyElementsOf(bwd);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 50})
    void backwardIsTheExactReverseOfForwardWithEqualTimestampsInOneStream(int batch) {
        put(
                A,
                LogEntry.of(T, "a"),
                LogEntry.of(T, "b"),
                LogEntry.of(T, "c"),
                LogEntry.of(T + 2, "d"),
                LogEntry.of(T + 2, "e"));
        put(A, LogEntry.of(T + 1_000_000, "f"), LogEntry.of(T + 1_000_000, "g"));
        List<String> fwd = lines("{job=\"a\"}", Direction.FORWARD, batch);
        assertThat(fwd).containsExactly("a", "b", "c", "d", "e", "f", "g");
        List<String> rev = new ArrayList<>(fwd);
        Collections.reverse(rev);
        assertThat(lines("{job=\"a\"}", Direction.BACKWARD, batch)).isEqualTo(rev);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void entriesExactlyAtABatchBoundaryAreReadOnce(int batch) {
        // Chunk 1's last entry sits exactly on chunk 2's from (ms); chunk 3 starts in chunk 2's
        // last ms. With batch
        // size 1 the window of chunk 1 ends at chunk 2's from, so chunk 1 is carried into the next
        // window to deliver
        // its last entry.
        put(A, LogEntry.of(T, "c1-first"), LogEntry.of(T + 3_000_000, "c1-last"));
        put(A, LogEntry.of(T + 3_000_400, "c2-first"), LogEntry.of(T + 9_000_000, "c2-last"));
        put(A, LogEntry.of(T + 9_000_100, "c3-first"), LogEntry.of(T + 9_000_500, "c3-last"));
        assertThat(lines("{job=\"a\"}", Direction.FORWARD, batch))
                .containsExactly(
                        "c1-first", "c1-last", "c2-first", "c2-last", "c3-first", "c3-last");
        assertThat(lines("{job=\"a\"}", Direction.BACKWARD, batch))
                .containsExactly(
                        "c3-last", "c3-first", "c2-last", "c2-first", "c1-last", "c1-first");
    }

    @Test
    void structuredMetadataTakesPartInDeduplicationOnlyWhenAsked() {
        put(
                A,
                new LogEntry(T, "x".getBytes(), List.of(new Label("pod", "1"))),
                LogEntry.of(T + 1, "y"));
        put(A, LogEntry.of(T, "x"), LogEntry.of(T + 1, "y"));
        assertThat(lines("{job=\"a\"}", Direction.FORWARD, 50)).containsExactly("x", "y");
        try (LogQuerier q =
                        new LogQuerier(
                                store, QueryOptions.DEFAULT.withDedupeStructuredMetadata(true));
                LogIterator it =
                        q.select("u", LogQuery.parse("{job=\"a\"}"), T, T + 2, Direction.FORWARD)) {
            List<LogEntry> out = new ArrayList<>();
            it.forEachRemaining(e -> out.add(e.entry()));
            assertThat(out).extracting(LogEntry::lineString).containsExactly("x", "x", "y");
            assertThat(out.stream().filter(e -> !e.structuredMetadata().isEmpty())).hasSize(1);
        }
    }

    @Test
    void partitionsOverlappingChunksLikeLoki() {
        // Sorted by from: [0,10] [5,7] [11,20] [8,9]: list 1 = [0,10],[11,20]; list 2 =
        // [5,7],[8,9].
        List<OpenChunk> chunks = new ArrayList<>();
        long[][] ranges = {{0, 10}, {5, 7}, {11, 20}, {8, 9}};
        for (long[] r : ranges) {
            LokiChunk c =
                    LokiChunk.of(
                            LokiChunk.encode(
                                            "u",
                                            A,
                                            ChunkFormat.V3,
                                            Codec.NONE,
                                            64,
                                            List.of(LogEntry.of(r[0] * 1_000_000, "a")))
                                    .chunk(),
                            "k",
                            null);
            chunks.add(
                    new OpenChunk(
                            new LogChunkRef(
                                    new IndexedChunk(
                                            "u/" + r[0],
                                            io.chunkstore.core.chunk.ChunkRef.of(
                                                    "u", 1, r[0], r[1], 0),
                                            "",
                                            TestStores.period(
                                                    "2020-01-01", "mem", SchemaVersion.V11))),
                            c,
                            LogStream.of(A)));
        }
        List<List<OpenChunk>> lists = BatchedLogIterator.partitionOverlapping(chunks);
        assertThat(lists).hasSize(2);
        assertThat(lists.get(0)).extracting(c -> c.ref().from()).containsExactly(0L, 11L);
        assertThat(lists.get(1)).extracting(c -> c.ref().from()).containsExactly(5L, 8L);
    }
}
