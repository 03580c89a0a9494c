package io.chunkstore.loki.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.purge.PurgeRequest;
import io.chunkstore.core.purge.PurgeSummary;
import io.chunkstore.core.purge.Purger;
import io.chunkstore.loki.Direction;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.LokiChunk;
import io.chunkstore.loki.LokiChunkRewriter;
import io.chunkstore.loki.chunkenc.ChunkFormat;
import io.chunkstore.loki.chunkenc.Codec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code delete series} over Loki chunks with Loki's rewriter: a chunk wholly in the range goes, a
 * straddling one is rewritten without the entries in the range, other streams are untouched. The
 * oracle is the list of written entries filtered by the range, compared with what a query reads
 * back (so the old chunks' index entries must be gone too, or their entries would come back).
 */
class LokiChunkDeleteTest {
    static final String TENANT = "tenant";
    static final long T0 = Instant.parse("2024-05-01T00:00:00Z").toEpochMilli();
    static final long MIN = 60_000L;

    /** One written entry, as the oracle sees it. */
    record Written(Labels stream, long ts, String line) {}

    @Test
    void straddlingLogChunksAreRewrittenWithoutTheEntriesOfTheRange() {
        TestLogStore store = new TestLogStore(TestStores.single(SchemaVersion.V12));
        List<Written> written = new ArrayList<>();
        Labels a = Labels.of("app", "a");
        Labels b = Labels.of("app", "b");
        // app=a: one chunk across the range's start, one inside it, one across its end, one after.
        write(store, written, a, T0, 40, Codec.SNAPPY, ChunkFormat.V4);
        write(store, written, a, T0 + 45 * MIN, 10, Codec.GZIP, ChunkFormat.V3);
        write(store, written, a, T0 + 58 * MIN, 40, Codec.NONE, ChunkFormat.V4);
        write(store, written, a, T0 + 200 * MIN, 5, Codec.SNAPPY, ChunkFormat.V4);
        // app=b: across the range, but not selected.
        write(store, written, b, T0 + 20 * MIN, 60, Codec.SNAPPY, ChunkFormat.V4);
        long from = T0 + 30 * MIN;
        long to = T0 + 70 * MIN + 500; // inside a millisecond's entries: ms granularity counts

        PurgeSummary s =
                Purger.builder(store.store())
                        .logChunkRewriter(new LokiChunkRewriter())
                        .build()
                        .deleteSeries(
                                new PurgeRequest(
                                        TENANT,
                                        "{app=\"a\"}",
                                        Selectors.parseMatchers("logs{app=\"a\"}"),
                                        from,
                                        to,
                                        false));

        assertThat(s.failures()).isEmpty();
        assertThat(s.chunksRewritten()).isEqualTo(2);
        assertThat(s.chunksDeleted()).as("the two rewritten and the one inside").isEqualTo(3);
        List<Written> expected =
                written.stream()
                        .filter(
                                w ->
                                        !(w.stream.equals(a)
                                                && w.ts / 1_000_000L >= from
                                                && w.ts / 1_000_000L < to))
                        .sorted(
                                java.util.Comparator.comparingLong(Written::ts)
                                        .thenComparing(w -> w.stream.toString()))
                        .toList();
        assertThat(expected.size()).isLessThan(written.size());
        assertThat(readAll(store)).isEqualTo(expected);
    }

    /** Writes {@code n} entries a minute apart (plus a sub-millisecond offset) as one chunk. */
    private static void write(
            TestLogStore store,
            List<Written> written,
            Labels stream,
            long startMs,
            int n,
            Codec codec,
            ChunkFormat format) {
        List<LogEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long ts = (startMs + i * MIN) * 1_000_000L + 123_456;
            String line = stream.get("app") + " line " + i + " at " + ts;
            List<Label> metadata =
                    format == ChunkFormat.V4 && i % 3 == 0
                            ? List.of(new Label("trace_id", "t" + i))
                            : List.of();
            entries.add(new LogEntry(ts, line.getBytes(StandardCharsets.UTF_8), metadata));
            written.add(new Written(stream, ts, line));
        }
        store.put(LokiChunk.encode(TENANT, stream, format, codec, 1024, entries));
    }

    private static List<Written> readAll(TestLogStore store) {
        List<Written> got = new ArrayList<>();
        try (LogQuerier q = new LogQuerier(store);
                LogIterator it =
                        q.select(
                                TENANT,
                                io.chunkstore.loki.logql.LogQuery.parse("{app=~\"a|b\"}"),
                                T0 * 1_000_000L - 1,
                                (T0 + 1_000 * MIN) * 1_000_000L,
                                Direction.FORWARD)) {
            while (it.hasNext()) {
                StreamEntry e = it.next();
                got.add(
                        new Written(
                                e.stream().labels(),
                                e.timestamp(),
                                new String(e.entry().line(), StandardCharsets.UTF_8)));
            }
        }
        got.sort(
                java.util.Comparator.comparingLong(Written::ts)
                        .thenComparing(w -> w.stream.toString()));
        return got;
    }
}
