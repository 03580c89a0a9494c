package io.chunkstore.dynamodb;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket of {@code rate} tokens per second holding at most {@code burst}, as Go's {@code
 * rate.Limiter} (Cortex's {@code api_limit}: rate 2, burst 1; {@code throttle_limit}: rate 10,
 * burst 25). Taking more tokens than are available waits for them; taking more than the burst at
 * once is allowed and goes into debt (Go would refuse). A rate of 0 means no limit. Guava's
 * RateLimiter cannot set a burst independently of the rate, hence this class. Thread-safe; waiting
 * happens outside the lock.
 */
final class TokenBucket {
    private final double rate;
    private final double burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long last;

    TokenBucket(double rate, int burst) {
        this(rate, burst, System::nanoTime);
    }

    TokenBucket(double rate, int burst, LongSupplier nanoClock) {
        if (rate < 0 || Double.isNaN(rate)) {
            throw new IllegalArgumentException("rate must be >= 0, got " + rate);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be >= 1, got " + burst);
        }
        this.rate = rate;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.last = nanoClock.getAsLong();
    }

    boolean isUnlimited() {
        return rate == 0;
    }

    /**
     * Takes {@code n} tokens and returns how long the caller must wait before using them (zero when
     * they were there). The tokens are taken at once, so later callers queue behind.
     */
    synchronized Duration reserve(int n) {
        if (rate == 0 || n <= 0) {
            return Duration.ZERO;
        }
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
        last = now;
        tokens -= n;
        if (tokens >= 0) {
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil(-tokens / rate * 1e9));
    }

    /** Takes {@code n} tokens, sleeping until they are available. */
    void acquire(int n) throws InterruptedException {
        Duration wait = reserve(n);
        if (!wait.isZero()) {
            TimeUnit.NANOSECONDS.sleep(wait.toNanos());
        }
    }
}
