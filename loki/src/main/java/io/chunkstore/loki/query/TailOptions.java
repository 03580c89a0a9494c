package io.chunkstore.loki.query;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link LogTailer} follows a store.
 *
 * @param delay how far behind "now" the tail stays, so chunks flushed up to this late are still
 *     seen (Loki v0.1's {@code delayQuerying}, 10 s); entries that land in the store later than
 *     this are missed
 * @param window the length of each polled window (Loki v0.1's {@code tailIteratorIncrement}, 10 s)
 * @param startNs where the tail starts, in Unix ns; null for now − (delay + window), as Loki v0.1
 * @param limitPerPoll at most this many entries per poll; the next poll goes on from the last one
 *     (at least 1)
 */
public record TailOptions(Duration delay, Duration window, Long startNs, int limitPerPoll) {
    public static final Duration DEFAULT_DELAY = Duration.ofSeconds(10);
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);
    public static final int DEFAULT_LIMIT_PER_POLL = 1000;
    public static final TailOptions DEFAULT =
            new TailOptions(DEFAULT_DELAY, DEFAULT_WINDOW, null, DEFAULT_LIMIT_PER_POLL);

    public TailOptions {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(window, "window");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("the tail delay cannot be negative: " + delay);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the tail window must be positive: " + window);
        }
        if (limitPerPoll < 1) {
            throw new IllegalArgumentException(
                    "limitPerPoll must be at least 1, got " + limitPerPoll);
        }
    }

    public TailOptions withDelay(Duration d) {
        return new TailOptions(d, window, startNs, limitPerPoll);
    }

    public TailOptions withWindow(Duration w) {
        return new TailOptions(delay, w, startNs, limitPerPoll);
    }

    public TailOptions withStartNs(Long ns) {
        return new TailOptions(delay, window, ns, limitPerPoll);
    }

    public TailOptions withLimitPerPoll(int n) {
        return new TailOptions(delay, window, startNs, n);
    }
}
