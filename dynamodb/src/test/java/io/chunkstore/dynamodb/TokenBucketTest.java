package io.chunkstore.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void burstIsFreeThenTokensComeAtTheRate() {
        TokenBucket b = new TokenBucket(10, 25, now::get); // Cortex's throttle_limit
        assertThat(b.reserve(25)).isZero();
        assertThat(b.reserve(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(b.reserve(10)).isEqualTo(Duration.ofMillis(1100)); // queued behind the first
        now.addAndGet(Duration.ofMillis(1100).toNanos());
        assertThat(b.reserve(1)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void refillIsCappedAtTheBurst() {
        TokenBucket b = new TokenBucket(2, 1, now::get); // Cortex's api_limit
        assertThat(b.reserve(1)).isZero();
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        assertThat(b.reserve(1)).isZero();
        assertThat(b.reserve(1)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void moreThanTheBurstAtOnceGoesIntoDebt() {
        TokenBucket b = new TokenBucket(10, 25, now::get);
        assertThat(b.reserve(45)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void rateZeroIsUnlimited() {
        TokenBucket b = new TokenBucket(0, 1, now::get);
        for (int i = 0; i < 1000; i++) {
            assertThat(b.reserve(100)).isZero();
        }
        assertThat(b.isUnlimited()).isTrue();
    }

    @Test
    void acquireSleepsForTheReservedTime() throws InterruptedException {
        TokenBucket b = new TokenBucket(20, 1);
        b.acquire(1);
        long t0 = System.nanoTime();
        b.acquire(1);
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(40).toNanos());
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new TokenBucket(-1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
