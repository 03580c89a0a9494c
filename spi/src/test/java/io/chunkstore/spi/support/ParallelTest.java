package io.chunkstore.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void mapKeepsItemOrderAndEveryFailure() {
        List<Integer> items = IntStream.range(0, 100).boxed().toList();
        List<Parallel.Outcome<Integer>> out =
                Parallel.map(
                        items,
                        5,
                        pool,
                        i -> {
                            if (i % 10 == 3) {
                                throw new IllegalStateException("item " + i);
                            }
                            return i * 2;
                        });
        assertThat(out).hasSize(100);
        for (int i = 0; i < 100; i++) {
            if (i % 10 == 3) {
                assertThat(out.get(i).failed()).isTrue();
                assertThat(out.get(i).error()).hasMessage("item " + i);
            } else {
                assertThat(out.get(i).value()).isEqualTo(i * 2);
            }
        }
    }

    @Test
    void forEachRunsEverythingThenThrowsTheFirstFailure() {
        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(
                        () ->
                                Parallel.forEach(
                                        List.of(1, 2, 3, 4),
                                        2,
                                        pool,
                                        i -> {
                                            ran.incrementAndGet();
                                            if (i == 2) {
                                                throw new IllegalArgumentException("two");
                                            }
                                        }))
                .hasMessage("two");
        assertThat(ran.get()).isEqualTo(4);
        Parallel.forEach(
                List.of(),
                2,
                pool,
                i -> {
                    throw new AssertionError("no items, no calls");
                });
    }
}
