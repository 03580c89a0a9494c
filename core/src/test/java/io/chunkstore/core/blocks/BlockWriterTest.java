package io.chunkstore.core.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.chunk.SampleIterator;
import io.chunkstore.core.model.Labels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A block of random series written by {@link BlockWriter}, checked against the generated samples
 * (the oracle) by {@link BlockReader}; cli's {@code BlockPromtoolTest} has Prometheus' promtool
 * read the same kind of block.
 */
class BlockWriterTest {
    @TempDir Path tmp;

    /** Random series: some long (several chunks), some with stale markers, odd label values. */
    static Map<Labels, List<Sample>> randomSeries(Random r, int n, long start) {
        Map<Labels, List<Sample>> out = new TreeMap<>(Labels.ORDER);
        for (int i = 0; i < n; i++) {
            Labels l =
                    Labels.of(
                            "__name__", i % 3 == 0 ? "up" : "http_requests_total",
                            "instance", "host-" + i + (i % 5 == 0 ? "-ü\"q\\" : ""),
                            "job", "job" + (i % 4));
            List<Sample> s = new ArrayList<>();
            long t = start + r.nextInt(1000);
            int count = 1 + r.nextInt(i % 7 == 0 ? 700 : 130);
            for (int k = 0; k < count; k++) {
                double v =
                        k % 97 == 13
                                ? Double.longBitsToDouble(Sample.STALE_NAN_BITS)
                                : (r.nextBoolean() ? r.nextInt(1000) : r.nextGaussian() * 1e6);
                s.add(new Sample(t, v));
                t += 1 + r.nextInt(30_000);
            }
            out.put(l, s);
        }
        return out;
    }

    static SampleIterator iterator(List<Sample> samples) {
        return new SampleIterator() {
            int i = -1;

            @Override
            public boolean next() {
                return ++i < samples.size();
            }

            @Override
            public long timestamp() {
                return samples.get(i).timestamp();
            }

            @Override
            public long valueBits() {
                return Double.doubleToRawLongBits(samples.get(i).value());
            }
        };
    }

    @Test
    void theBlockReadsBackAsGenerated() throws Exception {
        Map<Labels, List<Sample>> oracle = randomSeries(new Random(7), 300, 1_700_000_000_000L);
        String ulid = Ulid.create(System.currentTimeMillis());
        Path blockDir = tmp.resolve("db").resolve(ulid);
        BlockWriter.Result result;
        try (BlockWriter w = new BlockWriter(blockDir, ulid, 64 << 10)) {
            // Added out of order: the writer sorts.
            List<Labels> keys = new ArrayList<>(oracle.keySet());
            java.util.Collections.shuffle(keys, new Random(1));
            for (Labels l : keys) {
                w.addSeries(l, iterator(oracle.get(l)));
            }
            result = w.finish(Map.of(BlockMeta.ORG_ID_LABEL, "tenant-a"), "chunkstore");
        }
        assertThat(result.meta().numSeries()).isEqualTo(300);
        assertThat(result.meta().segmentFiles().size()).isGreaterThan(1); // 64 KiB segments
        long samples = oracle.values().stream().mapToLong(List::size).sum();
        assertThat(result.meta().numSamples()).isEqualTo(samples);

        // Our reader: the same series in Prometheus order, digests as the oracle's, stale bits
        // kept.
        Path chunks = blockDir.resolve("chunks");
        BlockReader reader =
                new BlockReader(
                        Files.readAllBytes(blockDir.resolve("index")),
                        seg -> read(chunks.resolve(String.format("%06d", seg + 1))));
        List<BlockReader.ReadSeries> read = reader.series();
        assertThat(read)
                .extracting(BlockReader.ReadSeries::labels)
                .containsExactlyElementsOf(oracle.keySet());
        for (BlockReader.ReadSeries s : read) {
            SeriesDigest d = new SeriesDigest();
            oracle.get(s.labels())
                    .forEach(x -> d.add(x.timestamp(), Double.doubleToRawLongBits(x.value())));
            assertThat(s.samples()).isEqualTo(d.count());
            assertThat(s.checksum()).as("digest of %s", s.labels()).isEqualTo(d.checksum());
            assertThat(s.chunks())
                    .allSatisfy(c -> assertThat(c.maxTime()).isGreaterThanOrEqualTo(c.minTime()));
        }
        BlockMeta back = BlockMeta.parse(Files.readAllBytes(blockDir.resolve("meta.json")));
        assertThat(back).isEqualTo(result.meta());
    }

