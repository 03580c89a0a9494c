package io.chunkstore.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.PageConsumer;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Cortex's {@code caching_index_client_test.go} (basic, temp, perm, empty response, collision) and
 * its cardinality limit test, plus paging and early stop.
 */
class CachingIndexClientTest {

    /**
     * Cortex's {@code mockStore}: every query gets the same fixed rows; counts the queries it sees.
     */
    static class MockStore implements IndexClient {
        final List<byte[][]> rows = new ArrayList<>();
        final List<IndexQuery> seen = new ArrayList<>();
        int batchWrites;

        MockStore add(String range, String value) {
            rows.add(new byte[][] {b(range), b(value)});
            return this;
        }

        @Override
        public void batchWrite(WriteBatch batch) {
            batchWrites++;
        }

        @Override
        public synchronized void queryPages(List<IndexQuery> queries, PageConsumer consumer) {
            for (IndexQuery q : queries) {
                seen.add(q);
                ReadBatch.Builder page = new ReadBatch.Builder();
                rows.forEach(r -> page.add(r[0], r[1]));
                consumer.onPage(q, page.build());
            }
        }

        @Override
        public void close() {}
    }

    static final class ManualTicker implements Ticker {
        final AtomicLong nanos = new AtomicLong();

        @Override
        public long read() {
            return nanos.get();
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Entries (range=value) delivered per query object. */
    static Map<IndexQuery, List<String>> run(IndexClient client, List<IndexQuery> queries) {
        Map<IndexQuery, List<String>> got = new IdentityHashMap<>();
        queries.forEach(q -> got.put(q, new ArrayList<>()));
        client.queryPages(
                queries,
                (q, page) -> {
                    ReadBatch.ReadBatchIterator it = page.iterator();
                    while (it.next()) {
                        got.get(q).add(s(it.rangeValue()) + "=" + s(it.value()));
                    }
                    return true;
                });
        return got;
    }

    static int count(Map<IndexQuery, List<String>> got) {
        return got.values().stream().mapToInt(List::size).sum();
    }

    @Test
    void basicSecondQueryIsServedFromTheCache() {
        MockStore store = new MockStore().add("foo", "bar");
        CachingIndexClient client =
                new CachingIndexClient(
                        store, IndexCacheConfig.DEFAULT.withValidity(Duration.ofSeconds(1)));
        List<IndexQuery> queries = List.of(IndexQuery.row("table", "baz"));
        assertThat(count(run(client, queries))).isEqualTo(1);
        assertThat(store.seen).hasSize(1);
        assertThat(count(run(client, queries))).isEqualTo(1);
        assertThat(store.seen).hasSize(1);
        assertThat(client.backendRowReads()).isEqualTo(1);
    }

    @Test
    void mutableRowsExpireAfterTheValidity() {
        MockStore store = new MockStore().add("foo", "bar");
        ManualTicker ticker = new ManualTicker();
        CachingIndexClient client =
                new CachingIndexClient(
                        store,
                        IndexCacheConfig.DEFAULT.withValidity(Duration.ofMillis(100)),
                        ticker);
        List<IndexQuery> queries =
                List.of(
                        IndexQuery.row("table", "foo"),
                        IndexQuery.row("table", "bar"),
                        IndexQuery.row("table", "baz"));
        assertThat(count(run(client, queries))).isEqualTo(3);
        assertThat(store.seen).hasSize(3);
        assertThat(count(run(client, queries))).isEqualTo(3);
        assertThat(store.seen).hasSize(3);
        ticker.advance(Duration.ofMillis(99));
        run(client, queries);
        assertThat(store.seen).hasSize(3);
        ticker.advance(Duration.ofMillis(1));
        assertThat(count(run(client, queries))).isEqualTo(3);
        assertThat(store.seen).hasSize(6);
    }

    @Test
    void immutableRowsNeverExpire() {
        MockStore store = new MockStore().add("foo", "bar");
        ManualTicker ticker = new ManualTicker();
        CachingIndexClient client =
                new CachingIndexClient(
                        store,
                        IndexCacheConfig.DEFAULT.withValidity(Duration.ofMillis(100)),
                        ticker);
        List<IndexQuery> queries =
                List.of(
                        IndexQuery.builder("table", "foo").immutable(true).build(),
                        IndexQuery.builder("table", "bar").immutable(true).build(),
                        IndexQuery.builder("table", "baz").immutable(true).build());
        assertThat(count(run(client, queries))).isEqualTo(3);
        ticker.advance(Duration.ofDays(365));
        assertThat(count(run(client, queries))).isEqualTo(3);
        assertThat(store.seen).hasSize(3);
    }

    @Test
    void emptyRowsAreCachedToo() {
        MockStore store = new MockStore();
        CachingIndexClient client = new CachingIndexClient(store, IndexCacheConfig.DEFAULT);
        List<IndexQuery> queries = List.of(IndexQuery.row("table", "foo"));
        assertThat(count(run(client, queries))).isZero();
        assertThat(count(run(client, queries))).isZero();
        assertThat(store.seen).hasSize(1);
    }

    @Test
    void queriesOnOneRowShareOneBackendReadAndEachGetsItsOwnEntries() {
        MockStore store = new MockStore().add("bar", "bar").add("baz", "baz");
        CachingIndexClient client = new CachingIndexClient(store, IndexCacheConfig.DEFAULT);
        IndexQuery barPrefix =
                IndexQuery.builder("table", "foo").rangeValuePrefix(b("bar")).build();
        IndexQuery bazPrefix =
                IndexQuery.builder("table", "foo").rangeValuePrefix(b("baz")).build();
        for (int round = 0; round < 2; round++) {
            Map<IndexQuery, List<String>> got = run(client, List.of(barPrefix, bazPrefix));
            assertThat(got.get(barPrefix)).containsExactly("bar=bar");
            assertThat(got.get(bazPrefix)).containsExactly("baz=baz");
            assertThat(store.seen).hasSize(1);
        }
        // The backend only ever saw the whole row.
        assertThat(store.seen.get(0).hasPrefix()).isFalse();
        assertThat(store.seen.get(0).hashValue()).isEqualTo("foo");
    }

    @Test
    void startAndValueEqualAreAnsweredFromTheRow() {
        MockStore store = new MockStore().add("a", "1").add("b", "2").add("c", "1");
        CachingIndexClient client = new CachingIndexClient(store, IndexCacheConfig.DEFAULT);
        IndexQuery fromB = IndexQuery.builder("t", "h").rangeValueStart(b("b")).build();
        IndexQuery ones = IndexQuery.builder("t", "h").valueEqual(b("1")).build();
        IndexQuery twin = IndexQuery.builder("t", "h").valueEqual(b("1")).build();
        Map<IndexQuery, List<String>> got = run(client, List.of(fromB, ones, twin));
        assertThat(got.get(fromB)).containsExactly("b=2", "c=1");
        assertThat(got.get(ones)).containsExactly("a=1", "c=1");
        assertThat(got.get(twin)).containsExactly("a=1", "c=1");
        assertThat(store.seen).hasSize(1);
    }

    @Test
    void cardinalityLimitRefusesTheRowAndDeliversNothingOfIt() {
        MockStore store = new MockStore();
        for (int i = 0; i < 10; i++) {
            store.add("r" + i, "v");
        }
        CachingIndexClient client =
                new CachingIndexClient(store, IndexCacheConfig.DEFAULT.withCardinalityLimit(5));
        List<IndexQuery> queries = List.of(IndexQuery.row("table", "foo"));
        List<String> seen = new ArrayList<>();
        PageConsumer consumer =
                (q, page) -> {
                    ReadBatch.ReadBatchIterator it = page.iterator();
                    while (it.next()) {
                        seen.add(s(it.rangeValue()));
                    }
                    return true;
                };
        assertThatThrownBy(() -> client.queryPages(queries, consumer))
                .isInstanceOf(CardinalityExceededException.class)
                .hasMessage("cardinality limit exceeded for {}; 10 entries, more than limit of 5");
        assertThat(seen).isEmpty();
        // The verdict is cached: the second call fails without reading the row again.
        assertThatThrownBy(() -> client.queryPages(queries, consumer))
                .isInstanceOf(CardinalityExceededException.class);
        assertThat(store.seen).hasSize(1);
        assertThat(seen).isEmpty();
    }

    @Test
    void aRowOverTheLimitDoesNotStopTheOtherRows() {
        MockStore big =
                new MockStore() {
                    @Override
                    public synchronized void queryPages(
                            List<IndexQuery> queries, PageConsumer consumer) {
                        for (IndexQuery q : queries) {
                            seen.add(q);
                            ReadBatch.Builder page = new ReadBatch.Builder();
                            int n = q.hashValue().equals("big") ? 6 : 2;
                            for (int i = 0; i < n; i++) {
                                page.add(b("r" + i), b("v"));
                            }
                            consumer.onPage(q, page.build());
                        }
                    }
                };
        CachingIndexClient client =
                new CachingIndexClient(big, IndexCacheConfig.DEFAULT.withCardinalityLimit(5));
        IndexQuery small = IndexQuery.row("t", "small");
        Map<IndexQuery, List<String>> got = new IdentityHashMap<>();
        got.put(small, new ArrayList<>());
        assertThatThrownBy(
                        () ->
                                client.queryPages(
                                        List.of(IndexQuery.row("t", "big"), small),
                                        (q, page) -> {
                                            ReadBatch.ReadBatchIterator it = page.iterator();
                                            while (it.next()) {
                                                got.get(q).add(s(it.rangeValue()));
                                            }
                                            return true;
                                        }))
                .isInstanceOf(CardinalityExceededException.class)
                .hasMessageContaining("6 entries");
        assertThat(got.get(small)).containsExactly("r0", "r1");
    }

    @Test
    void zeroTurnsTheCardinalityLimitOff() {
        MockStore store = new MockStore();
        for (int i = 0; i < 10; i++) {
            store.add("r" + i, "v");
        }
        CachingIndexClient client =
                new CachingIndexClient(store, IndexCacheConfig.DEFAULT.withCardinalityLimit(0));
        assertThat(count(run(client, List.of(IndexQuery.row("t", "h"))))).isEqualTo(10);
    }

    @Test
    void largeRowsArriveInPagesAndEarlyStopIsPerQuery() {
        MockStore store = new MockStore();
        int n = CachingIndexClient.PAGE_SIZE * 2 + 5;
        for (int i = 0; i < n; i++) {
            store.add(String.format("r%06d", i), "v");
        }
        CachingIndexClient client = new CachingIndexClient(store, IndexCacheConfig.DEFAULT);
        IndexQuery stopper = IndexQuery.row("t", "h");
        IndexQuery reader = IndexQuery.row("t", "h");
        Map<IndexQuery, Integer> pages = new IdentityHashMap<>();
        Map<IndexQuery, Integer> entries = new IdentityHashMap<>();
        client.queryPages(
                List.of(stopper, reader),
                (q, page) -> {
                    assertThat(page.size()).isLessThanOrEqualTo(CachingIndexClient.PAGE_SIZE);
                    pages.merge(q, 1, Integer::sum);
                    entries.merge(q, page.size(), Integer::sum);
                    return q != stopper;
                });
        assertThat(pages.get(stopper)).isEqualTo(1);
        assertThat(pages.get(reader)).isEqualTo(3);
        assertThat(entries.get(reader)).isEqualTo(n);
    }

    @Test
    void writesGoStraightToTheBackend() {
        MockStore store = new MockStore();
        CachingIndexClient client = new CachingIndexClient(store, IndexCacheConfig.DEFAULT);
        client.batchWrite(client.newWriteBatch().add("t", "h", b("r"), b("v")));
        assertThat(store.batchWrites).isEqualTo(1);
        assertThat(client.delegate()).isSameAs(store);
    }

    @Test
    void theCacheIsBoundedInBytes() {
        MockStore store = new MockStore();
        String big = "x".repeat(10_000);
        store.add("r", big);
        CachingIndexClient client =
                new CachingIndexClient(store, IndexCacheConfig.DEFAULT.withMaxBytes(100_000));
        for (int i = 0; i < 50; i++) {
            run(client, List.of(IndexQuery.row("t", "h" + i)));
        }
        client.invalidateAll();
        client.cleanUp();
        assertThat(client.cachedRows()).isZero();
        for (int i = 0; i < 50; i++) {
            run(client, List.of(IndexQuery.row("t", "h" + i)));
        }
        // ~10 KB rows in a 100 KB cache: far fewer than 50 can stay.
        client.cleanUp();
        assertThat(client.cachedRows()).isLessThan(20);
    }

    @Test
    void cardinalityErrorNamesTheLookup() {
        CardinalityExceededException e =
                new CardinalityExceededException(7, 5).forLookup("foo", "bar");
        assertThat(e)
                .hasMessage(
                        "cardinality limit exceeded for foo{bar}; 7 entries, more than limit of 5");
        assertThat(e.size()).isEqualTo(7);
        assertThat(e.limit()).isEqualTo(5);
        assertThat(e.metricName()).isEqualTo("foo");
        assertThat(e.labelName()).isEqualTo("bar");
        assertThat(e.isRetryable()).isFalse();
    }
}
