package io.chunkstore.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TableOptionsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "compaction = {'class': 'LeveledCompactionStrategy'}",
                "compaction = {'class':'TimeWindowCompactionStrategy','compaction_window_unit':'DAYS',"
                        + "'compaction_window_size':7} AND default_time_to_live = 2592000",
                "default_time_to_live = 86400",
                "gc_grace_seconds=0 and bloom_filter_fp_chance = 0.01",
                "comment = 'it''s the index' AND cdc = false",
                "caching = {'keys': 'ALL', 'rows_per_partition': 'NONE'}",
                "compression = {}",
                "speculative_retry = '99PERCENTILE' AND crc_check_chance = 1.0e0",
                "read_repair = 'NONE' AND memtable_flush_period_in_ms = -1"
            })
    void acceptsTableProperties(String options) {
        assertThat(TableOptions.validate(options)).isEqualTo(options.trim());
    }

    @Test
    void namesTheProperties() {
        assertThat(TableOptions.names("compaction = {'class': 'X'} AND Default_Time_To_Live = 1"))
                .containsExactly("compaction", "default_time_to_live");
    }

    @Test
    void blankMeansNone() {
        assertThat(TableOptions.validate(null)).isEmpty();
        assertThat(TableOptions.validate("   ")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "default_time_to_live = 1; DROP KEYSPACE cortex",
                "comment = 'a;b'",
                "gc_grace_seconds = 1 -- comment",
                "gc_grace_seconds = 1 /* x */",
                "gc_grace_seconds = 1 // x",
                "CLUSTERING ORDER BY (range DESC)",
                "COMPACT STORAGE",
                "default_time_to_live = 1 AND",
                "default_time_to_live",
                "default_time_to_live = ",
                "default_time_to_live = 1 gc_grace_seconds = 2",
                "comment = 'unterminated",
                "comment = \"double quoted\"",
                "compaction = {'class': {'nested': 1}}",
                "compaction = {class: 'X'}",
                "compaction = {'class' 'X'}",
                "compaction = {'class': 'X'",
                "default_time_to_live = 1x",
                "default_time_to_live = 1e",
                "ttl = now()",
                "'quoted' = 1",
                "default_time_to_live = 1) WITH x = 2"
            })
    void rejectsAnythingElseAndSaysWhatIsAllowed(String options) {
        assertThatThrownBy(() -> TableOptions.validate(options))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name = value");
    }

    @Test
    void errorPointsAtTheProblem() {
        assertThatThrownBy(
                        () ->
                                TableOptions.validate(
                                        "default_time_to_live = 1 gc_grace_seconds = 2"))
                .hasMessageContaining("expected AND or the end")
                .hasMessageContaining("gc_grace_seconds");
    }
}
