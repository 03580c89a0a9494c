package io.chunkstore.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DrainingExecutorTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void runsEveryTaskSubmittedFromManyThreadsOnAtMostTheLimit() throws Exception {
        var executor = new DrainingExecutor(pool, 3);
        int submitters = 8;
        int perSubmitter = 20_000;
        LongAdder ran = new LongAdder();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(submitters * perSubmitter);
        Runnable task =
                () -> {
                    int now = running.incrementAndGet();
                    mostAtOnce.accumulateAndGet(now, Math::max);
                    ran.increment();
                    running.decrementAndGet();
                    all.countDown();
                };
        Thread[] threads = new Thread[submitters];
        for (int t = 0; t < submitters; t++) {
            threads[t] =
                    new Thread(
                            () -> {
                                for (int i = 0; i < perSubmitter; i++) {
                                    executor.execute(task);
                                }
                            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(all.await(30, TimeUnit.SECONDS))
                .as("every task ran; %d of %d did", ran.sum(), submitters * perSubmitter)
                .isTrue();
        assertThat(ran.sum()).isEqualTo((long) submitters * perSubmitter);
        assertThat(mostAtOnce.get()).isBetween(1, 3);
    }

    @Test
    void aTaskSubmittedWhileTheDrainersAreBusyRunsOnOneOfThemWithoutANewThread() throws Exception {
        AtomicInteger poolTasks = new AtomicInteger();
        var executor =
                new DrainingExecutor(
                        r -> {
                            poolTasks.incrementAndGet();
                            pool.execute(r);
                        },
                        1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(11);
        executor.execute(
                () -> {
                    await(release);
                    done.countDown();
                });
        for (int i = 0; i < 10; i++) {
            executor.execute(done::countDown);
        }
        release.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(poolTasks.get()).isEqualTo(1);
    }

    @Test
    void aFailingTaskDoesNotStopTheOthers() throws Exception {
        var executor = new DrainingExecutor(pool, 1);
        CountDownLatch done = new CountDownLatch(2);
        executor.execute(done::countDown);
        executor.execute(
                () -> {
                    throw new IllegalStateException("boom");
                });
        executor.execute(done::countDown);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aPoolThatRefusesReportsItWhenNoDrainerCanTakeTheTask() {
        pool.shutdown();
        var executor = new DrainingExecutor(pool, 2);
        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(() -> executor.execute(ran::incrementAndGet))
                .isInstanceOf(RejectedExecutionException.class);
        assertThat(ran.get()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
