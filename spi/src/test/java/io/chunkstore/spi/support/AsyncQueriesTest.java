package io.chunkstore.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.spi.IndexQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * {@link AsyncQueries#run}: every query started once, never more than the bound unfinished, every
 * query run when some fail, the call ended only after all and failed with one of their errors.
 */
class AsyncQueriesTest {
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(3);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @RepeatedTest(20)
    void boundHeldEveryQueryRunsAndTheErrorIsOneOfTheFailures() throws Exception {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        int n = rnd.nextInt(300);
        int parallelism = 1 + rnd.nextInt(10);
        List<IndexQuery> queries = new ArrayList<>();
        Set<String> failing = ConcurrentHashMap.newKeySet();
        Map<String, Integer> plan = new ConcurrentHashMap<>();
        for (int i = 0; i < n; i++) {
            queries.add(IndexQuery.row("t", "h" + i));
            int kind = rnd.nextInt(10); // 0-3 at once, 4-7 later, 8 throws, 9 fails later
            plan.put("h" + i, kind);
            if (kind >= 8) {
                failing.add("h" + i);
            }
        }
        Map<String, Integer> starts = new ConcurrentHashMap<>();
        AtomicInteger unfinished = new AtomicInteger();
        AtomicInteger maxUnfinished = new AtomicInteger();
        Set<String> ended = ConcurrentHashMap.newKeySet();
        CompletableFuture<Void> all =
                AsyncQueries.run(
                                queries,
                                parallelism,
                                q -> {
                                    String h = q.hashValue();
                                    starts.merge(h, 1, Integer::sum);
                                    maxUnfinished.accumulateAndGet(
                                            unfinished.incrementAndGet(), Math::max);
                                    int kind = plan.get(h);
                                    if (kind == 8) {
                                        unfinished.decrementAndGet();
                                        ended.add(h);
                                        throw new IllegalStateException(h);
                                    }
                                    CompletableFuture<Void> done = new CompletableFuture<>();
                                    Runnable end =
                                            () -> {
                                                unfinished.decrementAndGet();
                                                ended.add(h);
                                                if (kind == 9) {
                                                    done.completeExceptionally(
                                                            new IllegalStateException(h));
                                                } else {
                                                    done.complete(null);
                                                }
                                            };
                                    if (kind < 4) {
                                        end.run();
                                    } else {
                                        timer.schedule(end, rnd(h), TimeUnit.MICROSECONDS);
                                    }
                                    return done;
                                })
                        .toCompletableFuture();
        Throwable error = null;
        try {
            all.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            error = e.getCause();
        }
        assertThat(ended).as("seed %d", seed).hasSize(n);
        assertThat(starts.values()).as("seed %d", seed).allMatch(c -> c == 1);
        assertThat(starts).as("seed %d", seed).hasSize(n);
        assertThat(maxUnfinished.get()).as("seed %d", seed).isLessThanOrEqualTo(parallelism);
        if (failing.isEmpty()) {
            assertThat(error).as("seed %d", seed).isNull();
        } else {
            assertThat(error).as("seed %d", seed).isInstanceOf(IllegalStateException.class);
            assertThat(failing).as("seed %d", seed).contains(error.getMessage());
        }
    }

    private static long rnd(String h) {
        return 50 + Math.floorMod(h.hashCode(), 500);
    }

    @Test
    void manyQueriesEndingAtOnceDoNotGrowTheStack() {
        List<IndexQuery> queries = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            queries.add(IndexQuery.row("t", "h" + i));
        }
        AtomicInteger ran = new AtomicInteger();
        CompletableFuture<Void> all =
                AsyncQueries.run(
                                queries,
                                3,
                                q -> {
                                    ran.incrementAndGet();
                                    return CompletableFuture.completedFuture(null);
                                })
                        .toCompletableFuture();
        assertThat(all).isCompleted();
        assertThat(ran.get()).isEqualTo(200_000);
    }
}
