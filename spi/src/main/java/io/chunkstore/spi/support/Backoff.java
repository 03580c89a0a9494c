package io.chunkstore.spi.support;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Cortex's exponential back-off with jitter: the n-th wait is drawn uniformly from {@code [d, 2d)}
 * where {@code d = min * 2^n}, capped at {@code max}. {@code maxRetries} 0 means no limit. Not
 * thread-safe: one per operation.
 */
public final class Backoff {

    /** The settings: {@code min_period}, {@code max_period}, {@code max_retries}. */
    public record Config(Duration min, Duration max, int maxRetries) {
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
        }
    }

    private final Config config;
    private int retries;

    public Backoff(Config config) {
        this.config = config;
    }

    /** Whether another attempt is allowed. */
    public boolean ongoing() {
        return config.maxRetries() == 0 || retries < config.maxRetries();
    }

    public int retries() {
        return retries;
    }

    /** Forget earlier failures (after progress). */
    public void reset() {
        retries = 0;
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
        retries++;
        return Duration.ofNanos(delay);
    }

    /** Sleeps for the next wait; counts one retry. */
    public void waitBeforeRetry() throws InterruptedException {
        Duration d = nextDelay();
        Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
    }
}
