package io.chunkstore.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.memory.InMemoryBackend;
import io.chunkstore.spi.support.ComposedBackend;
import io.chunkstore.spi.support.ForwardingChunkClient;
import io.chunkstore.spi.support.ForwardingIndexClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The series-store contract can fail: each backend defect below breaks the test aimed at it. */
class SeriesStoreContractHarnessTest {
    static final String SCHEMA_TEST = "schemaReadQueriesFindWhatTheStoreWroteV9ToV12";
    static final String STORE_TEST = "storeQueriesAcrossSchemasMatchTheOracle";
    static final Capabilities FULL = new InMemoryBackend().capabilities();

    static StorageBackend withIndex(Function<IndexClient, IndexClient> wrap) {
        InMemoryBackend m = new InMemoryBackend();
        return ComposedBackend.builder("broken", FULL)
                .index(wrap.apply(m))
                .chunks(m)
                .tables(m)
                .build();
    }

    static class Reference implements SeriesStoreContract {
        @Override
        public StorageBackend openBackend() {
            return new InMemoryBackend();
        }
    }

    /** Ignores the value-equal condition (the label-value lookups then read past their value). */
    static class IgnoresValueEqual implements SeriesStoreContract {
        @Override
        public StorageBackend openBackend() {
            return withIndex(
                    c ->
                            new ForwardingIndexClient(c) {
                                @Override
                                public CompletionStage<Void> queryPagesAsync(
                                        List<IndexQuery> queries, AsyncPageConsumer consumer) {
                                    return rewritten(
                                            delegate(),
                                            queries,
                                            q -> q.toBuilder().valueEqual(null).build(),
                                            consumer);
                                }
                            });
        }
    }

    /**
     * Treats a range start as a prefix (chunks of a series then lose the entries after the start).
     */
    static class StartAsPrefix implements SeriesStoreContract {
        @Override
        public StorageBackend openBackend() {
            return withIndex(
                    c ->
                            new ForwardingIndexClient(c) {
                                @Override
                                public CompletionStage<Void> queryPagesAsync(
                                        List<IndexQuery> queries, AsyncPageConsumer consumer) {
                                    return rewritten(
                                            delegate(),
                                            queries,
                                            q ->
                                                    q.hasStart()
                                                            ? q.toBuilder()
                                                                    .rangeValueStart(null)
                                                                    .rangeValuePrefix(
                                                                            q.rangeValueStart())
                                                                    .build()
                                                            : q,
                                            consumer);
                                }
                            });
        }
    }

    /** Loses the last entry of every row. */
    static class LosesLastEntry implements SeriesStoreContract {
        @Override
        public StorageBackend openBackend() {
            return withIndex(
                    c ->
                            new ForwardingIndexClient(c) {
                                @Override
                                public CompletionStage<Void> queryPagesAsync(
                                        List<IndexQuery> queries, AsyncPageConsumer consumer) {
                                    return delegate()
                                            .queryPagesAsync(
                                                    queries,
                                                    (q, page) -> {
                                                        List<byte[][]> rows =
                                                                SuiteHarnessTest.rows(page);
                                                        return consumer.onPage(
                                                                q,
                                                                SuiteHarnessTest.build(
                                                                        rows.subList(
                                                                                0,
                                                                                rows.size() - 1)));
                                                    });
                                }
                            });
        }
    }

    /** Returns chunk bytes one byte short. */
    static class TruncatesChunks implements SeriesStoreContract {
        @Override
        public StorageBackend openBackend() {
            InMemoryBackend m = new InMemoryBackend();
            ChunkClient truncating =
                    new ForwardingChunkClient(m) {
                        @Override
                        public List<EncodedChunk> getChunks(List<ChunkLocation> chunks) {
                            return m.getChunks(chunks).stream()
                                    .map(
                                            c ->
                                                    new EncodedChunk(
                                                            c.key(),
                                                            c.tableName(),
                                                            Arrays.copyOf(
                                                                    c.encoded(),
                                                                    c.encoded().length - 1)))
                                    .toList();
                        }
                    };
            return ComposedBackend.builder("broken", FULL)
                    .index(m)
                    .chunks(truncating)
                    .tables(m)
                    .build();
        }
    }

    private static Events run(Class<?> suite, String method) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectMethod(suite, method, TestScope.class.getName()))
                .execute()
                .testEvents();
    }

    private static void assertOutcome(Class<?> suite, String method, boolean passes) {
        Events events = run(suite, method);
        assertThat(events.started().count())
                .as("%s.%s ran", suite.getSimpleName(), method)
                .isEqualTo(1);
        assertThat(events.succeeded().count())
                .as("%s.%s passed", suite.getSimpleName(), method)
                .isEqualTo(passes ? 1 : 0);
    }

    @Test
    void theReferenceBackendPasses() {
        assertOutcome(Reference.class, SCHEMA_TEST, true);
        assertOutcome(Reference.class, STORE_TEST, true);
    }

    @Test
    void eachDefectFailsTheTestAimedAtIt() {
        assertOutcome(IgnoresValueEqual.class, SCHEMA_TEST, false);
        assertOutcome(StartAsPrefix.class, SCHEMA_TEST, false);
        assertOutcome(StartAsPrefix.class, STORE_TEST, false);
        assertOutcome(LosesLastEntry.class, SCHEMA_TEST, false);
        assertOutcome(LosesLastEntry.class, STORE_TEST, false);
        assertOutcome(TruncatesChunks.class, STORE_TEST, false);
    }

    @Test
    void theStoreToleratesWhatItFiltersAnyway() {
        // The store re-checks label values of the entries it reads, so a backend ignoring
        // value-equal still answers
        // store queries right; only the schema test (which reads rows as a querier's index client
        // does) catches it.
        assertOutcome(IgnoresValueEqual.class, STORE_TEST, true);
    }

    /** Runs each query rewritten by {@code wrong} and delivers its pages as the caller's query. */
    static CompletionStage<Void> rewritten(
            IndexClient delegate,
            List<IndexQuery> queries,
            java.util.function.UnaryOperator<IndexQuery> wrong,
            AsyncPageConsumer consumer) {
        Map<IndexQuery, IndexQuery> original = new IdentityHashMap<>();
        List<IndexQuery> rewritten = new ArrayList<>();
        for (IndexQuery q : queries) {
            IndexQuery w = wrong.apply(q);
            IndexQuery distinct = w == q ? q.toBuilder().build() : w;
            original.put(distinct, q);
            rewritten.add(distinct);
        }
        return delegate.queryPagesAsync(
                rewritten, (x, page) -> consumer.onPage(original.get(x), page));
    }
}
