package io.chunkstore.bigtable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's {@code time.ParseDuration} results, as Go prints them. */
class GoDurationTest {

    @ParameterizedTest
    @CsvSource({
        "30m, 1800000000000",
        "1h30m, 5400000000000",
        "1.5h, 5400000000000",
        "300ms, 300000000",
        "2us, 2000",
        "2µs, 2000",
        "7ns, 7",
        "0, 0",
        "0s, 0",
        "-1m, -60000000000",
        "+5s, 5000000000",
        ".5s, 500000000",
        "1.000000001s, 1000000001",
        "1.0000000019s, 1000000001",
        "1h1m1s1ms, 3661001000000",
    })
    void parsesLikeGo(String text, long nanos) {
        assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "30", "m", "1d", "1h 30m", "1.h.5", "h1", "3000000h"})
    void refusesWhatGoRefuses(String text) {
        assertThatThrownBy(() -> GoDuration.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
