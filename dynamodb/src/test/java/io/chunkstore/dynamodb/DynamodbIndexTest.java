package io.chunkstore.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexWriteException;
import io.chunkstore.spi.InvalidQueryException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.testservers.RealServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/** The index on DynamoDB Local: the DynamoDB-specific cases the shared suite does not reach. */
@RealServer
class DynamodbIndexTest {
    private static final MeterRegistry METRICS = new SimpleMeterRegistry();

    /**
     * Query page size forced by an interceptor, so small rows span many pages; 0 = DynamoDB's
     * default.
     */
    private static final AtomicInteger PAGE_LIMIT = new AtomicInteger();

    private static final AtomicInteger QUERIES_SENT = new AtomicInteger();

    private static DynamoBackend backend;
    private static String table;

    /** Sets Query's Limit to PAGE_LIMIT and counts the Query requests that go out. */
    static final class SmallPages implements ExecutionInterceptor {
        @Override
        public SdkRequest modifyRequest(
                Context.ModifyRequest context, ExecutionAttributes attributes) {
            if (context.request() instanceof QueryRequest q) {
                QUERIES_SENT.incrementAndGet();
                int limit = PAGE_LIMIT.get();
                return limit > 0 ? q.toBuilder().limit(limit).build() : q;
            }
            return context.request();
        }
    }

