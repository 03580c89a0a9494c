package io.chunkstore.cli.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CliTimeTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2019-05-12T10:00:00Z"), ZoneOffset.UTC);
    static final long T = 1557650721000L; // 2019-05-12T08:45:21Z

    @Test
    void readsEveryForm() {
        assertThat(CliTime.parseMillis("2019-05-12T08:45:21Z", CLOCK)).isEqualTo(T);
        assertThat(CliTime.parseMillis("2019-05-12T10:45:21.250+02:00", CLOCK)).isEqualTo(T + 250);
        assertThat(CliTime.parseMillis("2019-05-12", CLOCK)).isEqualTo(1557619200000L);
        assertThat(CliTime.parseMillis("1557650721", CLOCK)).isEqualTo(T);
        assertThat(CliTime.parseMillis("1557650721000", CLOCK)).isEqualTo(T);
        assertThat(CliTime.parseMillis("1557650721000000", CLOCK)).isEqualTo(T);
        assertThat(CliTime.parseMillis("1557650721000000000", CLOCK)).isEqualTo(T);
        assertThat(CliTime.parseMillis("1557650721.5", CLOCK)).isEqualTo(T + 500);
        assertThat(CliTime.parseMillis("0", CLOCK)).isZero();
        assertThat(CliTime.parseMillis("now", CLOCK)).isEqualTo(CLOCK.millis());
        assertThat(CliTime.parseMillis("now-1h", CLOCK)).isEqualTo(CLOCK.millis() - 3_600_000);
        assertThat(CliTime.parseMillis("now+1h30m", CLOCK)).isEqualTo(CLOCK.millis() + 5_400_000);
        assertThat(CliTime.parseNanos("1557650721.000000001", CLOCK)).isEqualTo(T * 1_000_000 + 1);
    }

    @Test
    void rejectsWithTheFormsNamed() {
        for (String bad :
                new String[] {"", "yesterday", "2019-13-01", "now-", "now-1x", "12:00", "now*2"}) {
            assertThatThrownBy(() -> CliTime.parseMillis(bad, CLOCK))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot read time");
        }
        assertThatThrownBy(() -> CliTime.parseMillis("now-1x", CLOCK)).hasMessageContaining("1x");
    }

    @Test
    void formatsAndReadsDurations() {
        assertThat(CliTime.format(T)).isEqualTo("2019-05-12T08:45:21.000Z");
        assertThat(CliTime.parseMillis(CliTime.format(T + 7), CLOCK)).isEqualTo(T + 7);
        assertThat(CliTime.parseDuration("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(CliTime.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
    }
}
