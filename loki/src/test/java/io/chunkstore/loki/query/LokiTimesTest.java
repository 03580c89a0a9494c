package io.chunkstore.loki.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.InvalidQueryException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Loki's timestamp forms, the cli's relative times, durations and Go's RFC3339Nano. */
class LokiTimesTest {
    private static final long T0 = 1_700_000_000_000_000_000L;

    @Test
    void parsesLokisTimestampForms() {
        assertThat(LokiTimes.parse("start", "1700000000", 0)).isEqualTo(T0);
        assertThat(LokiTimes.parse("start", "1700000000000000000", 0)).isEqualTo(T0);
        assertThat(LokiTimes.parse("start", "1700000000.5", 0)).isEqualTo(T0 + 500_000_000L);
        assertThat(LokiTimes.parse("start", "2023-11-14T22:13:20Z", 0)).isEqualTo(T0);
        assertThat(LokiTimes.parse("start", "2023-11-14T22:13:20.000000007Z", 0)).isEqualTo(T0 + 7);
        assertThat(LokiTimes.parse("start", "2023-11-15T00:13:20+02:00", 0)).isEqualTo(T0);
        assertThat(LokiTimes.parse("start", null, 42)).isEqualTo(42);
        assertThat(LokiTimes.parse("start", "", 42)).isEqualTo(42);
        assertThatThrownBy(() -> LokiTimes.parse("end", "tomorrow", 0))
                .isInstanceOf(InvalidQueryException.class)
                .hasMessageContaining("for end");
    }

    @Test
    void durations() {
        assertThat(LokiTimes.duration("d", "10")).isEqualTo(Duration.ofSeconds(10));
        assertThat(LokiTimes.duration("d", "0.25")).isEqualTo(Duration.ofMillis(250));
        assertThat(LokiTimes.duration("d", "1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThatThrownBy(() -> LokiTimes.duration("since", "1 hour"))
                .hasMessageContaining("for since");
    }

    @Test
    void formatsLikeGosRfc3339Nano() {
        assertThat(LokiTimes.rfc3339Nano(T0)).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(LokiTimes.rfc3339Nano(T0 + 1_500_000)).isEqualTo("2023-11-14T22:13:20.0015Z");
        assertThat(LokiTimes.rfc3339Nano(T0 + 7_000_000_500L))
                .isEqualTo("2023-11-14T22:13:27.0000005Z");
        assertThat(LokiTimes.rfc3339Nano(-1)).isEqualTo("1969-12-31T23:59:59.999999999Z");
    }
}
