package io.chunkstore.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {

    @Test
    void parsesGoDurations() {
        assertThat(GoDuration.parse("100ms")).isEqualTo(Duration.ofMillis(100));
        assertThat(GoDuration.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(GoDuration.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("2h45m10s500ms"))
                .isEqualTo(Duration.ofMillis(((2 * 60 + 45) * 60 + 10) * 1000L + 500));
        assertThat(GoDuration.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(GoDuration.parse("250µs")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(GoDuration.parse("7ns")).isEqualTo(Duration.ofNanos(7));
        assertThat(GoDuration.parse(".5s")).isEqualTo(Duration.ofMillis(500));
        assertThat(GoDuration.parse(" 10s ")).isEqualTo(Duration.ofSeconds(10));
        assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(GoDuration.parse("-3s")).isEqualTo(Duration.ofSeconds(-3));
        assertThat(GoDuration.parse("+3s")).isEqualTo(Duration.ofSeconds(3));
    }

    /**
     * Prometheus' units beside Go's, as Cortex's period and retention keys take them (issue 15: one
     * rule).
     */
    @Test
    void parsesPrometheusDaysWeeksAndYears() {
        assertThat(GoDuration.parse("1d")).isEqualTo(Duration.ofHours(24));
        assertThat(GoDuration.parse("1w")).isEqualTo(Duration.ofDays(7));
        assertThat(GoDuration.parse("1y")).isEqualTo(Duration.ofDays(365));
        assertThat(GoDuration.parse("1w2d3h")).isEqualTo(Duration.ofHours(9 * 24 + 3));
        assertThat(GoDuration.parse("4w")).isEqualTo(GoDuration.parse("672h"));
    }

    @Test
    void rejectsWhatGoRejects() {
        for (String bad : new String[] {"", "100", "ms", "10 s", "1s2", "1x", "abc", "--1s", "-"}) {
            assertThatThrownBy(() -> GoDuration.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid duration")
                    .hasMessageContaining("like 2s");
        }
        assertThatThrownBy(() -> GoDuration.parse(null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GoDuration.parse("3000000h")).hasMessageContaining("too long");
    }

    @Test
    void formatsLikeGoDurationString() {
        assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(GoDuration.format(Duration.ofNanos(7))).isEqualTo("7ns");
        assertThat(GoDuration.format(Duration.ofNanos(1_500))).isEqualTo("1.5µs");
        assertThat(GoDuration.format(Duration.ofMillis(100))).isEqualTo("100ms");
        assertThat(GoDuration.format(Duration.ofNanos(1_500_000))).isEqualTo("1.5ms");
        assertThat(GoDuration.format(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(GoDuration.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(GoDuration.format(Duration.ofHours(1))).isEqualTo("1h0m0s");
        assertThat(GoDuration.format(Duration.ofMillis(3_601_500))).isEqualTo("1h0m1.5s");
        assertThat(GoDuration.format(Duration.ofSeconds(-90))).isEqualTo("-1m30s");
    }

    @Test
    void formatParsesBack() {
        for (long nanos :
                new long[] {
                    1, 999, 1_234, 5_000_000, 1_000_000_000, 61_500_000_000L, 7_384_000_000_123L
                }) {
            Duration d = Duration.ofNanos(nanos);
            assertThat(GoDuration.parse(GoDuration.format(d))).isEqualTo(d);
        }
    }
}
