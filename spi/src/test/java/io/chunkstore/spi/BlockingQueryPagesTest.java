package io.chunkstore.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.support.AsyncQueries;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The blocking {@link IndexClient#queryPages} the SPI builds over {@code queryPagesAsync}: the
 * consumer runs on the caller's thread only, whatever thread delivers; answers reach the backend;
 * the first error is rethrown as thrown, after every query ended.
 */
class BlockingQueryPagesTest {
    private final ExecutorService driver = Executors.newFixedThreadPool(3);

    @AfterEach
    void stop() {
        driver.shutdownNow();
    }

    /** Delivers {@code pages} pages per query from "driver" threads, one query per task. */
    private final class FakeDriver implements IndexClient {
        final int pages;
        final boolean firstInline;
        final Map<String, Integer> delivered = new ConcurrentHashMap<>();
        final AtomicInteger ended = new AtomicInteger();
        RuntimeException failQuery;

        FakeDriver(int pages, boolean firstInline) {
            this.pages = pages;
            this.firstInline = firstInline;
        }

        @Override
        public void batchWrite(WriteBatch batch) {}

        @Override
        public CompletionStage<Void> queryPagesAsync(
                List<IndexQuery> queries, AsyncPageConsumer consumer) {
            AtomicInteger index = new AtomicInteger();
            return AsyncQueries.run(
                    queries,
                    2,
                    q -> {
                        CompletableFuture<Void> done = new CompletableFuture<>();
                        Runnable run = () -> page(q, 0, consumer, done);
                        if (firstInline && index.getAndIncrement() == 0) {
                            run.run();
                        } else {
                            driver.execute(run);
                        }
                        return done.whenComplete((v, e) -> ended.incrementAndGet());
                    });
        }

        private void page(
                IndexQuery q, int n, AsyncPageConsumer consumer, CompletableFuture<Void> done) {
            if (n == pages) {
                done.complete(null);
                return;
            }
            if (failQuery != null && q.hashValue().equals("h1") && n == 1) {
                done.completeExceptionally(failQuery);
                return;
            }
            delivered.merge(q.hashValue(), 1, Integer::sum);
            ReadBatch page =
                    new ReadBatch.Builder()
                            .add(("p" + n).getBytes(StandardCharsets.UTF_8), new byte[0])
                            .build();
            AsyncQueries.deliver(consumer, q, page)
                    .whenComplete(
                            (more, error) -> {
                                if (error != null) {
                                    done.completeExceptionally(error);
                                } else if (more) {
                                    driver.execute(() -> page(q, n + 1, consumer, done));
                                } else {
                                    done.complete(null);
                                }
                            });
        }

        @Override
        public void close() {}
    }

    private static List<IndexQuery> queries(int n) {
        List<IndexQuery> qs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            qs.add(IndexQuery.row("t", "h" + i));
        }
        return qs;
    }

    @Test
    void everyPageReachesTheConsumerOnTheCallersThread() {
        for (boolean inline : new boolean[] {false, true}) {
            FakeDriver client = new FakeDriver(5, inline);
            Thread caller = Thread.currentThread();
            Map<String, List<String>> got = new ConcurrentHashMap<>();
            AtomicInteger elsewhere = new AtomicInteger();
            client.queryPages(
                    queries(10),
                    (q, page) -> {
                        if (Thread.currentThread() != caller) {
                            elsewhere.incrementAndGet();
                        }
                        ReadBatch.ReadBatchIterator it = page.iterator();
                        it.next();
                        got.computeIfAbsent(q.hashValue(), k -> new ArrayList<>())
                                .add(new String(it.rangeValue(), StandardCharsets.UTF_8));
                        return true;
                    });
            assertThat(elsewhere.get()).isZero();
            assertThat(got).hasSize(10);
            assertThat(got.values())
                    .allSatisfy(l -> assertThat(l).containsExactly("p0", "p1", "p2", "p3", "p4"));
        }
    }

    @Test
    void falseStopsThatQueryOnly() {
        FakeDriver client = new FakeDriver(5, false);
        client.queryPages(queries(4), (q, page) -> !q.hashValue().equals("h2"));
        assertThat(client.delivered.get("h2")).isEqualTo(1);
        assertThat(client.delivered.get("h3")).isEqualTo(5);
    }

    @Test
    void aConsumersExceptionIsRethrownAsItWasAfterEveryQueryEnded() {
        FakeDriver client = new FakeDriver(3, false);
        IllegalStateException boom = new IllegalStateException("consumer failed");
        assertThatThrownBy(
                        () ->
                                client.queryPages(
                                        queries(6),
                                        (q, page) -> {
                                            if (q.hashValue().equals("h0")) {
                                                throw boom;
                                            }
                                            return true;
                                        }))
                .isSameAs(boom);
        assertThat(client.ended.get()).isEqualTo(6);
        assertThat(client.delivered.get("h5")).isEqualTo(3);
    }

    @Test
    void aBackendErrorIsRethrownUnwrapped() {
        FakeDriver client = new FakeDriver(3, true);
        client.failQuery = new TableNotFoundException("t");
        assertThatThrownBy(() -> client.queryPages(queries(4), (q, page) -> true))
                .isSameAs(client.failQuery);
        assertThat(client.ended.get()).isEqualTo(4);
    }

    @Test
    void aClientImplementingNeitherCallIsTold() {
        IndexClient neither =
                new IndexClient() {
                    @Override
                    public void batchWrite(WriteBatch batch) {}

                    @Override
                    public void close() {}
                };
        assertThatThrownBy(() -> neither.queryPages(queries(1), (q, p) -> true))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("implements neither");
    }
}
