package io.chunkstore.core.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The store-level metrics users dashboard on (Cortex's pkg/chunk/series_store.go and
 * chunk_store.go), with Cortex's names, help texts and buckets under a namespace ({@code cortex},
 * {@code loki}, {@code chunkstore}). The chunk counters carry the {@code user} label as in Cortex.
 */
final class StoreMetrics {
    private final MeterRegistry registry;
    private final String ns;
    final DistributionSummary indexLookupsPerQuery;
    final DistributionSummary preIntersectionPerQuery;
    final DistributionSummary postIntersectionPerQuery;
    final DistributionSummary chunksPerQuery;
    final Counter dedupedChunks;

    StoreMetrics(MeterRegistry registry, String namespace) {
        this.registry = registry;
        this.ns = namespace == null || namespace.isEmpty() ? "" : namespace + "_";
        // Prometheus' DefBuckets.
        indexLookupsPerQuery =
                DistributionSummary.builder(ns + "chunk_store_index_lookups_per_query")
                        .description("Distribution of #index lookups per query.")
                        .serviceLevelObjectives(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10)
                        .register(registry);
        preIntersectionPerQuery =
                DistributionSummary.builder(ns + "chunk_store_series_pre_intersection_per_query")
                        .description("Distribution of #series (pre intersection) per query.")
                        .serviceLevelObjectives(exponential(10, 8, 6))
                        .register(registry);
        postIntersectionPerQuery =
                DistributionSummary.builder(ns + "chunk_store_series_post_intersection_per_query")
                        .description("Distribution of #series (post intersection) per query.")
                        .serviceLevelObjectives(exponential(10, 8, 6))
                        .register(registry);
        chunksPerQuery =
                DistributionSummary.builder(ns + "chunk_store_chunks_per_query")
                        .description("Distribution of #chunks per query.")
                        .serviceLevelObjectives(exponential(10, 8, 7))
                        .register(registry);
        dedupedChunks =
                Counter.builder(ns + "chunk_store_deduped_chunks_total")
                        .description(
                                "Count of chunks which were not stored because they have already been stored by"
                                        + " another replica.")
                        .register(registry);
    }

    void stored(String user, long chunks, long bytes) {
        Counter.builder(ns + "chunk_store_stored_chunks_total")
                .description("Total stored chunks per user.")
                .tag("user", user)
                .register(registry)
                .increment(chunks);
        Counter.builder(ns + "chunk_store_stored_chunk_bytes_total")
                .description("Total bytes stored in chunks per user.")
                .tag("user", user)
                .register(registry)
                .increment(bytes);
    }

    void fetched(String user, long chunks, long bytes) {
        Counter.builder(ns + "chunk_store_fetched_chunks_total")
                .description("Total fetched chunks per user.")
                .tag("user", user)
                .register(registry)
                .increment(chunks);
        Counter.builder(ns + "chunk_store_fetched_chunk_bytes_total")
                .description("Total bytes fetched in chunks per user.")
                .tag("user", user)
                .register(registry)
                .increment(bytes);
    }

    private static double[] exponential(double start, double factor, int count) {
        double[] b = new double[count];
        for (int i = 0; i < count; i++) {
            b[i] = start;
            start *= factor;
        }
        return b;
    }
}
