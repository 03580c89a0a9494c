package io.chunkstore.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.grpc.proto.QueryIndexRequest;
import io.chunkstore.grpc.proto.QueryIndexResponse;
import io.chunkstore.grpc.proto.Row;
import io.chunkstore.grpc.proto.grpc_storeGrpc;
import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.PageConsumer;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.WriteBatch;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The non-blocking QueryIndex path (issue 22): the server hands the call's flow control to the
 * backend's {@link IndexClient#queryPagesAsync} as demand, a cancel stops the backend's query, and
 * the Java client's {@code queryPagesAsync} pulls the next message only when its consumer has room.
 * The backends here are asynchronous fakes that record every page they hand out and every answer
 * they get; nothing is timed: the tests wait for states (a page left waiting, a query stopped).
 */
class AsyncQueryIndexTest {

    /**
     * Hands out {@code pages} pages of one row ({@code rowBytes} of value) from its own thread,
     * asking for each next page only when the consumer's stage for the last one has completed, as a
     * driver's paging does.
     */
    static final class AsyncPagingIndex implements IndexClient {
        final int pages;
        final int rowBytes;
        final AtomicInteger delivered = new AtomicInteger();

        /** Counted down the first time the consumer answers with a stage not yet complete. */
        final CountDownLatch heldBack = new CountDownLatch(1);

        /** Counted down when the consumer stops the query (STOP or a stage completing false). */
        final CountDownLatch stopped = new CountDownLatch(1);

        final CountDownLatch finished = new CountDownLatch(1);

        AsyncPagingIndex(int pages, int rowBytes) {
            this.pages = pages;
            this.rowBytes = rowBytes;
        }

