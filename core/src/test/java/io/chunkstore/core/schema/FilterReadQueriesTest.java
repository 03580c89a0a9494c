package io.chunkstore.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.spi.IndexQuery;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cortex's FilterReadQueries (pkg/chunk/schema.go) keeps one row shard's queries for v10+ and
 * leaves older schemas alone.
 */
class FilterReadQueriesTest {
    static final long FROM = GoldenWorkedExampleTest.FROM;
    static final long THROUGH = GoldenWorkedExampleTest.THROUGH;

    @Test
    void rowShardedSchemasKeepTheQueriesOfOneShard() {
        IndexSchema v10 = IndexSchemas.forPeriod(GoldenWorkedExampleTest.period(SchemaVersion.V10));
        List<IndexQuery> all =
                new ArrayList<>(v10.readQueriesForMetric(FROM, THROUGH, "userID", "foo"));
        all.addAll(v10.readQueriesForMetricLabel(FROM, THROUGH, "userID", "foo", "bar"));
        all.addAll(v10.chunksForSeries(FROM, THROUGH, "userID", GoldenWorkedExampleTest.SERIES));
        assertThat(all).hasSize(33);

        List<IndexQuery> kept = v10.filterReadQueries(all, new QueryShard(3, 16));
        assertThat(kept)
                .extracting(IndexQuery::hashValue)
                .containsExactly("03:userID:d18028:foo", "03:userID:d18028:foo:bar");
        assertThat(v10.filterReadQueries(all, new QueryShard(15, 16)))
                .extracting(IndexQuery::hashValue)
                .containsExactly("15:userID:d18028:foo", "15:userID:d18028:foo:bar");
        assertThat(v10.filterReadQueries(all, new QueryShard(16, 32))).isEmpty();
        assertThat(v10.filterReadQueries(all, null)).isSameAs(all);
    }

    @Test
    void unshardedSchemasKeepEverything() {
        for (SchemaVersion v : List.of(SchemaVersion.V1, SchemaVersion.V6, SchemaVersion.V9)) {
            IndexSchema s = IndexSchemas.forPeriod(GoldenWorkedExampleTest.period(v));
            List<IndexQuery> q = s.readQueriesForMetric(FROM, THROUGH, "userID", "foo");
            assertThat(s.filterReadQueries(q, new QueryShard(3, 16))).containsExactlyElementsOf(q);
        }
    }

    @Test
    void rowShardsFollowTheConfig() {
        var p = GoldenWorkedExampleTest.period(SchemaVersion.V11);
        var four =
                new io.chunkstore.core.config.PeriodConfig(
                        p.from(), p.store(), p.objectStore(), p.schema(), p.index(), p.chunks(), 4);
        IndexSchema s = IndexSchemas.forPeriod(four);
        assertThat(s.readQueriesForMetric(FROM, THROUGH, "userID", "foo"))
                .extracting(IndexQuery::hashValue)
                .containsExactly(
                        "00:userID:d18028:foo",
                        "01:userID:d18028:foo",
                        "02:userID:d18028:foo",
                        "03:userID:d18028:foo");
        // RVx3... is 0x52567833, which is 3 mod 4 as well.
        assertThat(
                        s.writeEntries(
                                        FROM,
                                        THROUGH,
                                        "userID",
                                        GoldenWorkedExampleTest.LABELS,
                                        GoldenWorkedExampleTest.CHUNK_ID)
                                .get(0)
                                .hashValue())
                .isEqualTo("03:userID:d18028:foo");
    }
}
