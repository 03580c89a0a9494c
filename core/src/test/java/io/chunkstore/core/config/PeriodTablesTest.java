package io.chunkstore.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which periods own a table name. */
class PeriodTablesTest {
    /**
     * 2020-01-02 (a Thursday, a 168h table boundary: week 2609) switches from store mem-a to mem-b;
     * the last period (2021-01-07, week 2662) has its own prefix and no periodic index.
     */
    static final String TWO_STORES =
            """
            schema_config:
              configs:
                - from: 2019-01-03
                  store: mem-a
                  object_store: mem-a
                  schema: v11
                  index: {prefix: index_, period: 168h}
                  chunks: {prefix: chunks_, period: 168h}
                - from: 2020-01-02
                  store: mem-b
                  object_store: mem-b
                  schema: v11
                  index: {prefix: index_, period: 168h}
                  chunks: {prefix: chunks_, period: 168h}
                - from: 2021-01-07
                  store: mem-b
                  object_store: mem-a
                  schema: v12
                  index: {prefix: single}
                  chunks: {prefix: chunks_, period: 168h}
            """;

    static SchemaConfig schema(String yaml) {
        return ChunkstoreConfig.parse(yaml, "test.yaml").schemaConfig();
    }

    @Test
    void tablesAreOwnedByThePeriodsTheyOverlap() {
        PeriodTables t = new PeriodTables(schema(TWO_STORES));
        assertThat(t.indexPeriods("index_2557"))
                .extracting(p -> p.store())
                .containsExactly("mem-a");
        assertThat(t.indexPeriods("index_2608"))
                .extracting(p -> p.store())
                .containsExactly("mem-a");
        assertThat(t.indexPeriods("index_2609"))
                .extracting(p -> p.store())
                .containsExactly("mem-b");
        assertThat(t.indexPeriods("index_2661"))
                .extracting(p -> p.store())
                .containsExactly("mem-b");
        assertThat(t.indexPeriods("index_2662")).isEmpty(); // the last period's index is "single"
        assertThat(t.indexPeriods("index_2556")).isEmpty(); // before the first period
        assertThat(t.indexPeriods("single"))
                .extracting(p -> p.schema().number())
                .containsExactly(12);
        assertThat(t.indexPeriods("index_02600")).isEmpty(); // not how Go writes numbers
        assertThat(t.indexPeriods("index_x")).isEmpty();
        assertThat(t.chunkPeriods("chunks_2700"))
                .extracting(p -> p.objectStore())
                .containsExactly("mem-a");
        assertThat(t.chunkPeriods("chunks_2650"))
                .extracting(p -> p.objectStore())
                .containsExactly("mem-b");
    }
}