        static byte[] rangeValue(int i) {
            return String.format("%06d", i).getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public CompletionStage<Void> queryPagesAsync(
                List<IndexQuery> queries, AsyncPageConsumer consumer) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    page(queries.get(0), consumer, 0);
                                    done.complete(null);
                                } catch (RuntimeException e) {
                                    done.completeExceptionally(e);
                                } finally {
                                    finished.countDown();
                                }
                            },
                            "async-paging-index");
            t.setDaemon(true);
            t.start();
            return done;
        }

        private void page(IndexQuery q, AsyncPageConsumer consumer, int first) {
            for (int i = first; i < pages; i++) {
                byte[] value = new byte[rowBytes];
                value[0] = (byte) i;
                ReadBatch page = new ReadBatch.Builder().add(rangeValue(i), value).build();
                delivered.incrementAndGet();
                CompletableFuture<Boolean> demand = consumer.onPage(q, page).toCompletableFuture();
                if (!demand.isDone()) {
                    heldBack.countDown();
                }
                if (!demand.join()) {
                    stopped.countDown();
                    return;
                }
            }
        }

        @Override
        public void batchWrite(WriteBatch batch) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void queryPages(List<IndexQuery> queries, PageConsumer consumer) {
            throw new UnsupportedOperationException("the server must use queryPagesAsync");
        }

        @Override
        public void close() {}
    }

    private static QueryIndexRequest request() {
        return QueryIndexRequest.newBuilder().setTableName("t").setHashValue("h").build();
    }

    /** A raw client stream that reads only when told to. */
    static final class ManualReader
            implements ClientResponseObserver<QueryIndexRequest, QueryIndexResponse> {
        final List<Row> rows = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch firstMessage = new CountDownLatch(1);
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile ClientCallStreamObserver<QueryIndexRequest> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<QueryIndexRequest> call) {
            this.call = call;
            call.disableAutoRequestWithInitial(1);
        }

        @Override
        public void onNext(QueryIndexResponse value) {
            rows.addAll(value.getRowsList());
            firstMessage.countDown();
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            done.complete(null);
        }
    }

    private static TestHarness start(IndexClient index) {
        // One message per backend page, so the client's reads map to pages.
        return TestHarness.start(s -> s.indexClient(index).messageTargetBytes(1));
    }

    @Test
    void aClientThatDoesNotReadHoldsTheBackendsPagingBack() throws Exception {
        int pages = 1000;
        int rowBytes = 64 * 1024; // 64 MB in all, far more than the HTTP/2 windows hold
        AsyncPagingIndex index = new AsyncPagingIndex(pages, rowBytes);
        try (TestHarness h = start(index)) {
            ManualReader reader = new ManualReader();
            grpc_storeGrpc.newStub(h.rawChannel).queryIndex(request(), reader);
            assertThat(reader.firstMessage.await(10, TimeUnit.SECONDS)).isTrue();
            // The server stops pulling pages: the backend is left waiting on a page's stage.
            assertThat(index.heldBack.await(30, TimeUnit.SECONDS))
                    .as("the backend was made to wait")
                    .isTrue();
            int whileStalled = index.delivered.get();
            assertThat(whileStalled)
                    .as("pages the backend delivered while the client read one message")
                    .isLessThan(pages);
            assertThat(index.finished.getCount()).isEqualTo(1);

            reader.call.request(Integer.MAX_VALUE);
            reader.done.get(60, TimeUnit.SECONDS);
            assertThat(reader.rows).hasSize(pages);
            for (int i = 0; i < pages; i++) {
                Row r = reader.rows.get(i);
                assertThat(r.getRangeValue().toByteArray())
                        .isEqualTo(AsyncPagingIndex.rangeValue(i));
                assertThat(r.getValue().size()).isEqualTo(rowBytes);
                assertThat(r.getValue().byteAt(0)).isEqualTo((byte) i);
            }
            assertThat(index.stopped.getCount()).as("never stopped").isEqualTo(1);
        }
    }

    @Test
    void aClientCancelStopsTheBackendsQuery() throws Exception {
        int pages = 1000;
        AsyncPagingIndex index = new AsyncPagingIndex(pages, 64 * 1024);
        try (TestHarness h = start(index)) {
            ManualReader reader = new ManualReader();
            grpc_storeGrpc.newStub(h.rawChannel).queryIndex(request(), reader);
            assertThat(reader.firstMessage.await(10, TimeUnit.SECONDS)).isTrue();
            reader.call.cancel("the test stops reading", null);
            assertThat(index.stopped.await(30, TimeUnit.SECONDS))
                    .as("the backend's query was stopped")
                    .isTrue();
            assertThat(index.finished.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(index.delivered.get()).isLessThan(pages);
        }
    }

    @Test
    void theJavaClientsAsyncConsumerPullsTheNextMessageOnlyWhenItHasRoom() throws Exception {
        int pages = 1000;
        int rowBytes = 64 * 1024;
        AsyncPagingIndex index = new AsyncPagingIndex(pages, rowBytes);
        try (TestHarness h = start(index)) {
            AtomicReference<CompletableFuture<Boolean>> waiting = new AtomicReference<>();
            List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch firstPage = new CountDownLatch(1);
            AtomicBoolean holding = new AtomicBoolean(true);
            CompletionStage<Void> done =
                    h.client
                            .indexClient()
                            .queryPagesAsync(
                                    List.of(IndexQuery.row("t", "h")),
                                    (q, page) -> {
                                        ReadBatch.ReadBatchIterator it = page.iterator();
                                        while (it.next()) {
                                            seen.add(
                                                    Integer.parseInt(
                                                            new String(
                                                                    it.rangeValue(),
                                                                    StandardCharsets.US_ASCII)));
                                        }
                                        if (holding.get()) {
                                            CompletableFuture<Boolean> f =
                                                    new CompletableFuture<>();
                                            waiting.set(f);
                                            firstPage.countDown();
                                            return f;
                                        }
                                        return AsyncPageConsumer.MORE;
                                    });
            assertThat(firstPage.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(index.heldBack.await(30, TimeUnit.SECONDS))
                    .as("the server's backend was made to wait for the Java consumer")
                    .isTrue();
            assertThat(seen).as("one page, then nothing until the stage completes").hasSize(1);
            holding.set(false);
            waiting.get().complete(true);
            done.toCompletableFuture().get(60, TimeUnit.SECONDS);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < pages; i++) {
                expected.add(i);
            }
            assertThat(seen).isEqualTo(expected);
        }
    }

    /**
     * On the transport thread, and on the worker through its draining starters, as serve runs the
     * embedded store.
     */
    @ParameterizedTest(name = "queries started on the worker: {0}")
    @ValueSource(booleans = {false, true})
    void oneRowQueriesInParallelStreamsReturnEveryRowExactlyOnce(
            boolean onWorker, @TempDir Path dir) throws Exception {
        StorageBackend local =
                StorageProviders.open(
                        new BackendContext(
                                "local",
                                Map.of("local", Map.of("directory", dir.toString())),
                                null,
                                null));
        try (local;
                TestHarness h =
                        TestHarness.start(s -> s.backend(local).startQueriesOnWorker(onWorker))) {
            local.tableClient().createTable(TableDesc.named("index_1"));
            // The oracle: every entry written, as "hash value / range value / value".
            Map<String, Integer> written = new HashMap<>();
            Random random = new Random(22);
            int rows = 400;
            WriteBatch batch = new WriteBatch();
            List<IndexQuery> queries = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                String hash = "user:d1:" + r;
                queries.add(IndexQuery.row("index_1", hash));
                int entries = 1 + random.nextInt(12);
                for (int e = 0; e < entries; e++) {
                    byte[] range = new byte[8 + random.nextInt(24)];
                    byte[] value = new byte[random.nextInt(40)];
                    random.nextBytes(range);
                    random.nextBytes(value);
                    range[0] = (byte) e; // distinct within the row
                    batch.add(new IndexEntry("index_1", hash, range, value));
                    written.merge(key(hash, range, value), 1, Integer::sum);
                }
            }
            local.indexClient().batchWrite(batch);

            // As the Go client's DoParallelQueries: each query its own call (its own stream), 16
            // in flight on the client's one connection.
            Map<String, Integer> read = new ConcurrentHashMap<>();
            AsyncPageConsumer consumer =
                    (q, page) -> {
                        ReadBatch.ReadBatchIterator it = page.iterator();
                        while (it.next()) {
                            read.merge(
                                    key(q.hashValue(), it.rangeValue(), it.value()),
                                    1,
                                    Integer::sum);
                        }
                        return AsyncPageConsumer.MORE;
                    };
            IndexClient client = h.client.indexClient();
            AtomicInteger next = new AtomicInteger();
            List<CompletableFuture<Void>> chains = new ArrayList<>();
            for (int k = 0; k < 16; k++) {
                chains.add(chain(client, queries, next, consumer));
            }
            CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new))
                    .get(60, TimeUnit.SECONDS);
            assertThat(read).isEqualTo(written);

            // And all at once through the blocking wrapper.
            Map<String, Integer> blocking = new ConcurrentHashMap<>();
            client.queryPages(
                    queries,
                    (q, page) -> {
                        ReadBatch.ReadBatchIterator it = page.iterator();
                        while (it.next()) {
                            blocking.merge(
                                    key(q.hashValue(), it.rangeValue(), it.value()),
                                    1,
                                    Integer::sum);
                        }
                        return true;
                    });
            assertThat(blocking).isEqualTo(written);
        }
    }

    /** Runs the next query when the last one ends, until none is left. */
    private static CompletableFuture<Void> chain(
            IndexClient client,
            List<IndexQuery> queries,
            AtomicInteger next,
            AsyncPageConsumer consumer) {
        int i = next.getAndIncrement();
        if (i >= queries.size()) {
            return CompletableFuture.completedFuture(null);
        }
        return client.queryPagesAsync(List.of(queries.get(i)), consumer)
                .toCompletableFuture()
                .thenCompose(v -> chain(client, queries, next, consumer));
    }

    private static String key(String hash, byte[] range, byte[] value) {
        return hash + "/" + Bytes.hex(range) + "/" + Bytes.hex(value);
    }
}
