package io.chunkstore.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.PageConsumer;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.WriteBatch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Graceful shutdown: stop accepting, drain calls in flight within the grace period, then force. */
class ShutdownTest {

    /** Delivers a page, waits for {@link #release}, delivers a second page. */
    static final class GatedIndex implements IndexClient {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicBoolean interruptedOrStopped = new AtomicBoolean();

        @Override
        public void batchWrite(WriteBatch batch) {}

        @Override
        public void queryPages(List<IndexQuery> queries, PageConsumer consumer) {
            try {
                if (!consumer.onPage(
                        queries.get(0),
                        new ReadBatch.Builder().add("1".getBytes(), null).build())) {
                    interruptedOrStopped.set(true);
                    return;
                }
                release.await();
                if (!consumer.onPage(
                        queries.get(0),
                        new ReadBatch.Builder().add("2".getBytes(), null).build())) {
                    interruptedOrStopped.set(true);
                }
            } catch (InterruptedException e) {
                interruptedOrStopped.set(true);
                Thread.currentThread().interrupt();
            } finally {
                done.countDown();
            }
        }

        @Override
        public void close() {}
    }

    @Test
    void aCallInFlightIsDrainedWhileNewCallsAreRefused() throws Exception {
        GatedIndex index = new GatedIndex();
        try (TestHarness h = TestHarness.start(s -> s.indexClient(index).messageTargetBytes(1))) {
            CountDownLatch firstPage = new CountDownLatch(1);
            AtomicInteger rows = new AtomicInteger();
            CompletableFuture<Void> query =
                    CompletableFuture.runAsync(
                            () ->
                                    h.client
                                            .indexClient()
                                            .queryPages(
                                                    List.of(IndexQuery.row("t", "h")),
                                                    (q, page) -> {
                                                        rows.addAndGet(page.size());
                                                        firstPage.countDown();
                                                        return true;
                                                    }));
            assertThat(firstPage.await(5, TimeUnit.SECONDS)).isTrue();

            CompletableFuture<Boolean> shutdown =
                    CompletableFuture.supplyAsync(() -> h.server.shutdown(Duration.ofSeconds(20)));
            // New connections are refused once shutdown has begun.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            Throwable refused = null;
            while (refused == null && System.nanoTime() < deadline) {
                try (GrpcStoreClient late =
                        GrpcStoreClient.builder("127.0.0.1:" + h.server.port()).build()) {
                    refused =
                            catchThrowable(
                                    () ->
                                            late.indexClient()
                                                    .queryPages(
                                                            List.of(IndexQuery.row("t", "h")),
                                                            (q, p) -> true));
                }
                Thread.sleep(50);
            }
            assertThat(refused).isInstanceOf(StorageException.class);
            assertThat(shutdown).isNotDone();
            assertThat(query).isNotDone();

            index.release.countDown();
            query.get(10, TimeUnit.SECONDS);
            assertThat(rows).hasValue(2);
            assertThat(shutdown.get(10, TimeUnit.SECONDS)).as("drained without forcing").isTrue();
            assertThat(h.server.isTerminated()).isTrue();
            assertThat(index.interruptedOrStopped).isFalse();
        }
    }

    @Test
    void callsStillRunningAfterTheGracePeriodAreCancelledAndTheirPagingStops() throws Exception {
        GatedIndex index = new GatedIndex();
        try (TestHarness h = TestHarness.start(s -> s.indexClient(index).messageTargetBytes(1))) {
            CountDownLatch firstPage = new CountDownLatch(1);
            CompletableFuture<Void> query =
                    CompletableFuture.runAsync(
                            () ->
                                    h.client
                                            .indexClient()
                                            .queryPages(
                                                    List.of(IndexQuery.row("t", "h")),
                                                    (q, page) -> {
                                                        firstPage.countDown();
                                                        return true;
                                                    }));
            assertThat(firstPage.await(5, TimeUnit.SECONDS)).isTrue();

            long start = System.nanoTime();
            assertThat(h.server.shutdown(Duration.ofMillis(300))).as("had to force").isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(10));
            assertThat(h.server.isTerminated()).isTrue();

            Throwable clientSide = catchThrowable(() -> query.get(10, TimeUnit.SECONDS));
            assertThat(clientSide).hasCauseInstanceOf(StorageException.class);
            // QueryIndex runs on the backend's asynchronous path, which the server does not own
            // (this blocking fake runs on the SPI's shared pool): the forced call is cancelled, so
            // the backend's next page is refused and its paging stops there.
            index.release.countDown();
            assertThat(index.done.await(5, TimeUnit.SECONDS)).as("backend paging ended").isTrue();
            assertThat(index.interruptedOrStopped).isTrue();
        }
    }
}
