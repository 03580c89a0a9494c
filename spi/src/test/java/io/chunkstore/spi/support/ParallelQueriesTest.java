package io.chunkstore.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.UnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelQueriesTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void everyQueryRunsOnceWithinTheBound() {
        List<IndexQuery> queries = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            queries.add(IndexQuery.row("t", "h" + i));
        }
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        Map<IndexQuery, Integer> pages = new ConcurrentHashMap<>();
        ParallelQueries.run(
                queries,
                7,
                pool,
                (q, c) -> {
                    int now = running.incrementAndGet();
                    maxRunning.accumulateAndGet(now, Math::max);
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    c.onPage(q, ReadBatch.empty());
                },
                (q, page) -> {
                    pages.merge(q, 1, Integer::sum);
                    return true;
                });
        assertThat(pages).hasSize(200).allSatisfy((q, n) -> assertThat(n).isEqualTo(1));
        assertThat(maxRunning.get()).isLessThanOrEqualTo(7);
    }

    @Test
    void allQueriesRunAndTheFirstErrorIsThrown() {
        List<IndexQuery> queries =
                List.of(
                        IndexQuery.row("t", "a"),
                        IndexQuery.row("t", "b"),
                        IndexQuery.row("t", "c"));
        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(
                        () ->
                                ParallelQueries.run(
                                        queries,
                                        2,
                                        pool,
                                        (q, c) -> {
                                            ran.incrementAndGet();
                                            if (q.hashValue().equals("b")) {
                                                throw new UnavailableException("boom");
                                            }
                                        },
                                        (q, p) -> true))
                .isInstanceOf(UnavailableException.class)
                .hasMessage("boom");
        assertThat(ran.get()).isEqualTo(3);
    }
}
