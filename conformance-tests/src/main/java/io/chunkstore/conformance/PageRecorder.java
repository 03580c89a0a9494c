package io.chunkstore.conformance;

import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.PageConsumer;
import io.chunkstore.spi.ReadBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link PageConsumer} that records every page per query object and checks the consumer contract
 * as it goes: pages only for query objects that were passed (by identity), never two pages of one
 * query at once, nothing after it returned {@code false}, and {@link ReadBatch#iterator()}
 * restartable with {@link ReadBatch#size()} matching. Thread-safe.
 */
public final class PageRecorder implements PageConsumer {

    /**
     * Decides whether to go on after a page: {@code pageNumber} counts this query's pages from 1.
     */
    @FunctionalInterface
    public interface StopRule {
        boolean proceed(IndexQuery query, int pageNumber, List<Entry> page);
    }

    /** One index entry as read: range value and value (empty, never null). */
    public static final class Entry {
        private final byte[] rangeValue;
        private final byte[] value;

        public Entry(byte[] rangeValue, byte[] value) {
            this.rangeValue = Bytes.orEmpty(rangeValue).clone();
            this.value = Bytes.orEmpty(value).clone();
        }

        public byte[] rangeValue() {
            return rangeValue.clone();
        }

        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e
                    && Arrays.equals(rangeValue, e.rangeValue)
                    && Arrays.equals(value, e.value);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(rangeValue) + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "(" + TestData.show(rangeValue) + " -> " + TestData.show(value) + ")";
        }
    }

    private static final class QueryLog {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger arrivals = new AtomicInteger();
        final List<List<Entry>> pages = Collections.synchronizedList(new ArrayList<>());
        volatile boolean stopped;
    }

    private final Map<IndexQuery, QueryLog> logs =
            Collections.synchronizedMap(new IdentityHashMap<>());
    private final Set<IndexQuery> passed;
    private final StopRule stopRule;
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private volatile long pauseNanos;

    /** Records pages for the given query objects, reading every page. */
    public PageRecorder(List<IndexQuery> queries) {
        this(queries, (q, n, p) -> true);
    }

    public PageRecorder(List<IndexQuery> queries, StopRule stopRule) {
        this.passed = Collections.newSetFromMap(new IdentityHashMap<>());
        this.passed.addAll(queries);
        this.stopRule = stopRule;
    }

    /**
     * Reads the queries in one call and returns the recorder, after checking the consumer contract
     * held.
     */
    public static PageRecorder read(IndexClient client, List<IndexQuery> queries) {
        PageRecorder r = new PageRecorder(queries);
        client.queryPages(queries, r);
        r.assertContractKept();
        return r;
    }

    /** All entries of one query, in delivery order. */
    public static List<Entry> entries(IndexClient client, IndexQuery query) {
        return read(client, List.of(query)).entries(query);
    }

    /**
     * Makes the delivery of every page after a query's first take at least this long, widening the
     * windows in which two pages of one query delivered at once would be seen (single-page queries
     * stay fast).
     */
    public PageRecorder pauseAfterFirstPage(long nanos) {
        this.pauseNanos = nanos;
        return this;
    }

    @Override
    public boolean onPage(IndexQuery query, ReadBatch page) {
        threads.add(Thread.currentThread());
        if (!passed.contains(query)) {
            violations.add(
                    "a page was delivered for a query object that was not passed (equal queries must keep"
                            + " their identity): "
                            + query);
        }
        QueryLog log = logs.computeIfAbsent(query, q -> new QueryLog());
        int arrival = log.arrivals.incrementAndGet();
        if (log.inFlight.incrementAndGet() != 1) {
            violations.add("two pages of " + query + " were delivered at the same time");
        }
        try {
            if (log.stopped) {
                violations.add(
                        "a page of " + query + " was delivered after the consumer returned false");
            }
            List<Entry> entries = copy(page);
            if (!entries.equals(copy(page))) {
                violations.add(
                        "ReadBatch.iterator() of "
                                + query
                                + " does not restart at the first entry");
            }
            if (page.size() != entries.size()) {
                violations.add(
                        "ReadBatch.size() is "
                                + page.size()
                                + " but the page holds "
                                + entries.size()
                                + " entries, for "
                                + query);
            }
            if (pauseNanos > 0 && arrival > 1) {
                long until = System.nanoTime() + pauseNanos;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }
            log.pages.add(entries);
            boolean proceed = stopRule.proceed(query, log.pages.size(), entries);
            if (!proceed) {
                log.stopped = true;
            }
            return proceed;
        } finally {
            log.inFlight.decrementAndGet();
        }
    }

    private static List<Entry> copy(ReadBatch page) {
        List<Entry> out = new ArrayList<>(page.size());
        for (ReadBatch.ReadBatchIterator it = page.iterator(); it.next(); ) {
            out.add(new Entry(it.rangeValue(), it.value()));
        }
        return out;
    }

    /** Fails with every contract breach seen. */
    public void assertContractKept() {
        synchronized (violations) {
            if (!violations.isEmpty()) {
                throw new AssertionError(
                        "the page consumer contract was broken "
                                + violations.size()
                                + " time(s): "
                                + violations.subList(0, Math.min(10, violations.size())));
            }
        }
    }

    /** This query's pages in delivery order (empty pages included). */
    public List<List<Entry>> pages(IndexQuery query) {
        QueryLog log = logs.get(query);
        if (log == null) {
            return List.of();
        }
        synchronized (log.pages) {
            return List.copyOf(log.pages);
        }
    }

    /** This query's entries, all pages concatenated. */
    public List<Entry> entries(IndexQuery query) {
        List<Entry> out = new ArrayList<>();
        pages(query).forEach(out::addAll);
        return out;
    }

    /** The query objects that received at least one page. */
    public Set<IndexQuery> queriesSeen() {
        synchronized (logs) {
            Set<IndexQuery> s = Collections.newSetFromMap(new IdentityHashMap<>());
            s.addAll(logs.keySet());
            return s;
        }
    }

    /** How many distinct threads delivered pages. */
    public int threadCount() {
        return threads.size();
    }
}
