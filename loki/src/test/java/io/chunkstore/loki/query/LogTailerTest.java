package io.chunkstore.loki.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.LokiChunk;
import io.chunkstore.loki.chunkenc.ChunkFormat;
import io.chunkstore.loki.chunkenc.Codec;
import io.chunkstore.loki.logql.LogQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tail over a store with a fake clock: entries written after it started, in order, once; progress
 * when idle.
 */
class LogTailerTest {
    private static final long S = 1_000_000_000L;
    private static final long T0 = 1_700_000_100L * S;
    private static final Labels A = Labels.of("job", "t", "pod", "a");
    private static final Labels B = Labels.of("job", "t", "pod", "b");

    /** A clock the test moves by hand. */
    static final class FakeClock extends Clock {
        long nowNs;

        FakeClock(long nowNs) {
            this.nowNs = nowNs;
        }

        void advance(long ns) {
            nowNs += ns;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(0, nowNs);
        }
    }

    private final TestLogStore store = new TestLogStore(TestStores.single(SchemaVersion.V12));

    private void write(Labels l, LogEntry... entries) {
        store.put(LokiChunk.encode("u", l, ChunkFormat.V3, Codec.SNAPPY, 64, List.of(entries)));
    }

    private static List<String> lines(List<StreamEntry> es) {
        return es.stream().map(e -> e.entry().lineString()).toList();
    }

    @Test
    void followsNewChunksInOrderOnceWithLokisDelay() {
        FakeClock clock = new FakeClock(T0);
        try (LogQuerier q = new LogQuerier(store)) {
            LogTailer tail =
                    new LogTailer(
                            q, "u", LogQuery.parse("{job=\"t\"}"), TailOptions.DEFAULT, clock);
            assertThat(tail.position()).isEqualTo(T0 - 20 * S);
            write(
                    A,
                    LogEntry.of(T0 - 25 * S, "before the start"),
                    LogEntry.of(T0 - 15 * S, "a1"),
                    LogEntry.of(T0 - 12 * S, "a2"));
            assertThat(lines(tail.poll())).containsExactly("a1", "a2");
            assertThat(tail.poll()).as("the next window is not old enough yet").isEmpty();
            assertThat(tail.untilNextPoll()).isEqualTo(Duration.ofSeconds(10));

            // Written 9 s after its first entry: within the delay, so seen.
            clock.advance(4 * S);
            write(B, LogEntry.of(T0 - 5 * S, "b1"), LogEntry.of(T0 + 3 * S, "b2"));
            assertThat(tail.poll()).isEmpty();
            clock.advance(6 * S);
            assertThat(lines(tail.poll())).containsExactly("b1");

            // Another replica of B lands late (but within the delay) with one more entry: b2 still
            // comes once.
            clock.advance(4 * S);
            write(
                    B,
                    LogEntry.of(T0 - 5 * S, "b1"),
                    LogEntry.of(T0 + 3 * S, "b2"),
                    LogEntry.of(T0 + 5 * S, "b3"));
            write(A, LogEntry.of(T0 + 3 * S, "a3"));
            clock.advance(6 * S);
            List<StreamEntry> w = tail.poll();
            assertThat(w).extracting(StreamEntry::timestamp).isSorted();
            assertThat(lines(w)).containsExactlyInAnyOrder("b2", "a3", "b3");
            assertThat(lines(w).get(2)).isEqualTo("b3");
            assertThat(tail.position()).isEqualTo(T0 + 10 * S);

            // Nothing arrives: every poll still moves the window on.
            clock.advance(40 * S);
            int polls = 0;
            while (tail.untilNextPoll().isZero()) {
                assertThat(tail.poll()).isEmpty();
                polls++;
            }
            assertThat(polls).isEqualTo(4);
            assertThat(tail.position()).isEqualTo(T0 + 50 * S);

            // An entry whose chunk lands later than the delay is missed, as in Loki.
            clock.advance(10 * S);
            assertThat(tail.poll()).isEmpty();
            write(A, LogEntry.of(T0 + 51 * S, "too late"), LogEntry.of(T0 + 62 * S, "in time"));
            clock.advance(20 * S);
            List<String> rest = new ArrayList<>();
            while (tail.untilNextPoll().isZero()) {
                rest.addAll(lines(tail.poll()));
            }
            assertThat(rest).containsExactly("in time");
        }
    }

    @Test
    void aPollLimitResumesAtTheLastTimestampWithoutRepeats() {
        FakeClock clock = new FakeClock(T0);
        write(
                A,
                LogEntry.of(T0 - 15 * S, "a1"),
                LogEntry.of(T0 - 15 * S, "a2"),
                LogEntry.of(T0 - 15 * S, "a3"),
                LogEntry.of(T0 - 14 * S, "a4"));
        write(B, LogEntry.of(T0 - 15 * S, "b1"), LogEntry.of(T0 - 15 * S, "b2"));
        try (LogQuerier q = new LogQuerier(store)) {
            LogTailer tail =
                    new LogTailer(
                            q,
                            "u",
                            LogQuery.parse("{job=\"t\"}"),
                            TailOptions.DEFAULT.withLimitPerPoll(2),
                            clock);
            List<String> all = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            while (tail.untilNextPoll().isZero()) {
                List<StreamEntry> batch = tail.poll();
                sizes.add(batch.size());
                all.addAll(lines(batch));
            }
            assertThat(all).hasSize(6).doesNotHaveDuplicates();
            assertThat(all).containsExactlyInAnyOrder("a1", "a2", "a3", "a4", "b1", "b2");
            assertThat(all.get(5)).isEqualTo("a4");
            assertThat(sizes).allMatch(n -> n <= 2);
            // One-stream order within the equal timestamp is the write order.
            assertThat(all.stream().filter(l -> l.startsWith("a")).toList())
                    .containsExactly("a1", "a2", "a3", "a4");
        }
    }

    @Test
    void runSleepsUntilTheNextWindowAndStartsWhereAsked() throws InterruptedException {
        FakeClock clock = new FakeClock(T0);
        write(
                A,
                LogEntry.of(T0 - 100 * S, "old"),
                LogEntry.of(T0 + 1 * S, "new1"),
                LogEntry.of(T0 + 25 * S, "new2"));
        List<Duration> sleeps = new ArrayList<>();
        List<String> got = new ArrayList<>();
        try (LogQuerier q = new LogQuerier(store)) {
            LogTailer tail =
                    new LogTailer(
                            q,
                            "u",
                            LogQuery.parse("{pod=\"a\"}"),
                            TailOptions.DEFAULT
                                    .withStartNs(T0 - 101 * S)
                                    .withDelay(Duration.ofSeconds(5))
                                    .withWindow(Duration.ofSeconds(30)),
                            clock);
            tail.run(
                    batch -> got.addAll(lines(batch)),
                    () -> got.size() >= 3,
                    d -> {
                        sleeps.add(d);
                        clock.advance(d.toNanos());
                    });
        }
        assertThat(got).containsExactly("old", "new1", "new2");
        assertThat(sleeps).isNotEmpty().allSatisfy(d -> assertThat(d).isPositive());
    }
}
