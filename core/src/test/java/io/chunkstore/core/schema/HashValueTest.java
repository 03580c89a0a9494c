package io.chunkstore.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HashValueTest {
    @Test
    void shardedDailyAndHourlyHashValues() {
        var h = HashValue.parse("03:user:d18028:job:rate5m:instance", true).orElseThrow();
        assertThat(h.shard()).isEqualTo("03");
        assertThat(h.user()).isEqualTo("user");
        assertThat(h.bucketStartMs()).isEqualTo(18028L * 86_400_000L);
        assertThat(h.rest()).isEqualTo("job:rate5m:instance");
        var hourly = HashValue.parse("user:432680:foo", false).orElseThrow();
        assertThat(hourly.daily()).isFalse();
        assertThat(hourly.bucketStartMs()).isEqualTo(432680L * 3_600_000L);
        assertThat(HashValue.parse("no-bucket", false)).isEmpty();
    }

    @Test
    void aShardIsTwoOrMoreDigitsAndOnlyWhereAsked() {
        var unsharded = HashValue.parse("user:d18028:job", false).orElseThrow();
        assertThat(unsharded.shard()).isNull();
        assertThat(unsharded.daily()).isTrue();
        assertThat(HashValue.parse("3:user:d18028:job", true)).isEmpty();
        assertThat(HashValue.parse("user:d18028:job", true)).isEmpty();
        assertThat(HashValue.parse("user:d99999999999999999999:job", false)).isEmpty();
    }
}
