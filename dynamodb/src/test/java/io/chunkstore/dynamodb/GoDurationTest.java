package io.chunkstore.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {

    @Test
    void parsesGoDurations() {
        assertThat(GoDuration.parse("100ms")).isEqualTo(Duration.ofMillis(100));
        assertThat(GoDuration.parse("50s")).isEqualTo(Duration.ofSeconds(50));
        assertThat(GoDuration.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("2h45m10s500ms")).isEqualTo(Duration.ofMillis(((2 * 60 + 45) * 60 + 10) * 1000L + 500));
        assertThat(GoDuration.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(GoDuration.parse("250µs")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(GoDuration.parse("7ns")).isEqualTo(Duration.ofNanos(7));
        assertThat(GoDuration.parse(".5s")).isEqualTo(Duration.ofMillis(500));
        assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(GoDuration.parse("-3s")).isEqualTo(Duration.ofSeconds(-3));
    }

    @Test
    void rejectsWhatGoRejects() {
        for (String bad : new String[] {"", "100", "ms", "10 s", "1d", "1s2", "abc", "--1s"}) {
            assertThatThrownBy(() -> GoDuration.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid duration");
        }
    }

    @Test
    void formatsLikeGo() {
        assertThat(GoDuration.format(Duration.ofMillis(100))).isEqualTo("100ms");
        assertThat(GoDuration.format(Duration.ofSeconds(50))).isEqualTo("50s");
        assertThat(GoDuration.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(GoDuration.format(Duration.ofHours(2))).isEqualTo("2h0m0s");
        assertThat(GoDuration.format(Duration.ofSeconds(3601))).isEqualTo("1h0m1s");
    }
}