    @BeforeAll
    static void open() {
        backend =
                DynamoServer.open(
                        "aws-dynamo",
                        DynamoServer.config(),
                        METRICS,
                        b ->
                                b.overrideConfiguration(
                                        o -> o.addExecutionInterceptor(new SmallPages())));
        table = DynamoServer.createTable(backend, "index");
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> read(IndexQuery q) {
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        backend.indexClient()
                .queryPages(
                        List.of(q),
                        (query, page) -> {
                            ReadBatch.ReadBatchIterator it = page.iterator();
                            while (it.next()) {
                                out.add(
                                        new String(it.rangeValue(), StandardCharsets.UTF_8)
                                                + "="
                                                + new String(it.value(), StandardCharsets.UTF_8));
                            }
                            return true;
                        });
        return out;
    }

    @Test
    void aPutAndADeleteOfOneCellInOneBatchEndDeleted() {
        WriteBatch b = backend.indexClient().newWriteBatch();
        b.add(table, "putdelete", b("a"), b("1"));
        b.add(table, "putdelete", b("b"), b("2"));
        b.add(table, "putdelete", b("a"), b("again")); // the same cell twice: the later put wins
        b.delete(table, "putdelete", b("b"));
        backend.indexClient().batchWrite(b);
        assertThat(read(IndexQuery.row(table, "putdelete"))).containsExactly("a=again");
    }

    @Test
    void aValidationErrorNamesTheOffendingItemsAndTheRestIsWritten() {
        WriteBatch b = backend.indexClient().newWriteBatch();
        for (int i = 0; i < 40; i++) {
            b.add(table, "valid", b(String.format("r%03d", i)), b("v" + i));
        }
        IndexEntry emptyHash = new IndexEntry(table, "", b("r"), b("x"));
        IndexEntry tooBig =
                new IndexEntry(table, "valid", b("huge"), new byte[Layout.MAX_ITEM_BYTES + 1]);
        b.add(emptyHash);
        b.add(tooBig);
        b.add(table, "valid", b("zzz"), b("last"));
        assertThatThrownBy(() -> backend.indexClient().batchWrite(b))
                .isInstanceOfSatisfying(
                        IndexWriteException.class,
                        e -> {
                            assertThat(e.notWrittenPuts())
                                    .containsExactlyInAnyOrder(emptyHash, tooBig);
                            assertThat(e.notWrittenDeletes()).isEmpty();
                            assertThat(e.getCause())
                                    .isInstanceOf(InvalidRequestException.class)
                                    .hasMessageContaining("DynamoDB rejected");
                            assertThat(e.isRetryable()).isFalse();
                        });
        List<String> row = read(IndexQuery.row(table, "valid"));
        assertThat(row)
                .hasSize(41)
                .contains("r000=v0", "r039=v39", "zzz=last")
                .noneMatch(s -> s.startsWith("huge"));
    }

    @Test
    void aMissingTableIsReportedWithWhatWasNotWritten() {
        String missing = DynamoServer.table("no_such_index");
        WriteBatch b = backend.indexClient().newWriteBatch();
        b.add(missing, "h", b("r"), b("v"));
        b.add(table, "other_table_ok", b("r"), b("v"));
        assertThatThrownBy(() -> backend.indexClient().batchWrite(b))
                .isInstanceOfSatisfying(
                        IndexWriteException.class,
                        e -> {
                            assertThat(e.notWrittenPuts())
                                    .extracting(IndexEntry::tableName)
                                    .containsExactly(missing);
                            assertThat(e.getCause()).isInstanceOf(TableNotFoundException.class);
                        });
        assertThat(read(IndexQuery.row(table, "other_table_ok"))).containsExactly("r=v");
        assertThatThrownBy(() -> read(IndexQuery.row(missing, "h")))
                .isInstanceOf(TableNotFoundException.class)
                .hasMessageContaining(missing);
    }

    @Test
    void invalidNamesAndQueriesAreClearErrors() {
        assertThatThrownBy(() -> read(IndexQuery.row("t1", "h")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'t1'");
        assertThatThrownBy(() -> read(IndexQuery.row(table, "")))
                .isInstanceOf(InvalidQueryException.class);
        WriteBatch b = backend.indexClient().newWriteBatch();
        b.add("x/y", "h", b("r"), null);
        assertThatThrownBy(() -> backend.indexClient().batchWrite(b))
                .isInstanceOf(IndexWriteException.class)
                .hasMessageContaining("'x/y'");
    }

    /**
     * With 3 items a page, a value filter leaves many pages empty: they are not delivered, the
     * matches all are; returning false stops the Query calls (at most the one page fetched ahead
     * goes out after).
     */
    @Test
    void pagesStreamEmptyPagesAreSkippedAndEarlyStopEndsPaging() {
        WriteBatch b = backend.indexClient().newWriteBatch();
        for (int i = 0; i < 60; i++) {
            b.add(table, "paged", b(String.format("r%03d", i)), b(i % 20 == 0 ? "match" : "other"));
        }
        backend.indexClient().batchWrite(b);
        PAGE_LIMIT.set(3);
        try {
            List<Integer> sizes = new ArrayList<>();
            int before = QUERIES_SENT.get();
            backend.indexClient()
                    .queryPages(
                            List.of(
                                    IndexQuery.builder(table, "paged")
                                            .valueEqual(b("match"))
                                            .build()),
                            (q, page) -> {
                                sizes.add(page.size());
                                return true;
                            });
            assertThat(sizes).containsExactly(1, 1, 1);
            assertThat(QUERIES_SENT.get() - before)
                    .as("every page was requested")
                    .isGreaterThanOrEqualTo(20);

            List<Integer> early = new ArrayList<>();
            before = QUERIES_SENT.get();
            backend.indexClient()
                    .queryPages(
                            List.of(IndexQuery.row(table, "paged")),
                            (q, page) -> {
                                early.add(page.size());
                                return early.size() < 2;
                            });
            assertThat(early).containsExactly(3, 3);
            assertThat(QUERIES_SENT.get() - before).isBetween(2, 3);
        } finally {
            PAGE_LIMIT.set(0);
        }
    }

    @Test
    void pagesAreDeliveredOffSdkThreadsAndInRangeOrder() {
        WriteBatch b = backend.indexClient().newWriteBatch();
        List<IndexQuery> queries = new ArrayList<>();
        for (int h = 0; h < 8; h++) {
            for (int i = 0; i < 20; i++) {
                b.add(table, "threads" + h, new byte[] {(byte) (i * 13), (byte) 0xff}, null);
            }
            queries.add(IndexQuery.row(table, "threads" + h));
        }
        backend.indexClient().batchWrite(b);
        PAGE_LIMIT.set(7);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Map<IndexQuery, List<Integer>> ranges = new ConcurrentHashMap<>();
        try {
            backend.indexClient()
                    .queryPages(
                            queries,
                            (q, page) -> {
                                threads.add(Thread.currentThread().getName());
                                ReadBatch.ReadBatchIterator it = page.iterator();
                                while (it.next()) {
                                    assertThat(it.value()).isEmpty();
                                    ranges.computeIfAbsent(
                                                    q,
                                                    k ->
                                                            Collections.synchronizedList(
                                                                    new ArrayList<>()))
                                            .add(it.rangeValue()[0] & 0xff);
                                }
                                return true;
                            });
        } finally {
            PAGE_LIMIT.set(0);
        }
        String caller = Thread.currentThread().getName();
        assertThat(threads).allMatch(t -> t.equals(caller) || t.startsWith("chunkstore-dynamodb-"));
        for (IndexQuery q : queries) {
            assertThat(ranges.get(q)).hasSize(20).isSorted();
        }
    }

    @Test
    void cortexMetricsAreRecorded() {
        WriteBatch b = backend.indexClient().newWriteBatch();
        b.add(table, "metrics", b("r"), b("v"));
        backend.indexClient().batchWrite(b);
        read(IndexQuery.row(table, "metrics"));
        assertThat(
                        METRICS.get("cortex_dynamo_request_duration_seconds")
                                .tags("operation", "DynamoDB.BatchWriteItem", "status_code", "200")
                                .timer()
                                .count())
                .isPositive();
        assertThat(
                        METRICS.get("cortex_dynamo_request_duration_seconds")
                                .tags("operation", "DynamoDB.QueryPages", "status_code", "200")
                                .timer()
                                .count())
                .isPositive();
        assertThat(METRICS.get("cortex_dynamo_query_pages_count").summary().count()).isPositive();
        assertThat(
                        METRICS.find("cortex_dynamo_consumed_capacity_total")
                                .tag("table", table)
                                .counters())
                .as("consumed capacity per table")
                .isNotEmpty();
        assertThat(
                        METRICS.get("cortex_dynamo_request_duration_seconds")
                                .tag("operation", "DynamoDB.CreateTable")
                                .timer()
                                .count())
                .isPositive();
    }
}
