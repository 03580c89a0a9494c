package io.chunkstore.core.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.chunk.MergedSamples;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.chunk.SampleIterator;
import io.chunkstore.core.chunk.XorChunk;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class XorChunkCutterTest {
    /** Samples as a SampleIterator, written here without the store's code. */
    static SampleIterator of(List<Sample> samples) {
        return MergedSamples.ofIterators(
                List.of(
                        XorChunk.iterator(
                                XorChunk.encode(samples), 0, XorChunk.encode(samples).length, "k")),
                Long.MIN_VALUE,
                Long.MAX_VALUE);
    }

    @Test
    void cutsAtTheSampleCountAndKeepsEveryBit() {
        List<Sample> in = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            double v = i == 130 ? Double.longBitsToDouble(Sample.STALE_NAN_BITS) : i * 1.5;
            in.add(new Sample(1000L * i, v));
        }
        List<long[]> ranges = new ArrayList<>();
        List<Sample> out = new ArrayList<>();
        long n =
                new XorChunkCutter(120)
                        .cut(
                                of(in),
                                (min, max, count, data) -> {
                                    ranges.add(new long[] {min, max, count});
                                    out.addAll(XorChunk.decode(data, 0, data.length, "c"));
                                });
        assertThat(n).isEqualTo(250);
        assertThat(ranges).hasSize(3);
        assertThat(ranges.get(0)).containsExactly(0, 119_000, 120);
        assertThat(ranges.get(1)).containsExactly(120_000, 239_000, 120);
        assertThat(ranges.get(2)).containsExactly(240_000, 249_000, 10);
        assertThat(out).isEqualTo(in);
        assertThat(out.get(130).isStaleMarker()).isTrue();
    }

    @Test
    void nothingInNothingOut() {
        List<Object> got = new ArrayList<>();
        assertThat(new XorChunkCutter(120).cut(of(List.of()), (a, b, c, d) -> got.add(d))).isZero();
        assertThat(got).isEmpty();
        assertThatThrownBy(() -> new XorChunkCutter(0)).hasMessageContaining("1..65535");
    }

    @Test
    void limitsNameThemselvesAndZeroMeansNone() {
        ReadLimits.Budget b = new ReadLimits(2, 10, 100).budget();
        b.addSeries(2);
        assertThatThrownBy(() -> b.requireSeries(1))
                .isInstanceOf(ReadLimitException.class)
                .hasMessageContaining("max_series_per_request (2)");
        b.addSamples(10);
        assertThatThrownBy(() -> b.addSamples(1))
                .hasMessageContaining("max_samples_per_request (10)");
        assertThatThrownBy(() -> b.addChunkBytes(101))
                .hasMessageContaining("max_chunk_bytes_per_request (100)");
        ReadLimits.Budget none = ReadLimits.NONE.budget();
        none.addSeries(Long.MAX_VALUE / 2);
        none.addSamples(Long.MAX_VALUE / 2);
        assertThat(none.series()).isEqualTo(Long.MAX_VALUE / 2);
        assertThatThrownBy(() -> new ReadLimits(-1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
