package io.chunkstore.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.grpc.proto.QueryIndexRequest;
import io.chunkstore.grpc.proto.QueryIndexResponse;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.PageConsumer;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.WriteBatch;
import io.grpc.Context;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * QueryIndex streams with back-pressure, and a cancelled stream stops the backend's paging. The
 * backends here are fakes that count the pages they hand out.
 */
class FlowControlTest {

    /**
     * Hands out {@code pages} pages of one row each ({@code rowBytes} of value), pausing between
     * them.
     */
    static final class PagingIndex implements IndexClient {
        final int pages;
        final int rowBytes;
        final long pauseMillis;
        final AtomicInteger delivered = new AtomicInteger();
        final AtomicBoolean stoppedByConsumer = new AtomicBoolean();
        final CountDownLatch done = new CountDownLatch(1);

        PagingIndex(int pages, int rowBytes, long pauseMillis) {
            this.pages = pages;
            this.rowBytes = rowBytes;
            this.pauseMillis = pauseMillis;
        }

        @Override
        public void batchWrite(WriteBatch batch) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void queryPages(List<IndexQuery> queries, PageConsumer consumer) {
            try {
                for (int i = 0; i < pages; i++) {
                    ReadBatch page =
                            new ReadBatch.Builder()
                                    .add(String.format("%06d", i).getBytes(), new byte[rowBytes])
                                    .build();
                    delivered.incrementAndGet();
                    if (!consumer.onPage(queries.get(0), page)) {
                        stoppedByConsumer.set(true);
                        return;
                    }
                    if (pauseMillis > 0) {
                        Thread.sleep(pauseMillis);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                done.countDown();
            }
        }

        @Override
        public void close() {}
    }

    private static TestHarness start(IndexClient index) {
        // One message per backend page, so "the first message" is "the first page".
        return TestHarness.start(s -> s.indexClient(index).messageTargetBytes(1));
    }

    @Test
    void aJavaConsumerThatStopsAfterTheFirstPageStopsTheBackend() throws Exception {
        PagingIndex slow = new PagingIndex(1000, 10, 20);
        try (TestHarness h = start(slow)) {
            AtomicInteger seen = new AtomicInteger();
            h.client
                    .indexClient()
                    .queryPages(
                            List.of(IndexQuery.row("t", "h")),
                            (q, page) -> {
                                seen.incrementAndGet();
                                return false;
                            });
            assertThat(seen).hasValue(1);
            assertThat(slow.done.await(5, TimeUnit.SECONDS)).as("backend stopped paging").isTrue();
            assertThat(slow.stoppedByConsumer).isTrue();
            // Without cancellation it would go on for 1000 pages × 20 ms.
            assertThat(slow.delivered.get()).isLessThan(20);
        }
    }

    @Test
    void aGoLikeClientThatCancelsTheStreamStopsTheBackend() throws Exception {
        PagingIndex slow = new PagingIndex(1000, 10, 20);
        try (TestHarness h = start(slow)) {
            Context.CancellableContext context = Context.current().withCancellation();
            Context previous = context.attach();
            try {
                Iterator<QueryIndexResponse> it =
                        h.raw.queryIndex(
                                QueryIndexRequest.newBuilder()
                                        .setTableName("t")
                                        .setHashValue("h")
                                        .build());
                assertThat(it.next().getRowsCount()).isEqualTo(1);
            } finally {
                context.detach(previous);
                context.cancel(null);
            }
            assertThat(slow.done.await(5, TimeUnit.SECONDS)).as("backend stopped paging").isTrue();
            assertThat(slow.stoppedByConsumer).isTrue();
            assertThat(slow.delivered.get()).isLessThan(20);
        }
    }

    @Test
    void aSlowReaderHoldsTheBackendBackInsteadOfTheServerBufferingTheRow() throws Exception {
        int pages = 1000;
        int rowBytes = 64 * 1024; // 64 MB in all, far more than the transport's flow-control window
        PagingIndex fast = new PagingIndex(pages, rowBytes, 0);
        try (TestHarness h = start(fast)) {
            Iterator<QueryIndexResponse> it =
                    h.raw.queryIndex(
                            QueryIndexRequest.newBuilder()
                                    .setTableName("t")
                                    .setHashValue("h")
                                    .build());
            assertThat(it.next().getRowsCount()).isEqualTo(1);
            Thread.sleep(
                    1000); // the reader stalls; the backend could have produced everything by now
            int ahead = fast.delivered.get();
            assertThat(ahead).as("pages produced while the reader stalled").isLessThan(300);
            assertThat(fast.done.getCount()).isEqualTo(1);

            int received = 1;
            while (it.hasNext()) {
                QueryIndexResponse r = it.next();
                received += r.getRowsCount();
                assertThat(r.getRows(0).getValue().size()).isEqualTo(rowBytes);
            }
            assertThat(received).isEqualTo(pages);
            assertThat(fast.stoppedByConsumer).isFalse();
        }
    }
}
