package io.chunkstore.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The A/B protocol with fake sides: order, warm-up, resets and the data check (no timing is
 * asserted).
 */
class BenchRunnerTest {
    private final List<String> calls = new ArrayList<>();

    /**
     * Answers like a store holding the bench data, with an optional shortfall; records every call.
     */
    private final class Fake implements Subject {
        private final String label;
        private final long missing;

        Fake(String label, long missing) {
            this.label = label;
            this.missing = missing;
        }

        @Override
        public String label() {
            return label;
        }

        @Override
        public void writeIndex(List<IndexEntry> batch) {
            calls.add(label + ":write:" + batch.size());
        }

        @Override
        public Tally query(List<IndexQuery> queries) {
            calls.add(label + ":query:" + queries.size());
            long n =
                    queries.size() == 1
                            ? Scale.TINY.bigRowEntries()
                            : queries.size() == Scale.TINY.fanoutShards()
                                    ? Scale.TINY.fanoutEntries()
                                    : Scale.TINY.smallRowsEntries();
            return new Tally(n - missing, (n - missing) * BenchData.readEntryBytes());
        }

        @Override
        public void putChunks(List<EncodedChunk> chunks) {
            calls.add(label + ":put:" + chunks.size());
        }

        @Override
        public Tally getChunks(List<ChunkLocation> chunks) {
            calls.add(label + ":get:" + chunks.size());
            return new Tally(chunks.size(), chunks.size() * (long) BenchData.SMALL_CHUNK_BYTES);
        }

        @Override
        public void resetTable(String table) {
            calls.add(label + ":reset:" + table);
        }

        @Override
        public boolean sharesOurIndex() {
            return true;
        }

        @Override
        public void close() {}
    }

    private BenchRunner runner(int warmup, int rounds) {
        BenchOptions o =
                BenchOptions.builder()
                        .backend("local")
                        .scale(Scale.TINY)
                        .warmup(warmup)
                        .rounds(rounds)
                        .build();
        return new BenchRunner(
                o, new BenchData(Scale.TINY, 3), new PrintWriter(new StringWriter()), 0);
    }

    @Test
    void roundsAlternateTheOrderAndWarmUpIsDiscarded() {
        WorkloadResult r =
                runner(1, 3).compare(Workload.QUERY_ROW, new Fake("a", 0), new Fake("b", 0));
        assertThat(calls)
                .containsExactly(
                        "b:query:1",
                        "a:query:1",
                        "a:query:1",
                        "b:query:1",
                        "b:query:1",
                        "a:query:1",
                        "a:query:1",
                        "b:query:1");
        assertThat(r.ours().itemsPerSecond()).hasSize(3);
        assertThat(Stats.min(r.ours().itemsPerSecond())).isPositive();
        assertThat(r.baseline().itemsPerSecond()).hasSize(3);
        assertThat(r.ours().label()).isEqualTo("a");
        assertThat(r.itemsPerRun()).isEqualTo(Scale.TINY.bigRowEntries());
        assertThat(r.bytesPerRun())
                .isEqualTo(Scale.TINY.bigRowEntries() * BenchData.readEntryBytes());
        assertThat(r.pairedRatios()).hasSize(3);
    }

    @Test
    void writeRunsResetTheTableBeforeTheClockAndWriteEveryBatch() {
        runner(0, 1).compare(Workload.WRITE, new Fake("a", 0), new Fake("b", 0));
        int batches = Scale.TINY.writeBatches();
        List<String> expected = new ArrayList<>();
        for (String side : List.of("a", "b")) {
            expected.add(side + ":reset:" + BenchData.WRITE_TABLE);
            for (int i = 0; i < batches; i++) {
                expected.add(side + ":write:" + Scale.TINY.writeBatchEntries());
            }
        }
        assertThat(calls).containsExactlyElementsOf(expected);
    }

