package io.chunkstore.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.config.PeriodicTableConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cortex's pkg/chunk/schema_config.go: hourly and daily buckets, their relative times, hash keys
 * and tables, and the boundary cases.
 */
class BucketsTest {
    static final PeriodicTableConfig SINGLE = PeriodicTableConfig.of("index", Duration.ZERO);
    static final PeriodicTableConfig WEEKLY =
            PeriodicTableConfig.of("index_", Duration.ofHours(168));

    @Test
    void oneHourWindowEndingOnABoundaryGivesAnExtraEmptyBucket() {
        // Cortex's "1 hour window": [0s, 3600s] -> 0:0 {0, 3600000} and 0:1 {0, 0}.
        List<Bucket> b = Buckets.hourly(SINGLE, 0, 3_600_000, "0");
        assertThat(b)
                .containsExactly(
                        new Bucket(0, 0, 3_600_000, "index", "0:0", 3_600_000),
                        new Bucket(1, 0, 0, "index", "0:1", 3_600_000));
    }

    @Test
    void workedExampleHasTwoHourlyAndOneDailyBucket() {
        long from = 1557650721000L;
        long through = 1557654321000L;
        List<Bucket> hourly = Buckets.hourly(SINGLE, from, through, "userID");
        assertThat(hourly)
                .extracting(Bucket::hashKey)
                .containsExactly("userID:432680", "userID:432681");
        assertThat(hourly.get(0).relFrom()).isEqualTo(from - 432680L * 3_600_000);
        assertThat(hourly.get(0).relThrough()).isEqualTo(3_600_000);
        assertThat(hourly.get(1).relFrom()).isZero();
        assertThat(hourly.get(1).relThrough()).isEqualTo(through - 432681L * 3_600_000);

        List<Bucket> daily = Buckets.daily(WEEKLY, from, through, "userID");
        assertThat(daily)
                .containsExactly(
                        new Bucket(
                                18028,
                                31_521_000,
                                35_121_000,
                                "index_2575",
                                "userID:d18028",
                                86_400_000));
        assertThat(daily.get(0).hexFrom()).isEqualTo("01e0f8e8");
        assertThat(daily.get(0).hexThrough()).isEqualTo("0217e768");
        assertThat(daily.get(0).startMs()).isEqualTo(18028L * 86_400_000);
    }

    @Test
    void aRangeRunningPastADayEndsThatBucketAtExactlyTheBucketSize() {
        long day = 86_400_000L;
        List<Bucket> b = Buckets.daily(WEEKLY, 10 * day + 5, 12 * day + 7, "u");
        assertThat(b).extracting(Bucket::hashKey).containsExactly("u:d10", "u:d11", "u:d12");
        assertThat(b).extracting(Bucket::relFrom).containsExactly(5L, 0L, 0L);
        assertThat(b).extracting(Bucket::relThrough).containsExactly(day, day, 7L);
    }

    @Test
    void tablesComeFromTheBucketStart() {
        // 1970-01-08 00:00 starts week 1; a range across that boundary touches two tables.
        long week = 7 * 86_400_000L;
        List<Bucket> b = Buckets.daily(WEEKLY, week - 1000, week + 1000, "u");
        assertThat(b).extracting(Bucket::tableName).containsExactly("index_0", "index_1");
    }

    @Test
    void secondsAreTruncatedBeforeBucketing() {
        // 3599.999s is still hour 0.
        assertThat(Buckets.hourly(SINGLE, 0, 3_599_999, "u")).hasSize(1);
        assertThat(Buckets.hourly(SINGLE, 3_599_999, 3_600_000, "u"))
                .extracting(Bucket::hashKey)
                .containsExactly("u:0", "u:1");
    }
}
