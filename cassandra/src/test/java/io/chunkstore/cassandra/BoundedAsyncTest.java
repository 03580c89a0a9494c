package io.chunkstore.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BoundedAsyncTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private CompletableFuture<Integer> later(
            int i, AtomicInteger inFlight, AtomicInteger maxSeen, boolean fail) {
        int now = inFlight.incrementAndGet();
        maxSeen.accumulateAndGet(now, Math::max);
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        TimeUnit.MILLISECONDS.sleep(2);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    inFlight.decrementAndGet();
                    if (fail) {
                        throw new IllegalStateException("task " + i);
                    }
                    return i * 10;
                },
                pool);
    }

    @Test
    void neverMoreThanTheLimitInFlightAndAllValuesKept() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        BoundedAsync.Outcomes<Integer> o =
                BoundedAsync.run(200, 5, false, i -> later(i, inFlight, max, false));
        assertThat(max.get()).isLessThanOrEqualTo(5).isGreaterThan(1);
        for (int i = 0; i < 200; i++) {
            assertThat(o.succeeded(i)).isTrue();
            assertThat(o.value(i)).isEqualTo(i * 10);
        }
        assertThat(o.firstError()).isNull();
    }

    @Test
    void stopsStartingAfterAFailureAndReportsExactlyWhatSucceeded() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        AtomicInteger started = new AtomicInteger();
        BoundedAsync.Outcomes<Integer> o =
                BoundedAsync.run(
                        1000,
                        4,
                        true,
                        i -> {
                            started.incrementAndGet();
                            return later(i, inFlight, max, i == 50);
                        });
        assertThat(started.get()).isLessThan(1000).isGreaterThan(50);
        assertThat(inFlight.get()).isZero(); // every started task finished before run returned
        int succeeded = 0;
        for (int i = 0; i < 1000; i++) {
            if (o.succeeded(i)) {
                succeeded++;
                assertThat(i).isLessThan(started.get());
            }
        }
        assertThat(succeeded).isEqualTo(started.get() - 1);
        assertThat(o.succeeded(50)).isFalse();
        assertThat(o.firstError()).hasMessageContaining("task 50");
    }

    @Test
    void keepsGoingWhenAskedAndSynchronousThrowsAreFailures() {
        BoundedAsync.Outcomes<Integer> o =
                BoundedAsync.run(
                        10,
                        3,
                        false,
                        i -> {
                            if (i % 3 == 0) {
                                throw new IllegalArgumentException("bad " + i);
                            }
                            return CompletableFuture.completedFuture(i);
                        });
        for (int i = 0; i < 10; i++) {
            assertThat(o.succeeded(i)).isEqualTo(i % 3 != 0);
        }
        assertThat(o.firstError()).hasMessage("bad 0");
    }
}
