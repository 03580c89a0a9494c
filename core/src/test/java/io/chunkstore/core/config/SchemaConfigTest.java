package io.chunkstore.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.ConfigException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * Cortex's compositeStore (pkg/chunk/composite_store.go): which period owns a time, and how a range
 * splits across periods.
 */
class SchemaConfigTest {
    static final Duration WEEK = Duration.ofHours(168);
    static final PeriodConfig V9 = period("2019-01-01", SchemaVersion.V9);
    static final PeriodConfig V11 = period("2020-01-01", SchemaVersion.V11);
    static final PeriodConfig V12 = period("2021-01-01", SchemaVersion.V12);
    static final SchemaConfig CFG = SchemaConfig.of(V9, V11, V12);

    static PeriodConfig period(String from, SchemaVersion v) {
        return new PeriodConfig(
                LocalDate.parse(from),
                "local",
                "",
                v,
                PeriodicTableConfig.of("index_", WEEK),
                PeriodicTableConfig.of("chunks_", WEEK),
                0);
    }

    static long day(String d) {
        return LocalDate.parse(d).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    @Test
    void fromIsUtcMidnight() {
        assertThat(V11.fromMs()).isEqualTo(1577836800000L);
    }

    @Test
    void theOwningPeriodIsTheLastOneStartedAtOrBeforeTheTime() {
        assertThat(CFG.periodAt(day("2018-12-31"))).isEmpty();
        assertThat(CFG.periodFor(day("2019-01-01"))).isEqualTo(V9);
        assertThat(CFG.periodFor(day("2020-01-01") - 1)).isEqualTo(V9);
        assertThat(CFG.periodFor(day("2020-01-01"))).isEqualTo(V11);
        assertThat(CFG.periodFor(day("2030-01-01"))).isEqualTo(V12);
        assertThatThrownBy(() -> CFG.periodFor(0))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no schema period covers time 0");
    }

    @Test
    void chunkTableForATimeBeforeEveryPeriodIsAnError() {
        assertThatThrownBy(() -> CFG.chunkTableFor(day("2018-06-01")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("no chunk table found for time " + day("2018-06-01"));
    }

    @Test
    void v12OrLaterDecidesTheChunkKeyFormat() {
        assertThat(CFG.isV12OrLater(day("2018-01-01"))).isFalse();
        assertThat(CFG.isV12OrLater(day("2020-06-01"))).isFalse();
        assertThat(CFG.isV12OrLater(day("2021-01-01"))).isTrue();
    }

    @Test
    void aRangeWithinOnePeriodIsNotSplit() {
        assertThat(CFG.split(day("2019-05-01"), day("2019-05-02")))
                .containsExactly(new PeriodRange(V9, day("2019-05-01"), day("2019-05-02")));
    }

    @Test
    void aRangeAcrossPeriodsIsCutAtEachStart() {
        long from = day("2019-12-31");
        long through = day("2021-01-01") + 5;
        assertThat(CFG.split(from, through))
                .containsExactly(
                        new PeriodRange(V9, from, day("2020-01-01") - 1),
                        new PeriodRange(V11, day("2020-01-01"), day("2021-01-01") - 1),
                        new PeriodRange(V12, day("2021-01-01"), through));
    }

    @Test
    void aRangeStartingBeforeTheFirstPeriodIsClampedToItsStart() {
        assertThat(CFG.split(day("2018-01-01"), day("2019-01-03")))
                .containsExactly(new PeriodRange(V9, day("2019-01-01"), day("2019-01-03")));
        // Ending before the first period: nothing to do.
        assertThat(CFG.split(day("2018-01-01"), day("2018-02-01"))).isEmpty();
        // Ending exactly on a period start gives that period a one-millisecond range.
        assertThat(CFG.split(day("2019-06-01"), day("2020-01-01")))
                .containsExactly(
                        new PeriodRange(V9, day("2019-06-01"), day("2020-01-01") - 1),
                        new PeriodRange(V11, day("2020-01-01"), day("2020-01-01")));
        assertThat(CFG.split(5, 4)).isEmpty();
    }

    @Test
    void periodsMustBeStrictlyIncreasing() {
        assertThatThrownBy(() -> SchemaConfig.of(V11, V9))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "configs[1] (from 2019-01-01): from 2019-01-01 is not after the previous entry's from"
                                + " 2020-01-01 (from time in schemas must be distinct and in increasing order)");
        assertThatThrownBy(() -> SchemaConfig.of(V9, V9))
                .hasMessageContaining("distinct and in increasing order");
        assertThatThrownBy(() -> SchemaConfig.of())
                .hasMessageContaining("at least one period config");
    }
}
