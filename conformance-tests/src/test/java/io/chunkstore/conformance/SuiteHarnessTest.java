package io.chunkstore.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ChunkWriteException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.PageConsumer;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.memory.InMemoryBackend;
import io.chunkstore.spi.support.ComposedBackend;
import io.chunkstore.spi.support.ForwardingChunkClient;
import io.chunkstore.spi.support.ForwardingIndexClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * The suite judges: run against deliberately broken backends, the test aimed at each defect fails;
 * run against a backend lacking features, the tests needing them are skipped with the feature named
 * and none passes silently.
 */
class SuiteHarnessTest {

    private static final Capabilities FULL = new InMemoryBackend().capabilities();

    /** The in-memory backend with its index client replaced. */
    static StorageBackend withIndex(Function<IndexClient, IndexClient> wrap) {
        InMemoryBackend m = new InMemoryBackend();
        return ComposedBackend.builder("broken", FULL)
                .index(wrap.apply(m))
                .chunks(m)
                .tables(m)
                .build();
    }

    static StorageBackend withChunks(Function<ChunkClient, ChunkClient> wrap) {
        InMemoryBackend m = new InMemoryBackend();
        return ComposedBackend.builder("broken", FULL)
                .index(m)
                .chunks(wrap.apply(m))
                .tables(m)
                .build();
    }

