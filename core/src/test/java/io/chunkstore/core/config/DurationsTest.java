package io.chunkstore.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Prometheus duration strings, as table periods are written. */
class DurationsTest {
    @Test
    void parsesThePrometheusForms() {
        assertThat(Durations.parse("168h")).isEqualTo(Duration.ofHours(168));
        assertThat(Durations.parse("1w")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(Durations.parse("0s")).isEqualTo(Duration.ZERO);
        assertThat(Durations.parse("1y")).isEqualTo(Duration.ofDays(365));
        assertThat(Durations.parse("5ms")).isEqualTo(Duration.ofMillis(5));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1w2d3h4m5s6ms"))
                .isEqualTo(
                        Duration.ofDays(9)
                                .plusHours(3)
                                .plusMinutes(4)
                                .plusSeconds(5)
                                .plusMillis(6));
        assertThat(Durations.parse("24h0m0s")).isEqualTo(Duration.ofDays(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5h", "h", "-1h", "1h1w", "10", "1 h", "1H", "1hh", "5x"})
    void rejectsWhatPrometheusRejects(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid duration string: \"" + text + "\"");
    }

    @Test
    void rejectsEmptyAndOverflow() {
        assertThatThrownBy(() -> Durations.parse("")).hasMessage("empty duration string");
        assertThatThrownBy(() -> Durations.parse("99999999999999999999y"))
                .hasMessageContaining("out of range");
    }

    @Test
    void formatsWithHoursAsTheLargestUnitAndParsesBack() {
        assertThat(Durations.format(Duration.ofHours(168))).isEqualTo("168h");
        assertThat(Durations.format(Duration.ofHours(25))).isEqualTo("25h");
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0");
        for (String s : new String[] {"168h", "25h", "1h30m", "1s500ms", "0"}) {
            assertThat(Durations.format(Durations.parse(s))).isEqualTo(s);
        }
    }
}
