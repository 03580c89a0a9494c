package io.chunkstore.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValue() {
        assertThat(Stats.median(5, 1, 3)).isEqualTo(3);
        assertThat(Stats.median(7)).isEqualTo(7);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
        assertThat(Stats.median(4, 1, 3, 10)).isEqualTo(3.5);
        assertThat(Stats.median(2, 1)).isEqualTo(1.5);
        assertThat(Stats.median(Double.MAX_VALUE, Double.MAX_VALUE)).isEqualTo(Double.MAX_VALUE);
        assertThat(Stats.median(Double.MAX_VALUE, Double.MAX_VALUE / 2))
                .isEqualTo(Double.MAX_VALUE * 0.75);
    }

    @Test
    void medianLeavesItsInputAlone() {
        double[] v = {3, 1, 2};
        Stats.median(v);
        assertThat(v).containsExactly(3, 1, 2);
    }

    @Test
    void medianRejectsNothingAndNaN() {
        assertThatThrownBy(Stats::median)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no values");
        assertThatThrownBy(() -> Stats.median(1, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
    }

    @Property
    void medianHasAsManyValuesBelowAsAbove(@ForAll @Size(min = 1, max = 50) double[] values) {
        double m = Stats.median(values);
        long below = java.util.Arrays.stream(values).filter(v -> v < m).count();
        long above = java.util.Arrays.stream(values).filter(v -> v > m).count();
        assertThat(below).isLessThanOrEqualTo(values.length / 2);
        assertThat(above).isLessThanOrEqualTo(values.length / 2);
    }

    @Test
    void ratioIsOursOverTheBaselineAndNaNWithoutABaseline() {
        assertThat(Stats.ratio(90, 100)).isEqualTo(0.9);
        assertThat(Stats.ratio(5, 0)).isNaN();
    }

    @Test
    void pairedRatiosAreRoundByRound() {
        assertThat(Stats.pairedRatios(new double[] {10, 30}, new double[] {20, 30}))
                .containsExactly(0.5, 1.0);
        assertThatThrownBy(() -> Stats.pairedRatios(new double[] {1}, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 rounds of ours against 2");
    }

    @Property
    void scalingBothSidesKeepsTheRatio(
            @ForAll @DoubleRange(min = 1, max = 1e9) double ours,
            @ForAll @DoubleRange(min = 1, max = 1e9) double base,
            @ForAll @DoubleRange(min = 0.01, max = 1000) double k) {
        assertThat(Stats.ratio(ours * k, base * k))
                .isCloseTo(Stats.ratio(ours, base), within(1e-9 * (ours / base)));
    }

    @Test
    void perSecondConvertsNanoseconds() {
        assertThat(Stats.perSecond(1_000, 500_000_000L)).isEqualTo(2_000);
        assertThatThrownBy(() -> Stats.perSecond(1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mibIsBinary() {
        assertThat(Stats.mib(3 * 1024 * 1024)).isEqualTo(3.0);
    }
}
