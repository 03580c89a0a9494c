package io.chunkstore.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.InvalidRequestException;
import org.junit.jupiter.api.Test;

/**
 * The routing rule of serve across stores (the table ownership it rests on: core's
 * PeriodTablesTest).
 */
class StoreRouterTest {
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
    void routesIndexByTableChunksByKeyTimeAndTablesByClaims() {
        StoreRouter r = new StoreRouter(schema(TWO_STORES));
        assertThat(r.stores()).containsExactly("mem-a", "mem-b");
        assertThat(r.indexStore("index_2600")).isEqualTo("mem-a");
        assertThat(r.indexStore("index_2620")).isEqualTo("mem-b");
        assertThat(r.indexStore("single")).isEqualTo("mem-b");
        assertThat(r.indexStore("nobody_owns_me"))
                .as("unknown names go to the newest store")
                .isEqualTo("mem-b");
        // Chunks: the object store of the period owning the key's from (hex ms in the key).
        String in2019 =
                "u/fd3477666dacf92a:"
                        + Long.toHexString(1557650721000L)
                        + ":"
                        + Long.toHexString(1557654321000L)
                        + ":38eb373c";
        String in2020 =
                "u/fd3477666dacf92a:"
                        + Long.toHexString(1590000000000L)
                        + ":"
                        + Long.toHexString(1590003600000L)
                        + ":38eb373c";
        String in2022 =
                "u/fd3477666dacf92a/"
                        + Long.toHexString(1650000000000L)
                        + ":"
                        + Long.toHexString(1650003600000L)
                        + ":38eb373c";
        assertThat(r.locate(in2019).store()).isEqualTo("mem-a");
        assertThat(r.locate(in2020).store()).isEqualTo("mem-b");
        assertThat(r.locate(in2022).store()).isEqualTo("mem-a");
        // Cortex's periodic table names: 2019-05-12 is week 2575.
        assertThat(r.chunkTableFor(in2019)).isEqualTo("chunks_2575");
        assertThatThrownBy(() -> r.locate("not a key"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("not a key");
        String early = "u/fd3477666dacf92a:0:1:38eb373c";
        assertThatThrownBy(() -> r.chunkTableFor(early))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("before the first schema period");
        assertThatThrownBy(() -> r.locate(early))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("before the first schema period");
        assertThat(r.locate(in2020)).isEqualTo(new StoreRouter.ChunkPlace("mem-b", "chunks_2628"));
        // Tables: every store with a claim.
        assertThat(r.tableStores("chunks_2700")).containsExactly("mem-a");
        assertThat(r.tableStores("index_2600")).containsExactly("mem-a");
        assertThat(r.tableStores("chunks_2620")).containsExactly("mem-b");
        assertThat(r.tableStores("other")).containsExactly("mem-b");
    }

    @Test
    void refusesIndexTablesSharedByTwoStores() {
        // 2020-01-06 is a Monday: week 2609 would hold entries of both stores under one name.
        String shared = TWO_STORES.replace("2020-01-02", "2020-01-06");
        assertThatThrownBy(() -> new StoreRouter(schema(shared)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("index_2557..index_2609")
                .hasMessageContaining("index_2609..index_2661")
                .hasMessageContaining("table boundary");
        // The same shared week on one store is fine.
        String oneStore =
                shared.replace(
                        "store: mem-b\n      object_store: mem-b",
                        "store: mem-a\n      object_store: mem-a");
        assertThat(oneStore).isNotEqualTo(shared);
        assertThat(new StoreRouter(schema(oneStore)).stores()).containsExactly("mem-a", "mem-b");
    }
}
