package io.chunkstore.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.model.Labels;
import io.chunkstore.core.store.SeriesChunks;
import io.chunkstore.spi.InvalidChunkException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Merging a series' replicated, overlapping chunks as a Cortex querier did. */
class MergedSamplesTest {
    private static final Labels SERIES = Labels.of("__name__", "up", "job", "a");

    @Test
    void threeReplicasOfOneSeriesGiveEachSampleOnce() {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            samples.add(new Sample(1_000L * i, i));
        }
        // Three ingesters cut their chunks at different points.
        List<Chunk> chunks =
                List.of(
                        Chunk.fromSamples("t", SERIES, samples.subList(0, 120)),
                        Chunk.fromSamples("t", SERIES, samples.subList(120, 300)),
                        Chunk.fromSamples("t", SERIES, samples.subList(0, 200)),
                        Chunk.fromSamples("t", SERIES, samples.subList(200, 300)),
                        Chunk.fromSamples("t", SERIES, samples));
        assertThat(MergedSamples.of(chunks, 0, Long.MAX_VALUE).remaining()).isEqualTo(samples);
        assertThat(MergedSamples.of(chunks, 5_000, 9_000).remaining())
                .isEqualTo(samples.subList(5, 10));
    }

    @Test
    void staleMarkersKeepTheirBits() {
        double stale = Double.longBitsToDouble(Sample.STALE_NAN_BITS);
        List<Sample> samples = List.of(new Sample(1, 1), new Sample(2, stale), new Sample(3, 3));
        SampleIterator it =
                MergedSamples.of(
                        List.of(
                                Chunk.fromSamples("t", SERIES, samples),
                                Chunk.fromSamples("t", SERIES, samples)),
                        0,
                        10);
        assertThat(it.next()).isTrue();
        assertThat(it.next()).isTrue();
        assertThat(it.valueBits()).isEqualTo(Sample.STALE_NAN_BITS);
        assertThat(it.next()).isTrue();
        assertThat(it.next()).isFalse();
    }

    @Test
    void aChunkThatDoesNotDecodeNamesItself() {
        Chunk good = Chunk.fromSamples("t", SERIES, List.of(new Sample(1, 1)));
        byte[] cut = java.util.Arrays.copyOf(good.data(), good.data().length - 4);
        Chunk bad = Chunk.of("t", good.fingerprint(), SERIES, 1, 1, good.encoding(), cut);
        assertThatThrownBy(() -> MergedSamples.of(List.of(bad), 0, 10).remaining())
                .isInstanceOf(InvalidChunkException.class);
    }

    /**
     * Random replicas with differing values at shared timestamps: the oracle keeps, per timestamp,
     * the value of the chunk that starts first (ties: given order), within the range.
     */
    @Property(tries = 200)
    void equalsFirstStartingChunkWinsOracle(@ForAll long seed) {
        Random rnd = new Random(seed);
        int n = 1 + rnd.nextInt(6);
        List<Chunk> chunks = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            long t = rnd.nextInt(50);
            List<Sample> s = new ArrayList<>();
            int count = 1 + rnd.nextInt(40);
            for (int i = 0; i < count; i++) {
                t += 1 + rnd.nextInt(3);
                s.add(new Sample(t, c * 1000 + rnd.nextInt(1000)));
            }
            chunks.add(Chunk.fromSamples("t", SERIES, s));
        }
        long from = rnd.nextInt(60);
        long through = from + rnd.nextInt(200);

        List<Chunk> byStart = new ArrayList<>(chunks);
        byStart.sort(Comparator.comparingLong(Chunk::from));
        Map<Long, Sample> oracle = new TreeMap<>();
        for (Chunk c : byStart) {
            for (Sample s : c.samples()) {
                if (s.timestamp() >= from && s.timestamp() <= through) {
                    oracle.putIfAbsent(s.timestamp(), s);
                }
            }
        }
        assertThat(MergedSamples.of(chunks, from, through).remaining())
                .containsExactlyElementsOf(oracle.values());
        assertThat(SeriesChunks.group(chunks)).hasSize(1);
    }

    @Test
    void seriesAreGroupedByLabelsInPrometheusOrder() {
        Labels a = Labels.of("__name__", "up", "job", "a");
        Labels b = Labels.of("__name__", "up", "job", "b");
        Labels shorter = Labels.of("__name__", "up");
        List<Sample> s = List.of(new Sample(1, 1));
        List<SeriesChunks> series =
                SeriesChunks.group(
                        List.of(
                                Chunk.fromSamples("t", b, s),
                                Chunk.fromSamples("t", a, s),
                                Chunk.fromSamples("t", shorter, s),
                                Chunk.fromSamples("t", a, s)));
        assertThat(series).extracting(SeriesChunks::labels).containsExactly(shorter, a, b);
        assertThat(series.get(1).chunks()).hasSize(2);
    }
}
