package io.chunkstore.core.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReadLimitsTest {

    @Test
    void aBudgetWithATimeOutStopsTheReadOnceTheTimeIsUp() throws Exception {
        ReadLimits.Budget budget = ReadLimits.NONE.budget(Duration.ofMillis(20));
        budget.addSamples(1_000);
        Thread.sleep(50);
        assertThatThrownBy(() -> budget.addSamples(1))
                .isInstanceOfSatisfying(
                        ReadLimitException.class,
                        e -> assertThat(e.limit()).isEqualTo(ReadLimitException.Limit.TIME))
                .hasMessageContaining("query time-out (20ms")
                .hasMessageContaining("--query-timeout");
        assertThatThrownBy(() -> budget.addChunkBytes(1)).isInstanceOf(ReadLimitException.class);
        assertThatThrownBy(() -> budget.requireSeries(1)).isInstanceOf(ReadLimitException.class);
    }

    @Test
    void aBudgetWithoutATimeOutNeverStopsForTime() throws Exception {
        ReadLimits.Budget budget = ReadLimits.NONE.budget();
        Thread.sleep(5);
        budget.addSamples(Long.MAX_VALUE / 2);
        assertThat(budget.samples()).isEqualTo(Long.MAX_VALUE / 2);
    }

    @Test
    void aCountLimitIsNamedBeforeTheTimeOut() {
        ReadLimits.Budget budget = new ReadLimits(2, 0, 0).budget(Duration.ofHours(1));
        budget.addSeries(2);
        assertThatThrownBy(() -> budget.addSeries(1))
                .isInstanceOfSatisfying(
                        ReadLimitException.class,
                        e -> assertThat(e.limit()).isEqualTo(ReadLimitException.Limit.SERIES));
    }
}