    @Test
    void chunkRunsUseCallSizedBatches() {
        runner(0, 1).compare(Workload.CHUNK_PUT_2K, new Fake("a", 0), new Fake("b", 0));
        assertThat(calls)
                .containsExactly(
                        "a:reset:" + BenchData.CHUNK_PUT_TABLE,
                        "a:put:" + Scale.TINY.smallChunks(),
                        "b:reset:" + BenchData.CHUNK_PUT_TABLE,
                        "b:put:" + Scale.TINY.smallChunks());
    }

    @Test
    void aSideThatMissesDataFailsTheRun() {
        assertThatThrownBy(
                        () ->
                                runner(0, 1)
                                        .compare(
                                                Workload.QUERY_FANOUT,
                                                new Fake("ours", 0),
                                                new Fake("raw", 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(
                        "query-fanout: raw moved " + (Scale.TINY.fanoutEntries() - 1));
    }

    @Test
    void readsRepeatSoATimedRunLastsLongEnough() {
        assertThat(BenchRunner.repeats(250_000_000L, 1, 1_000_000_000L)).isEqualTo(4);
        assertThat(BenchRunner.repeats(300_000_000L, 1, 1_000_000_000L)).isEqualTo(4);
        assertThat(BenchRunner.repeats(2_000_000_000L, 1, 1_000_000_000L)).isEqualTo(1);
        assertThat(BenchRunner.repeats(500_000_000L, 5, 1_000_000_000L)).isEqualTo(10);
        assertThat(BenchRunner.repeats(1, 1, 1_000_000_000L)).isEqualTo(BenchRunner.MAX_REPEATS);
        assertThat(BenchRunner.repeats(1, 1, 0)).isEqualTo(1);
    }

    @Test
    void calibratedRepeatsApplyToBothSidesAfterTheWarmUp() {
        BenchOptions o =
                BenchOptions.builder()
                        .backend("local")
                        .scale(Scale.TINY)
                        .warmup(1)
                        .rounds(1)
                        .build();
        BenchRunner r =
                new BenchRunner(
                        o,
                        new BenchData(Scale.TINY, 3),
                        new PrintWriter(new StringWriter()),
                        1_000_000_000L);
        WorkloadResult res = r.compare(Workload.QUERY_ROWS, new Fake("a", 0), new Fake("b", 0));
        long perSide = calls.stream().filter(c -> c.startsWith("a:")).count();
        assertThat(perSide)
                .isEqualTo(calls.stream().filter(c -> c.startsWith("b:")).count())
                .isGreaterThan(2);
        assertThat(res.itemsPerRun()).isEqualTo(Scale.TINY.smallRowsEntries());
    }

    @Test
    void writesNeverRepeat() {
        BenchOptions o =
                BenchOptions.builder()
                        .backend("local")
                        .scale(Scale.TINY)
                        .warmup(1)
                        .rounds(1)
                        .build();
        new BenchRunner(
                        o,
                        new BenchData(Scale.TINY, 3),
                        new PrintWriter(new StringWriter()),
                        1_000_000_000L)
                .compare(Workload.WRITE, new Fake("a", 0), new Fake("b", 0));
        assertThat(calls.stream().filter(c -> c.contains(":reset:"))).hasSize(4);
        assertThat(calls.stream().filter(c -> c.contains(":write:")))
                .hasSize(4 * Scale.TINY.writeBatches());
    }

    @Test
    void heapMeasuresEverySideAfterAWarmUp() {
        HeapResult h = runner(0, 1).heap(List.of(new Fake("ours", 0), new Fake("raw", 0)));
        assertThat(h.entries()).isEqualTo(Scale.TINY.bigRowEntries());
        assertThat(h.sides()).extracting(HeapResult.Side::label).containsExactly("ours", "raw");
        assertThat(h.sides()).allSatisfy(s -> assertThat(s.runs()).hasSize(BenchRunner.HEAP_RUNS));
        assertThat(calls).hasSize(2 * (BenchRunner.HEAP_RUNS + 1));
    }
}
