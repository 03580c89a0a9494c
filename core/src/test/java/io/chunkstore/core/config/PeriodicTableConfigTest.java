package io.chunkstore.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * Cortex's pkg/chunk/schema_config.go: periodic table names, and Cortex's TestChunkTableFor
 * vectors.
 */
class PeriodicTableConfigTest {
    static long ms(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void weeklyTablesCountWeeksSinceTheEpoch() {
        PeriodicTableConfig t = PeriodicTableConfig.of("index_", Duration.ofHours(168));
        assertThat(t.tableFor(1557650721000L)).isEqualTo("index_2575");
        assertThat(PeriodicTableConfig.of("index_", Durations.parse("1w")).tableFor(1557650721000L))
                .isEqualTo("index_2575");
        assertThat(t.tableFor(0)).isEqualTo("index_0");
        assertThat(t.tablesFor(ms("2019-05-01T00:00:00Z"), ms("2019-05-20T00:00:00Z")))
                .containsExactly("index_2573", "index_2574", "index_2575", "index_2576");
        assertThat(t.tableStartMs(2575)).isEqualTo(2575L * 7 * 86_400_000);
    }

    @Test
    void zeroPeriodMeansOneTableNamedPrefix() {
        PeriodicTableConfig t = PeriodicTableConfig.of("index", Duration.ZERO);
        assertThat(t.isPeriodic()).isFalse();
        assertThat(t.tableFor(1557650721000L)).isEqualTo("index");
        assertThat(t.tablesFor(0, 1557650721000L)).containsExactly("index");
    }

    @Test
    void chunkTableForVectors() {
        Duration week = Duration.ofHours(168);
        SchemaConfig cfg =
                SchemaConfig.of(
                        period("1970-01-01", "index_1_", "chunks_1_", week),
                        period("2019-01-02", "index_2_", "chunks_2_", week),
                        period("2019-03-06", "index_3_", "chunks_3_", week));
        assertThat(cfg.chunkTableFor(ms("1970-01-01T00:00:00Z"))).isEqualTo("chunks_1_0");
        assertThat(cfg.chunkTableFor(ms("2019-01-01T00:00:00Z"))).isEqualTo("chunks_1_2556");
        assertThat(cfg.chunkTableFor(ms("2019-01-02T00:00:00Z"))).isEqualTo("chunks_2_2556");
        assertThat(cfg.chunkTableFor(ms("2019-03-06T00:00:00Z"))).isEqualTo("chunks_3_2565");
        assertThat(cfg.chunkTableFor(ms("2020-03-06T00:00:00Z"))).isEqualTo("chunks_3_2618");
    }

    static PeriodConfig period(String from, String index, String chunks, Duration period) {
        return new PeriodConfig(
                LocalDate.parse(from),
                "cassandra",
                "",
                SchemaVersion.V11,
                PeriodicTableConfig.of(index, period),
                PeriodicTableConfig.of(chunks, period),
                0);
    }
}
