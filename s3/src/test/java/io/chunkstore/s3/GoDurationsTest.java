package io.chunkstore.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's time.ParseDuration forms, with the values Go gives; negative durations are rejected (no setting takes one). */
class GoDurationsTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "90s, 90000000000",
        "1m30s, 90000000000",
        "1.5s, 1500000000",
        ".5s, 500000000",
        "1.s, 1000000000",
        "500ms, 500000000",
        "100us, 100000",
        "100µs, 100000",
        "7ns, 7",
        "2h45m, 9900000000000",
        "+3s, 3000000000",
        "1h1m1s1ms1us1ns, 3661001001001",
    })
    void parsesLikeGo(String text, long nanos) {
        assertThat(GoDurations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "10", "s", "1d", "-1s", "1.5", "1 s", "1s2", "abc", "3x"})
    void rejectsMalformedAndNegativeDurations(String text) {
        assertThatThrownBy(() -> GoDurations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(text.isEmpty() ? "duration" : text);
    }
}
