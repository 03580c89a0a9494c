package io.chunkstore.loki.query;

import io.chunkstore.loki.Direction;
import io.chunkstore.loki.logql.LogQuery;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Follows a log query as new chunks land in the store, by polling it in windows (Loki v0.1's store
 * tail; Loki 2.x instead has ingesters push live entries). The tail starts at now − (delay +
 * window) unless told otherwise; each poll reads {@code [start, start + window)} once {@code start
 * + window <= now − delay}, FORWARD, and moves {@code start} to the window's end, so it makes
 * progress when nothing arrives. Entries come out in order, each once: when a poll stops at its
 * limit, the next one resumes at the last entry's timestamp and skips the (stream, line) pairs
 * already emitted at that timestamp. A chunk that lands at most {@code delay} after its entries is
 * seen; later ones are missed, as in Loki.
 *
 * <p>Not thread-safe: one caller polls. The clock is injected, so tests are deterministic.
 */
public final class LogTailer {
    /** How {@link #run} waits between polls. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final LogQuerier querier;
    private final String userId;
    private final LogQuery query;
    private final TailOptions options;
    private final Clock clock;
    private final long delayNs;
    private final long windowNs;
    private long start;

    /** The end of a window a poll stopped inside (at its limit), or Long.MIN_VALUE. */
    private long pendingEnd = Long.MIN_VALUE;

    private long boundaryTs = Long.MIN_VALUE;
    private final Set<Object> boundary = new HashSet<>();
    private final List<SkippedChunk> skipped = new ArrayList<>();

    public LogTailer(
            LogQuerier querier, String userId, LogQuery query, TailOptions options, Clock clock) {
        this.querier = Objects.requireNonNull(querier, "querier");
        this.userId = Objects.requireNonNull(userId, "userId");
        this.query = Objects.requireNonNull(query, "query");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.delayNs = options.delay().toNanos();
        this.windowNs = options.window().toNanos();
        this.start = options.startNs() != null ? options.startNs() : nowNs() - delayNs - windowNs;
    }

    private long nowNs() {
        Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** Where the next window starts, Unix ns. */
    public long position() {
        return start;
    }

    /** What "skip corrupt" left out so far. */
    public List<SkippedChunk> skipped() {
        return List.copyOf(skipped);
    }

    /** How long until the next window can be read (zero when it can be now). */
    public Duration untilNextPoll() {
        long wait = end() - (nowNs() - delayNs);
        return wait <= 0 ? Duration.ZERO : Duration.ofNanos(wait);
    }

    /**
     * Reads the next window if it is ready: its new entries in FORWARD order (at most the per-poll
     * limit), or an empty list when the window is not ready yet or held nothing new.
     */
    private long end() {
        return pendingEnd != Long.MIN_VALUE ? pendingEnd : start + windowNs;
    }

    public List<StreamEntry> poll() {
        long end = end();
        if (end > nowNs() - delayNs) {
            return List.of();
        }
        List<StreamEntry> out = new ArrayList<>();
        try (LogIterator it = querier.select(userId, query, start, end, Direction.FORWARD)) {
            while (it.hasNext()) {
                StreamEntry e = it.next();
                Object key = key(e);
                if (e.timestamp() == boundaryTs && boundary.contains(key)) {
                    continue;
                }
                if (e.timestamp() != boundaryTs) {
                    boundaryTs = e.timestamp();
                    boundary.clear();
                }
                boundary.add(key);
                out.add(e);
                if (out.size() == options.limitPerPoll() && it.hasNext()) {
                    start = e.timestamp();
                    pendingEnd = end;
                    addSkipped(it.skipped());
                    return out;
                }
            }
            addSkipped(it.skipped());
        }
        start = end;
        pendingEnd = Long.MIN_VALUE;
        return out;
    }

    private void addSkipped(List<SkippedChunk> s) {
        for (SkippedChunk c : s) {
            if (!skipped.contains(c)) {
                skipped.add(c);
            }
        }
    }

    private static Object key(StreamEntry e) {
        return List.of(e.stream().labelsString(), ByteBuffer.wrap(e.entry().line()));
    }

    /**
     * Polls until {@code stop} says so, handing each non-empty batch to {@code sink} and sleeping
     * until the next window is ready in between.
     *
     * @throws InterruptedException when the sleeper is interrupted
     */
    public void run(Consumer<List<StreamEntry>> sink, BooleanSupplier stop, Sleeper sleeper)
            throws InterruptedException {
        while (!stop.getAsBoolean()) {
            List<StreamEntry> batch = poll();
            if (!batch.isEmpty()) {
                sink.accept(batch);
                continue;
            }
            Duration wait = untilNextPoll();
            if (!wait.isZero()) {
                sleeper.sleep(wait);
            }
        }
    }
}