    /** The reference backend, unchanged. */
    static class Reference implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            return new InMemoryBackend();
        }
    }

    static final AtomicInteger OPENED = new AtomicInteger();
    static final AtomicInteger CLOSED = new AtomicInteger();

    /** Counts how often the hook opens a backend and how often the suite closes one. */
    static class Counting implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            OPENED.incrementAndGet();
            InMemoryBackend m = new InMemoryBackend();
            return ComposedBackend.builder("counting", FULL)
                    .index(m)
                    .chunks(m)
                    .tables(m)
                    .alsoClose(CLOSED::incrementAndGet)
                    .build();
        }
    }

    /** Cortex's prefix bound: {@code range < prefix ‖ 0xFF}. */
    static class CortexPrefixBound implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            return withIndex(
                    c ->
                            new ForwardingIndexClient(c) {
                                @Override
                                public void queryPages(
                                        List<IndexQuery> queries, PageConsumer consumer) {
                                    delegate()
                                            .queryPages(
                                                    queries,
                                                    (q, page) ->
                                                            consumer.onPage(
                                                                    q,
                                                                    filter(
                                                                            page,
                                                                            r ->
                                                                                    !q.hasPrefix()
                                                                                            || Bytes
                                                                                                            .compare(
                                                                                                                    r,
                                                                                                                    Bytes
                                                                                                                            .concat(
                                                                                                                                    q
                                                                                                                                            .rangeValuePrefix(),
                                                                                                                                    new byte
                                                                                                                                            [] {
                                                                                                                                        (byte)
                                                                                                                                                0xFF
                                                                                                                                    }))
                                                                                                    < 0)));
                                }
                            });
        }
    }

    /** Sorts each page in signed byte order. */
    static class SignedOrder implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            return withIndex(
                    c ->
                            new ForwardingIndexClient(c) {
                                @Override
                                public void queryPages(
                                        List<IndexQuery> queries, PageConsumer consumer) {
                                    delegate()
                                            .queryPages(
                                                    queries,
                                                    (q, page) -> {
                                                        List<byte[][]> rows = rows(page);
                                                        rows.sort(
                                                                (a, b) ->
                                                                        Arrays.compare(a[0], b[0]));
                                                        return consumer.onPage(q, build(rows));
                                                    });
                                }
                            });
        }
    }

    /** Collects the whole row and delivers it as one page. */
    static class WholeRowInOnePage implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            return withIndex(
                    c ->
                            new ForwardingIndexClient(c) {
                                @Override
                                public void queryPages(
                                        List<IndexQuery> queries, PageConsumer consumer) {
                                    for (IndexQuery q : queries) {
                                        List<byte[][]> all = new ArrayList<>();
                                        delegate()
                                                .queryPages(
                                                        List.of(q),
                                                        (qq, page) -> all.addAll(rows(page)));
                                        consumer.onPage(q, build(all));
                                    }
                                }
                            });
        }
    }

    /** Ignores the consumer's false. */
    static class IgnoresEarlyStop implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            return withIndex(
                    c ->
                            new ForwardingIndexClient(c) {
                                @Override
                                public void queryPages(
                                        List<IndexQuery> queries, PageConsumer consumer) {
                                    delegate()
                                            .queryPages(
                                                    queries,
                                                    (q, page) -> {
                                                        consumer.onPage(q, page);
                                                        return true;
                                                    });
                                }
                            });
        }
    }

    /** Passes a copy of the query to the consumer instead of the caller's object. */
    static class CopiesQueries implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            return withIndex(
                    c ->
                            new ForwardingIndexClient(c) {
                                @Override
                                public void queryPages(
                                        List<IndexQuery> queries, PageConsumer consumer) {
                                    delegate()
                                            .queryPages(
                                                    queries,
                                                    (q, page) ->
                                                            consumer.onPage(
                                                                    q.toBuilder().build(), page));
                                }
                            });
        }
    }

    /** Delivers the pages of one query from several threads at once. */
    static class ConcurrentPagesOfOneQuery implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            StorageBackend b =
                    withIndex(
                            c ->
                                    new ForwardingIndexClient(c) {
                                        @Override
                                        public void queryPages(
                                                List<IndexQuery> queries, PageConsumer consumer) {
                                            for (IndexQuery q : queries) {
                                                List<ReadBatch> pages = new ArrayList<>();
                                                delegate()
                                                        .queryPages(
                                                                List.of(q),
                                                                (qq, page) -> pages.add(page));
                                                List<Future<?>> fs = new ArrayList<>();
                                                for (ReadBatch p : pages) {
                                                    fs.add(
                                                            pool.submit(
                                                                    () -> consumer.onPage(q, p)));
                                                }
                                                for (Future<?> f : fs) {
                                                    try {
                                                        f.get();
                                                    } catch (Exception e) {
                                                        throw new StorageException(
                                                                "delivery failed", e);
                                                    }
                                                }
                                            }
                                        }
                                    });
            return ComposedBackend.builder("broken", FULL)
                    .index(b.indexClient())
                    .tables(b.tableClient())
                    .chunks(b.chunkClient())
                    .alsoClose(pool::shutdownNow)
                    .build();
        }
    }

    /** Applies deletes before puts. */
    static class DeletesFirst implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            return withIndex(
                    c ->
                            new ForwardingIndexClient(c) {
                                @Override
                                public void batchWrite(WriteBatch batch) {
                                    WriteBatch deletes = new WriteBatch();
                                    batch.deletes()
                                            .forEach(
                                                    e ->
                                                            deletes.delete(
                                                                    e.tableName(),
                                                                    e.hashValue(),
                                                                    e.rangeValue()));
                                    delegate().batchWrite(deletes);
                                    WriteBatch puts = new WriteBatch();
                                    batch.puts().forEach(puts::add);
                                    delegate().batchWrite(puts);
                                }
                            });
        }
    }

    /** Returns nothing for a missing table (Cortex's BoltDB). */
    static class SilentMissingTable implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            return withIndex(
                    c ->
                            new ForwardingIndexClient(c) {
                                @Override
                                public void queryPages(
                                        List<IndexQuery> queries, PageConsumer consumer) {
                                    try {
                                        delegate().queryPages(queries, consumer);
                                    } catch (TableNotFoundException e) {
                                        // swallowed
                                    }
                                }
                            });
        }
    }

    /** Reports a missing chunk without the partial result. */
    static class NoPartialResult implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            return withChunks(
                    c ->
                            new ForwardingChunkClient(c) {
                                @Override
                                public List<EncodedChunk> getChunks(List<ChunkLocation> chunks) {
                                    try {
                                        return c.getChunks(chunks);
                                    } catch (ChunkFetchException e) {
                                        throw new ChunkFetchException(List.of(), e.failures());
                                    }
                                }
                            });
        }
    }

    /** Serves the first bytes ever written under a key (a stale cache in front of the store). */
    static class StaleChunkCache implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            java.util.Map<String, EncodedChunk> cache =
                    new java.util.concurrent.ConcurrentHashMap<>();
            return withChunks(
                    c ->
                            new ForwardingChunkClient(c) {
                                @Override
                                public void putChunks(List<EncodedChunk> chunks) {
                                    chunks.forEach(x -> cache.putIfAbsent(x.key(), x));
                                    c.putChunks(chunks);
                                }

                                @Override
                                public List<EncodedChunk> getChunks(List<ChunkLocation> chunks) {
                                    List<EncodedChunk> fresh = c.getChunks(chunks);
                                    return fresh.stream()
                                            .map(x -> cache.getOrDefault(x.key(), x))
                                            .toList();
                                }
                            });
        }
    }

    /**
     * Keeps chunks per table, as Cassandra or Bigtable do: a chunk for a table that does not exist
     * is refused and the others are stored. {@code report} says what the put then does about it.
     */
    static StorageBackend perTableChunks(
            java.util.function.BiConsumer<
                            List<EncodedChunk>, java.util.Map<String, StorageException>>
                    report) {
        InMemoryBackend m = new InMemoryBackend();
        ChunkClient perTable =
                new ForwardingChunkClient(m) {
                    @Override
                    public void putChunks(List<EncodedChunk> chunks) {
                        java.util.Map<String, StorageException> refused =
                                new java.util.LinkedHashMap<>();
                        List<EncodedChunk> taken = new ArrayList<>();
                        for (EncodedChunk c : chunks) {
                            if (m.listTables().contains(c.tableName())) {
                                taken.add(c);
                            } else {
                                refused.put(c.key(), new TableNotFoundException(c.tableName()));
                            }
                        }
                        m.putChunks(taken);
                        report.accept(chunks, refused);
                    }
                };
        return ComposedBackend.builder("per-table", FULL)
                .index(m)
                .chunks(perTable)
                .tables(m)
                .build();
    }

    /** Names a partial write with the one partial-write error. */
    static class ReportsPartialWrites implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            return perTableChunks(
                    (chunks, refused) -> ChunkWriteException.check("test", chunks, refused));
        }
    }

    /** Stores part of a put and says nothing. */
    static class SilentPartialWrite implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            return perTableChunks((chunks, refused) -> {});
        }
    }

    /** Stores part of a put and throws an error that does not say so. */
    static class UntypedPartialWrite implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            return perTableChunks(
                    (chunks, refused) -> {
                        if (!refused.isEmpty()) {
                            throw refused.values().iterator().next();
                        }
                    });
        }
    }

    /** Has only chunks, and chunks of at most 1 MiB. */
    static class ChunksOnly implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            InMemoryBackend m = new InMemoryBackend();
            return ComposedBackend.builder(
                            "chunks-only",
                            Capabilities.of(Feature.CHUNKS).withMaxChunkSize(1 << 20))
                    .chunks(m)
                    .build();
        }
    }

    static List<byte[][]> rows(ReadBatch page) {
        List<byte[][]> out = new ArrayList<>();
        for (ReadBatch.ReadBatchIterator it = page.iterator(); it.next(); ) {
            out.add(new byte[][] {it.rangeValue(), it.value()});
        }
        return out;
    }

    static ReadBatch build(List<byte[][]> rows) {
        ReadBatch.Builder b = new ReadBatch.Builder();
        rows.forEach(r -> b.add(r[0], r[1]));
        return b.build();
    }

    static ReadBatch filter(ReadBatch page, Predicate<byte[]> keep) {
        return build(rows(page).stream().filter(r -> keep.test(r[0])).collect(Collectors.toList()));
    }

    private static Events run(Class<?> suite, String method) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(
                        selectMethod(
                                suite,
                                method,
                                TestScope.class.getName()
                                        + (method.startsWith("thousand")
                                                        || method.startsWith("largeRow")
                                                ? "," + TestReporter.class.getName()
                                                : "")))
                .execute()
                .testEvents();
    }

    private static void assertFails(Class<?> suite, String method) {
        Events events = run(suite, method);
        assertThat(events.started().count())
                .as("%s.%s ran", suite.getSimpleName(), method)
                .isEqualTo(1);
        assertThat(events.failed().count())
                .as("%s.%s failed", suite.getSimpleName(), method)
                .isEqualTo(1);
    }

    @Test
    void theReferenceBackendPassesTheTestsAimedAtEachDefect() {
        for (String m :
                List.of(
                        "prefixKeepsValuesWhoseNextByteIsFF",
                        "rangeValuesComeBackInAscendingUnsignedOrder",
                        "earlyStopEndsOnlyThatQuery",
                        "putsAreAppliedBeforeDeletesInOneBatch",
                        "queryOnAMissingTableFailsWithTableNotFound",
                        "missingChunksGiveTypedNotFoundWithThePartialResult",
                        "alteredChunkIsRejectedWithChecksumReason")) {
            Events events = run(Reference.class, m);
            assertThat(events.succeeded().count()).as(m).isEqualTo(1);
        }
    }

    @Test
    void theBackendIsOpenedOncePerClassAndClosedAfterIt() {
        OPENED.set(0);
        CLOSED.set(0);
        Events events =
                EngineTestKit.engine("junit-jupiter")
                        .selectors(
                                selectMethod(
                                        Counting.class,
                                        "indexBasicThirtyHashes",
                                        TestScope.class.getName()),
                                selectMethod(
                                        Counting.class,
                                        "rewritingACellOverwritesItsValue",
                                        TestScope.class.getName()),
                                selectMethod(
                                        Counting.class,
                                        "rewritingAChunkIsHarmless",
                                        TestScope.class.getName()),
                                selectMethod(
                                        Counting.class,
                                        "describeReportsAnActiveTableByName",
                                        TestScope.class.getName()))
                        .execute()
                        .testEvents();
        assertThat(events.succeeded().count()).isEqualTo(4);
        assertThat(OPENED.get()).as("backends opened for 4 tests").isEqualTo(1);
        assertThat(CLOSED.get()).as("backends closed after the class").isEqualTo(1);
    }

    @Test
    void aHookThatCannotOpenFailsEveryTestWithItsCause() {
        Events events =
                EngineTestKit.engine("junit-jupiter")
                        .selectors(
                                selectMethod(
                                        Unreachable.class,
                                        "indexBasicThirtyHashes",
                                        TestScope.class.getName()),
                                selectMethod(
                                        Unreachable.class,
                                        "rewritingAChunkIsHarmless",
                                        TestScope.class.getName()))
                        .execute()
                        .testEvents();
        assertThat(events.failed().count()).isEqualTo(2);
        events.failed().stream()
                .forEach(
                        e ->
                                assertThat(
                                                e.getPayload(TestExecutionResult.class)
                                                        .orElseThrow()
                                                        .getThrowable()
                                                        .orElseThrow())
                                        .hasRootCauseMessage("connection refused: 127.0.0.1:1"));
        assertThat(UNREACHABLE_OPENS.get())
                .as("a failed open is not retried per test")
                .isEqualTo(1);
    }

    static final AtomicInteger UNREACHABLE_OPENS = new AtomicInteger();

    /** A hook whose server is down. */
    static class Unreachable implements ConformanceSuite {
        @Override
        public StorageBackend openBackend() {
            UNREACHABLE_OPENS.incrementAndGet();
            throw new io.chunkstore.spi.UnavailableException("connection refused: 127.0.0.1:1");
        }
    }

    @Test
    void cortexPrefixBoundIsCaught() {
        assertFails(CortexPrefixBound.class, "prefixKeepsValuesWhoseNextByteIsFF");
    }

    @Test
    void signedOrderIsCaught() {
        assertFails(SignedOrder.class, "rangeValuesComeBackInAscendingUnsignedOrder");
        assertFails(SignedOrder.class, "binaryRangeValuesWithZeroAndFFBytesRoundTrip");
    }

    @Test
    void unboundedPagesAreCaught() {
        assertFails(WholeRowInOnePage.class, "largeRowStreamsPageByPage");
    }

    @Test
    void ignoredEarlyStopIsCaught() {
        assertFails(IgnoresEarlyStop.class, "earlyStopEndsOnlyThatQuery");
    }

    @Test
    void lostQueryIdentityIsCaught() {
        assertFails(
                CopiesQueries.class,
                "thousandQueriesInOneCallAreAttributedAndNeverConcurrentPerQuery");
    }

    @Test
    void concurrentPagesOfOneQueryAreCaught() {
        assertFails(
                ConcurrentPagesOfOneQuery.class,
                "thousandQueriesInOneCallAreAttributedAndNeverConcurrentPerQuery");
    }

    @Test
    void deletesBeforePutsAreCaught() {
        assertFails(DeletesFirst.class, "putsAreAppliedBeforeDeletesInOneBatch");
    }

    @Test
    void silentMissingTablesAreCaught() {
        assertFails(SilentMissingTable.class, "queryOnAMissingTableFailsWithTableNotFound");
        assertFails(SilentMissingTable.class, "oneFailingQueryDoesNotStopTheOthers");
    }

    @Test
    void lostPartialResultsAreCaught() {
        assertFails(NoPartialResult.class, "missingChunksGiveTypedNotFoundWithThePartialResult");
    }

    @Test
    void staleChunkBytesAreCaught() {
        assertFails(StaleChunkCache.class, "alteredChunkIsRejectedWithChecksumReason");
        assertFails(StaleChunkCache.class, "alteredStoredBytesAreReturnedAsStored");
    }

    @Test
    void aPartialChunkWriteMustBeNamed() {
        assertThat(
                        run(
                                        ReportsPartialWrites.class,
                                        "aPartialChunkWriteNamesWhatWasAndWasNotWritten")
                                .succeeded()
                                .count())
                .isEqualTo(1);
        assertFails(SilentPartialWrite.class, "aPartialChunkWriteNamesWhatWasAndWasNotWritten");
        assertFails(UntypedPartialWrite.class, "aPartialChunkWriteNamesWhatWasAndWasNotWritten");
    }

    @Test
    void missingFeaturesAreSkippedWithTheFeatureNamedNeverPassed() {
        Events events =
                EngineTestKit.engine("junit-jupiter")
                        .selectors(selectClass(ChunksOnly.class))
                        .execute()
                        .testEvents();
        assertThat(events.failed().count()).as("failures").isZero();
        List<String> passed =
                events.succeeded().stream().map(SuiteHarnessTest::method).sorted().toList();
        assertThat(passed)
                .containsExactly(
                        "alteredChunkIsRejectedWithChecksumReason",
                        "alteredStoredBytesAreReturnedAsStored",
                        "chunksPutInFiveBatchesReadBackInRandomSets",
                        "chunksRoundTripUnderEveryKeyShape",
                        "missingChunksGiveTypedNotFoundWithThePartialResult",
                        "rewritingAChunkIsHarmless",
                        "tenThousandSmallChunksRoundTrip");
        AtomicInteger aborted = new AtomicInteger();
        events.aborted().stream()
                .forEach(
                        e -> {
                            aborted.incrementAndGet();
                            String why =
                                    e.getPayload(TestExecutionResult.class)
                                            .orElseThrow()
                                            .getThrowable()
                                            .orElseThrow()
                                            .getMessage();
                            String m = method(e);
                            if (m.equals("fiveMebibyteChunkRoundTrips")) {
                                assertThat(why).contains("maxChunkSize 1048576");
                            } else if (m.equals("aPartialChunkWriteNamesWhatWasAndWasNotWritten")) {
                                assertThat(why).contains("no partial write can be provoked");
                            } else if (m.equals("deletedChunksAreNotFound")) {
                                assertThat(why).contains("CHUNK_DELETE").contains("chunks-only");
                            } else {
                                assertThat(why).as(m).containsAnyOf("INDEX", "TABLES");
                            }
                        });
        assertThat(events.skipped().count()).as("@Disabled").isZero();
        assertThat(aborted.get() + passed.size())
                .as("every test that started either passed or was skipped")
                .isEqualTo(events.started().count());
    }

    private static String method(Event e) {
        return e.getTestDescriptor()
                .getSource()
                .map(s -> ((MethodSource) s).getMethodName())
                .orElse("?");
    }
}
