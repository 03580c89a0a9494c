package io.chunkstore.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void delaysDoubleWithinJitterAndCap() {
        Backoff b =
                new Backoff(new Backoff.Config(Duration.ofMillis(100), Duration.ofMillis(1000), 6));
        long[][] bounds = {
            {100, 200}, {200, 400}, {400, 800}, {800, 1000}, {1000, 1000}, {1000, 1000}
        };
        for (long[] bound : bounds) {
            assertThat(b.ongoing()).isTrue();
            long ms = b.nextDelay().toMillis();
            assertThat(ms).isBetween(bound[0], bound[1]);
        }
        assertThat(b.ongoing()).isFalse();
        b.reset();
        assertThat(b.ongoing()).isTrue();
    }

    @Test
    void zeroRetriesMeansUnbounded() {
        Backoff b = new Backoff(new Backoff.Config(Duration.ZERO, Duration.ZERO, 0));
        for (int i = 0; i < 1000; i++) {
            b.nextDelay();
        }
        assertThat(b.ongoing()).isTrue();
    }

    @Test
    void theRetryTimeLimitEndsRetriesAndNamesItself() throws InterruptedException {
        Backoff b =
                new Backoff(
                        new Backoff.Config(
                                Duration.ofMillis(20),
                                Duration.ofMillis(50),
                                0,
                                Duration.ofMillis(300)));
        long start = System.nanoTime();
        int n = 0;
        while (b.ongoing()) {
            b.waitBeforeRetry();
            n++;
            assertThat(n).as("retries forever").isLessThan(1000);
        }
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMs).isBetween(300L, 1000L);
        assertThat(b.limitReached()).isEqualTo("retried for 300ms (the retry time limit)");
        b.reset();
        assertThat(b.ongoing()).as("progress restarts the clock").isTrue();
    }
}
