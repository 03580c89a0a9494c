package io.chunkstore.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.cache.CachingIndexClient;
import io.chunkstore.core.cache.IndexCacheConfig;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.testing.MemoryProvider;
import io.chunkstore.spi.ConfigException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Opening a config's backends through the provider SPI and building a store on them. */
class StoreBackendsTest {
    static final String CONFIG =
            """
            schema:
              configs:
              - from: 2019-01-01
                store: memory-a
                schema: v10
                index: {prefix: a_index_, period: 168h}
                chunks: {prefix: a_chunks_, period: 168h}
              - from: 2019-05-12
                store: memory-b
                object_store: objects
                schema: v11
                index: {prefix: b_index_, period: 168h}
            storage:
              index_cache_validity: 10m
              memory-a: {anything: 1}
            limits:
              cardinality_limit: 5000
              max_query_length: 721h
              max_chunks_per_query: 7
              ingestion_rate: 10
            """;

    @BeforeEach
    void reset() {
        MemoryProvider.OPENED.clear();
    }

    @Test
    void opensEachStoreOnceAndServesEveryPeriod() {
        ChunkstoreConfig config = ChunkstoreConfig.parse(CONFIG, "test.yaml");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long t = LocalDate.of(2019, 5, 11).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        Labels s = Labels.of("__name__", "foo", "a", "b");
        Chunk c =
                Chunk.fromSamples(
                        "u",
                        s,
                        List.of(new Sample(t + 1000, 1), new Sample(t + 2 * 86_400_000L, 2)));
        try (StoreBackends backends =
                        StoreBackends.open(
                                config, registry, StoreBackends.indexCacheConfig(config));
                CompositeStore store =
                        CompositeStore.builder(config.schemaConfig())
                                .clients(backends)
                                .config(StoreConfig.fromLimits(config.limits()))
                                .metrics(registry, config.metricsNamespace())
                                .build()) {
            assertThat(backends.openedStores())
                    .containsExactlyInAnyOrder("memory-a", "memory-b", "objects");
            assertThat(store.clientsFor(config.schemaConfig().periods().get(0)).index())
                    .isInstanceOf(CachingIndexClient.class);
            store.put(c);
            assertThat(
                            store.get(
                                    "u",
                                    t,
                                    t + 3 * 86_400_000L,
                                    Selectors.parseMatchers("foo{a=\"b\"}")))
                    .hasSize(1);
            // memory-a holds period 1's index and chunks, memory-b period 2's index, objects period
            // 2's chunks.
            MemoryProvider.Backend a = opened("memory-a");
            MemoryProvider.Backend b = opened("memory-b");
            MemoryProvider.Backend objects = opened("objects");
            assertThat(a.memory.chunkCount()).isEqualTo(1);
            assertThat(objects.memory.chunkCount()).isEqualTo(1);
            assertThat(b.memory.chunkCount()).isZero();
            assertThat(a.memory.totalCells()).isPositive();
            assertThat(b.memory.totalCells()).isPositive();
            assertThat(objects.memory.totalCells()).isZero();
            assertThat(MemoryProvider.OPENED.get(0).context().metricsNamespace())
                    .isEqualTo("cortex");
            assertThat(MemoryProvider.OPENED.get(0).context().block("memory-a"))
                    .containsEntry("anything", 1);
            assertThat(backends.tableClient("memory-a")).isSameAs(a.memory);
            assertThatThrownBy(() -> backends.tableClient("objects"))
                    .isInstanceOf(ConfigException.class);
            assertThatThrownBy(() -> backends.indexClient("objects"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("keeps no index");
        }
        assertThat(MemoryProvider.OPENED).allSatisfy(o -> assertThat(o.backend().closed).isTrue());
    }

    @Test
    void bindsTheStoreSettingsOfTheConfig() {
        ChunkstoreConfig config = ChunkstoreConfig.parse(CONFIG, "test.yaml");
        IndexCacheConfig cache = StoreBackends.indexCacheConfig(config);
        assertThat(cache.cardinalityLimit()).isEqualTo(5000);
        assertThat(cache.validity()).isEqualTo(Duration.ofMinutes(10));
        StoreConfig limits = StoreConfig.fromLimits(config.limits());
        assertThat(limits.maxQueryLength()).isEqualTo(Duration.ofHours(721));
        assertThat(limits.maxChunksPerQuery()).isEqualTo(7);
        assertThat(StoreConfig.fromLimits(java.util.Map.of())).isEqualTo(StoreConfig.DEFAULT);
        assertThatThrownBy(
                        () ->
                                StoreConfig.fromLimits(
                                        java.util.Map.of("max_chunks_per_query", "lots")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("max_chunks_per_query");
        assertThatThrownBy(
                        () ->
                                StoreConfig.fromLimits(
                                        java.util.Map.of("max_query_length", "forever")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("max_query_length");
    }

    @Test
    void anUnknownStoreNameIsAConfigError() {
        String yaml = CONFIG.replace("store: memory-b", "store: nosuchstore");
        ChunkstoreConfig config = ChunkstoreConfig.parse(yaml, "test.yaml");
        try (StoreBackends backends = StoreBackends.open(config, new SimpleMeterRegistry(), null)) {
            assertThatThrownBy(
                            () ->
                                    CompositeStore.builder(config.schemaConfig())
                                            .clients(backends)
                                            .build())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("no backend for store 'nosuchstore'")
                    .hasMessageContaining("memory-a");
        }
        assertThat(MemoryProvider.OPENED).allSatisfy(o -> assertThat(o.backend().closed).isTrue());
    }

    @Test
    void withoutAnIndexCacheTheBackendsClientIsUsedAsIs() {
        ChunkstoreConfig config = ChunkstoreConfig.parse(CONFIG, "test.yaml");
        try (StoreBackends backends = StoreBackends.open(config, new SimpleMeterRegistry(), null)) {
            assertThat(backends.indexClient("memory-a")).isSameAs(opened("memory-a").memory);
            assertThat(backends.indexClient("memory-a")).isSameAs(backends.indexClient("memory-a"));
        }
    }

    private static MemoryProvider.Backend opened(String name) {
        return MemoryProvider.OPENED.stream()
                .filter(o -> o.context().storeName().equals(name))
                .findFirst()
                .orElseThrow()
                .backend();
    }

    @Test
    void awsAsAnObjectStoreMeansS3() {
        ChunkstoreConfig config =
                ChunkstoreConfig.parse(
                        """
                schema:
                  configs:
                  - from: 2019-01-01
                    store: aws
                    schema: v11
                    index: {prefix: index_, period: 168h}
                    chunks: {prefix: chunks_, period: 168h}
                """,
                        "aws.yaml");
        java.util.List<String> opened = new java.util.ArrayList<>();
        io.chunkstore.core.testing.MemoryBackend dynamo =
                new io.chunkstore.core.testing.MemoryBackend("aws");
        io.chunkstore.core.testing.MemoryBackend s3 =
                new io.chunkstore.core.testing.MemoryBackend("s3");
        try (StoreBackends backends =
                new StoreBackends(
                        name -> {
                            opened.add(name);
                            return name.equals("aws") ? dynamo : s3;
                        },
                        null)) {
            PeriodClients clients = backends.clientsFor(config.schemaConfig().periods().get(0));
            assertThat(clients.index()).isSameAs(dynamo);
            assertThat(clients.chunks()).isSameAs(s3);
            assertThat(opened).containsExactlyInAnyOrder("aws", "s3");
        }
        assertThat(StoreBackends.chunkStoreName("aws")).isEqualTo("s3");
        assertThat(StoreBackends.chunkStoreName("aws-dynamo")).isEqualTo("aws-dynamo");
    }
}
