package io.chunkstore.spi.support;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Cortex's exponential back-off with jitter: the n-th wait is drawn uniformly from {@code [d, 2d)}
 * where {@code d = min * 2^n}, capped at {@code max}. {@code maxRetries} 0 means no limit. Not
 * thread-safe: one per operation.
 */
public final class Backoff {

    /**
     * The settings: {@code min_period}, {@code max_period}, {@code max_retries}, and {@code
     * maxRetryTime}: how long retries may go on without progress (since the back-off was made or
     * last {@link #reset()}); zero means no bound.
     */
    public record Config(Duration min, Duration max, int maxRetries, Duration maxRetryTime) {
        public static final Config DEFAULT =
                new Config(Duration.ofMillis(100), Duration.ofSeconds(10), 10);

        public Config {
            if (min.isNegative() || max.isNegative() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException(
                        "back-off needs 0 <= min <= max, got min " + min + ", max " + max);
            }
            if (maxRetries < 0) {
                throw new IllegalArgumentException("max retries must be >= 0, got " + maxRetries);
            }
            maxRetryTime = maxRetryTime == null ? Duration.ZERO : maxRetryTime;
            if (maxRetryTime.isNegative()) {
                throw new IllegalArgumentException(
                        "max retry time must be >= 0, got " + maxRetryTime);
            }
        }

        /** Without a bound on the total retry time. */
        public Config(Duration min, Duration max, int maxRetries) {
            this(min, max, maxRetries, Duration.ZERO);
        }

        /** The same with a bound on the total retry time (zero: none). */
        public Config withMaxRetryTime(Duration d) {
            return new Config(min, max, maxRetries, d);
        }
    }

    private final Config config;
    private int retries;
    private long since = System.nanoTime();

    public Backoff(Config config) {
        this.config = config;
    }

    /**
     * Whether another attempt is allowed: retries left, and the retry time since the start or the
     * last {@link #reset()} within {@code maxRetryTime}.
     */
    public boolean ongoing() {
        return (config.maxRetries() == 0 || retries < config.maxRetries()) && !outOfTime();
    }

    /** Whether the retry time is spent ({@code maxRetryTime}, when set). */
    public boolean outOfTime() {
        return !config.maxRetryTime().isZero()
                && System.nanoTime() - since >= config.maxRetryTime().toNanos();
    }

    /** Why {@link #ongoing()} is false, naming the limit: for the error a caller throws. */
    public String limitReached() {
        return outOfTime()
                ? "retried for "
                        + GoDuration.format(config.maxRetryTime())
                        + " (the retry time limit)"
                : retries + " retries (the retry limit)";
    }

    public int retries() {
        return retries;
    }

    /** Forget earlier failures (after progress). */
    public void reset() {
        retries = 0;
        since = System.nanoTime();
    }

    /** The next wait; counts one retry. */
    public Duration nextDelay() {
        long min = config.min().toNanos();
        long max = config.max().toNanos();
        long d = min;
        for (int i = 0; i < retries && d < max; i++) {
            d = d > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : d * 2;
        }
        d = Math.min(d, max);
        long upper = Math.min(max, d > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : d * 2);
        long delay = upper > d ? ThreadLocalRandom.current().nextLong(d, upper) : d;
        if (!config.maxRetryTime().isZero()) {
            // never sleep past the retry time: the last attempt comes at its end
            long left = config.maxRetryTime().toNanos() - (System.nanoTime() - since);
            delay = Math.max(0, Math.min(delay, left));
        }
        retries++;
        return Duration.ofNanos(delay);
    }

    /** Sleeps for the next wait; counts one retry. */
    public void waitBeforeRetry() throws InterruptedException {
        Duration d = nextDelay();
        Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
    }
}