    @Test
    void aSpilledSeriesListGivesTheSameBlockAsOneInMemory() throws Exception {
        Map<Labels, List<Sample>> oracle = randomSeries(new Random(11), 250, 1_700_000_000_000L);
        List<Labels> keys = new ArrayList<>(oracle.keySet());
        java.util.Collections.shuffle(keys, new Random(2));
        String ulid = Ulid.create(1_700_000_000_000L);
        byte[][] indexes = new byte[2][];
        for (int spill : new int[] {1_000_000, 7}) {
            Path dir = tmp.resolve("spill-" + spill).resolve(ulid);
            try (BlockWriter w = new BlockWriter(dir, ulid, 1 << 20, spill)) {
                for (Labels l : keys) {
                    w.addSeries(l, iterator(oracle.get(l)));
                }
                assertThat(w.spilledRuns()).isEqualTo(spill == 7 ? 250 / 7 : 0);
                BlockWriter.Result r = w.finish(Map.of(), "chunkstore");
                List<Labels> written = new ArrayList<>();
                r.series().forEach(s -> written.add(s.labels()));
                assertThat(written).containsExactlyElementsOf(oracle.keySet());
            }
            assertThat(dir.resolveSibling(ulid + ".series")).doesNotExist();
            indexes[spill == 7 ? 1 : 0] = Files.readAllBytes(dir.resolve("index"));
        }
        assertThat(indexes[1]).isEqualTo(indexes[0]);
    }

    @Test
    void aSeriesAddedTwiceIsRefused() {
        String ulid = Ulid.create(1);
        try (BlockWriter w = new BlockWriter(tmp.resolve(ulid), ulid, 1 << 20, 2)) {
            for (int i = 0; i < 3; i++) {
                w.addSeries(
                        Labels.of("__name__", "a", "i", "" + (i % 2)),
                        iterator(List.of(new Sample(i, 1))));
            }
            assertThatThrownBy(() -> w.finish(Map.of(), "chunkstore"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("series added twice");
        }
    }

    @Test
    void aCorruptedIndexIsReportedNotMisread() throws Exception {
        String ulid = Ulid.create(1);
        Path dir = tmp.resolve(ulid);
        try (BlockWriter w = new BlockWriter(dir, ulid)) {
            w.addSeries(
                    Labels.of("__name__", "a"),
                    iterator(List.of(new Sample(1, 1), new Sample(2, 2))));
            w.finish(Map.of(), "chunkstore");
        }
        byte[] index = Files.readAllBytes(dir.resolve("index"));
        index[20] ^= 1;
        assertThatThrownBy(() -> new BlockReader(index, s -> new byte[0]).series())
                .isInstanceOf(BlockReader.CorruptBlockException.class)
                .hasMessageContaining("CRC32C");
    }

    @Test
    void ulidsHaveTheirTimeAndSortByIt() {
        String a = Ulid.create(1_700_000_000_000L);
        String b = Ulid.create(1_700_000_000_001L);
        assertThat(Ulid.isUlid(a)).isTrue();
        assertThat(Ulid.timestamp(a)).isEqualTo(1_700_000_000_000L);
        assertThat(a.compareTo(b)).isLessThan(0);
        // The spec's example: time 1469918176385 starts with 01ARYZ6S41.
        assertThat(Ulid.encode(1469918176385L, new byte[10]))
                .startsWith("01ARYZ6S41")
                .endsWith("0000000000000000");
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
