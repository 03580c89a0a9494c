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
}
