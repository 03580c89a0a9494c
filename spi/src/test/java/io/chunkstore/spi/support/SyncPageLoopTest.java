package io.chunkstore.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.ReadBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * {@link SyncPageLoop} against an oracle: random rows cut in pages, consumers that answer at once,
 * defer, stop, throw or fail their stage at random; what each query received is checked against the
 * pages it should have received up to its stop, with the bound, ordering and error contract.
 */
class SyncPageLoopTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
        timer.shutdownNow();
    }

    /** What the consumer does with the n-th page of a query, chosen before the run. */
    enum Answer {
        MORE,
        DEFER_MORE,
        STOP,
        DEFER_STOP,
        THROW,
        FAIL_STAGE
    }

    @RepeatedTest(20)
    void randomPagesAndConsumersMatchTheOracle() throws Exception {
        Random rnd = new Random();
        long seed = rnd.nextLong();
        rnd = new Random(seed);
        int nQueries = 1 + rnd.nextInt(40);
        int parallelism = 1 + rnd.nextInt(6);
        List<IndexQuery> queries = new ArrayList<>();
        Map<IndexQuery, List<String>> rows = new HashMap<>();
        Map<IndexQuery, List<Answer>> answers = new HashMap<>();
        for (int i = 0; i < nQueries; i++) {
            IndexQuery q = IndexQuery.row("t", "h" + i);
            queries.add(q);
            int pages = rnd.nextInt(6);
            List<String> row = new ArrayList<>();
            List<Answer> as = new ArrayList<>();
            for (int p = 0; p < pages; p++) {
                row.add("h" + i + "/p" + p);
                int pick = rnd.nextInt(100);
                as.add(
                        pick < 50
                                ? Answer.MORE
                                : pick < 80
                                        ? Answer.DEFER_MORE
                                        : pick < 88
                                                ? Answer.STOP
                                                : pick < 94
                                                        ? Answer.DEFER_STOP
                                                        : pick < 97
                                                                ? Answer.THROW
                                                                : Answer.FAIL_STAGE);
            }
            rows.put(q, row);
            answers.put(q, as);
        }
        // The oracle: each query's pages up to and including the first page answered with
        // anything but "more"; the errors that may surface.
        Map<IndexQuery, List<String>> expected = new HashMap<>();
        Set<String> possibleErrors = new HashSet<>();
        for (IndexQuery q : queries) {
            List<String> want = new ArrayList<>();
            List<Answer> as = answers.get(q);
            for (int p = 0; p < as.size(); p++) {
                want.add(rows.get(q).get(p));
                Answer a = as.get(p);
                if (a == Answer.THROW || a == Answer.FAIL_STAGE) {
                    possibleErrors.add(rows.get(q).get(p));
                }
                if (a != Answer.MORE && a != Answer.DEFER_MORE) {
                    break;
                }
            }
            expected.put(q, want);
        }

        Map<IndexQuery, List<String>> got = new ConcurrentHashMap<>();
        Map<IndexQuery, Boolean> outstanding = new ConcurrentHashMap<>();
        Set<IndexQuery> open = ConcurrentHashMap.newKeySet();
        AtomicInteger maxOpen = new AtomicInteger();
        List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger closed = new AtomicInteger();

        SyncPageLoop.Opener opener =
                q -> {
                    open.add(q);
                    maxOpen.accumulateAndGet(open.size(), Math::max);
                    List<String> row = rows.get(q);
                    return new SyncPageLoop.PageSource() {
                        int next;

                        @Override
                        public ReadBatch next() {
                            return next < row.size() ? page(row.get(next++)) : null;
                        }

                        @Override
                        public void close() {
                            open.remove(q);
                            closed.incrementAndGet();
                        }
                    };
                };
        AsyncPageConsumer consumer =
                (q, page) -> {
                    if (outstanding.putIfAbsent(q, true) != null) {
                        violations.add("page of " + q + " while the previous one was pending");
                    }
                    String name = text(page);
                    List<String> list = got.computeIfAbsent(q, k -> new ArrayList<>());
                    list.add(name);
                    Answer a = answers.get(q).get(list.size() - 1);
                    switch (a) {
                        case MORE:
                            outstanding.remove(q);
                            return AsyncPageConsumer.MORE;
                        case STOP:
                            outstanding.remove(q);
                            return AsyncPageConsumer.STOP;
                        case THROW:
                            outstanding.remove(q);
                            throw new IllegalStateException(name);
                        default:
                            CompletableFuture<Boolean> later = new CompletableFuture<>();
                            timer.schedule(
                                    () -> {
                                        outstanding.remove(q);
                                        if (a == Answer.FAIL_STAGE) {
                                            later.completeExceptionally(
                                                    new IllegalStateException(name));
                                        } else {
                                            later.complete(a == Answer.DEFER_MORE);
                                        }
                                    },
                                    1,
                                    TimeUnit.MILLISECONDS);
                            return later;
                    }
                };
        Throwable error = null;
        try {
            SyncPageLoop.run(queries, parallelism, pool, opener, consumer)
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            error = e.getCause();
        }

        assertThat(violations).as("seed %d", seed).isEmpty();
        for (IndexQuery q : queries) {
            assertThat(got.getOrDefault(q, List.of()))
                    .as("seed %d, %s", seed, q)
                    .isEqualTo(expected.get(q));
        }
        assertThat(maxOpen.get()).as("seed %d", seed).isLessThanOrEqualTo(parallelism);
        assertThat(closed.get()).as("every source closed, seed %d", seed).isEqualTo(nQueries);
        if (possibleErrors.isEmpty()) {
            assertThat(error).as("seed %d", seed).isNull();
        } else {
            assertThat(error).as("seed %d", seed).isInstanceOf(IllegalStateException.class);
            assertThat(possibleErrors).as("seed %d", seed).contains(error.getMessage());
        }
    }

    @Test
    void aFailingOpenFailsThatQueryOnly() throws Exception {
        List<IndexQuery> queries = List.of(IndexQuery.row("t", "a"), IndexQuery.row("t", "b"));
        Set<String> seen = ConcurrentHashMap.newKeySet();
        IllegalArgumentException boom = new IllegalArgumentException("no table");
        CompletableFuture<Void> all =
                SyncPageLoop.run(
                                queries,
                                1,
                                pool,
                                q -> {
                                    if (q.hashValue().equals("a")) {
                                        throw boom;
                                    }
                                    return single(page("b0"));
                                },
                                (q, p) -> {
                                    seen.add(text(p));
                                    return AsyncPageConsumer.MORE;
                                })
                        .toCompletableFuture();
        assertThat(all).failsWithin(10, TimeUnit.SECONDS);
        assertThat(all.handle((v, e) -> e).get()).isSameAs(boom);
        assertThat(seen).containsExactly("b0");
    }

    @Test
    void aLongRowAnsweredAtOnceRunsInlineWithoutGrowingTheStack() {
        int pages = 200_000;
        AtomicInteger delivered = new AtomicInteger();
        Thread caller = Thread.currentThread();
        AtomicInteger elsewhere = new AtomicInteger();
        CompletionStage<Void> all =
                SyncPageLoop.run(
                        List.of(IndexQuery.row("t", "h")),
                        4,
                        pool,
                        q ->
                                new SyncPageLoop.PageSource() {
                                    int n;

                                    @Override
                                    public ReadBatch next() {
                                        return n++ < pages ? page("x") : null;
                                    }

                                    @Override
                                    public void close() {}
                                },
                        (q, p) -> {
                            if (Thread.currentThread() != caller) {
                                elsewhere.incrementAndGet();
                            }
                            delivered.incrementAndGet();
                            // alternate the two ways of answering at once
                            return delivered.get() % 2 == 0
                                    ? AsyncPageConsumer.MORE
                                    : CompletableFuture.completedFuture(true);
                        });
        assertThat(all.toCompletableFuture()).isCompleted();
        assertThat(delivered.get()).isEqualTo(pages);
        assertThat(elsewhere.get()).isZero();
    }

    @Test
    void deferredStagesCompletedLaterDoNotGrowTheStackEither() throws Exception {
        int pages = 50_000;
        // Each stage is completed by the loop's own next step on the pool: a consumer that
        // defers every page with an already-running completion chain.
        AtomicInteger delivered = new AtomicInteger();
        CompletableFuture<Void> all =
                SyncPageLoop.run(
                                List.of(IndexQuery.row("t", "h")),
                                1,
                                pool,
                                q ->
                                        new SyncPageLoop.PageSource() {
                                            int n;

                                            @Override
                                            public ReadBatch next() {
                                                return n++ < pages ? page("x") : null;
                                            }

                                            @Override
                                            public void close() {}
                                        },
                                (q, p) -> {
                                    delivered.incrementAndGet();
                                    CompletableFuture<Boolean> later = new CompletableFuture<>();
                                    pool.execute(() -> later.complete(true));
                                    return later;
                                })
                        .toCompletableFuture();
        all.get(60, TimeUnit.SECONDS);
        assertThat(delivered.get()).isEqualTo(pages);
    }

    static ReadBatch page(String name) {
        return new ReadBatch.Builder()
                .add(name.getBytes(StandardCharsets.UTF_8), new byte[0])
                .build();
    }

    static String text(ReadBatch page) {
        ReadBatch.ReadBatchIterator it = page.iterator();
        it.next();
        return new String(it.rangeValue(), StandardCharsets.UTF_8);
    }

    private static SyncPageLoop.PageSource single(ReadBatch p) {
        return new SyncPageLoop.PageSource() {
            boolean done;

            @Override
            public ReadBatch next() {
                if (done) {
                    return null;
                }
                done = true;
                return p;
            }

            @Override
            public void close() {}
        };
    }
}
