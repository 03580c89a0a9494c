package io.chunkstore.loki.chunkenc;

import static io.chunkstore.loki.chunkenc.GoldenChunksTest.drain;
import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.model.Label;
import io.chunkstore.loki.Direction;
import io.chunkstore.loki.LogEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * decode(encode(entries)) == entries over every format and codec, and windows and overlaps against
 * an oracle.
 */
class RoundTripPropertiesTest {

    record Combo(ChunkFormat format, Codec codec) {
        @Override
        public String toString() {
            return "v" + format.version() + "-" + codec.lokiName();
        }
    }

    @Provide
    Arbitrary<Combo> combos() {
        List<Combo> all = new ArrayList<>();
        for (ChunkFormat f : ChunkFormat.values()) {
            for (Codec c : Codec.values()) {
                if (f != ChunkFormat.V1 || c == Codec.GZIP) {
                    all.add(new Combo(f, c));
                }
            }
        }
        return Arbitraries.of(all);
    }

    /**
     * Strings of valid Unicode: ASCII, Latin, CJK, emoji (surrogate pairs), and the empty string.
     */
    static Arbitrary<String> unicode() {
        Arbitrary<Integer> cp =
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0x20, 0x7E)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 0xD7FF)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0xE000, 0xFFFF)),
                        net.jqwik.api.Tuple.of(
                                1, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        return cp.list()
                .ofMaxSize(12)
                .map(
                        cps -> {
                            StringBuilder sb = new StringBuilder();
                            cps.forEach(sb::appendCodePoint);
                            return sb.toString();
                        });
    }

    static Arbitrary<byte[]> lines() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new byte[0])),
                net.jqwik.api.Tuple.of(6, Arbitraries.bytes().array(byte[].class).ofMaxSize(80)),
                net.jqwik.api.Tuple.of(
                        3, unicode().map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                net.jqwik.api.Tuple.of(
                        1, Arbitraries.bytes().array(byte[].class).ofMinSize(200).ofMaxSize(3000)));
    }

    static Arbitrary<List<Label>> metadata() {
        Arbitrary<Label> label =
                Combinators.combine(
                                Arbitraries.frequencyOf(
                                        net.jqwik.api.Tuple.of(
                                                3, Arbitraries.of("trace_id", "pod", "user")),
                                        net.jqwik.api.Tuple.of(1, unicode())),
                                unicode())
                        .as(Label::new);
        return label.list().ofMaxSize(4);
    }

    /**
     * Entries in non-decreasing time order, with many equal timestamps; metadata only when {@code
     * withSm}.
     */
    static Arbitrary<List<LogEntry>> entries(boolean withSm) {
        Arbitrary<Long> start =
                Arbitraries.longs()
                        .between(-2_000_000_000_000_000_000L, 4_000_000_000_000_000_000L)
                        .edgeCases(c -> c.add(0L));
        Arbitrary<Long> step =
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(3, Arbitraries.just(0L)),
                        net.jqwik.api.Tuple.of(4, Arbitraries.longs().between(1, 1000)),
                        net.jqwik.api.Tuple.of(
                                1, Arbitraries.longs().between(1, 1_000_000_000_000L)));
        Arbitrary<List<Label>> sm = withSm ? metadata() : Arbitraries.just(List.of());
        Arbitrary<List<Object[]>> raw =
                Combinators.combine(step, lines(), sm)
                        .as((s, l, m) -> new Object[] {s, l, m})
                        .list()
                        .ofMaxSize(60);
        return Combinators.combine(start, raw)
                .as(
                        (t0, list) -> {
                            List<LogEntry> out = new ArrayList<>();
                            long ts = t0;
                            for (Object[] o : list) {
                                ts += (Long) o[0];
                                @SuppressWarnings("unchecked")
                                List<Label> m = (List<Label>) o[2];
                                out.add(new LogEntry(ts, (byte[]) o[1], m));
                            }
                            return out;
                        });
    }

    @Provide
    Arbitrary<Object[]> cases() {
        return combos().flatMap(
                        c ->
                                Combinators.combine(
                                                entries(c.format().hasStructuredMetadata()),
                                                Arbitraries.integers().between(1, 600))
                                        .as((e, bs) -> new Object[] {c, e, bs}));
    }

    @Property(tries = 400)
    void decodeOfEncodeIsTheIdentity(@ForAll("cases") Object[] input) {
        Combo combo = (Combo) input[0];
        @SuppressWarnings("unchecked")
        List<LogEntry> entries = (List<LogEntry>) input[1];
        int blockSize = (Integer) input[2];

        byte[] mc = MemChunkWriter.encode(combo.format(), combo.codec(), blockSize, entries);
        MemChunk c = MemChunk.decode(mc);
        assertThat(c.format()).isEqualTo(combo.format());
        assertThat(c.codec()).isEqualTo(combo.codec());
        assertThat(c.entries()).containsExactlyElementsOf(entries);
        List<LogEntry> rev = new ArrayList<>(entries);
        Collections.reverse(rev);
        assertThat(drain(c.iterator(Direction.BACKWARD))).containsExactlyElementsOf(rev);

        // the metas agree with the entries: counts, bounds, Loki's uncompressed size, cut points
        assertThat(c.entryCount()).isEqualTo(entries.size());
        int i = 0;
        for (BlockMeta b : c.blocks()) {
            List<LogEntry> in = entries.subList(i, i + (int) b.entries());
            assertThat(b.mint()).isEqualTo(in.get(0).timestamp());
            assertThat(b.maxt()).isEqualTo(in.get(in.size() - 1).timestamp());
            long size =
                    in.stream()
                            .mapToLong(
                                    e ->
                                            e.line().length
                                                    + (combo.format().hasStructuredMetadata()
                                                            ? 8L * e.structuredMetadata().size()
                                                            : 0))
                            .sum();
            assertThat(b.uncompressedSize())
                    .isEqualTo(combo.format().hasUncompressedSize() ? size : -1);
            boolean last = i + in.size() == entries.size();
            if (!last) {
                assertThat(size)
                        .as("a cut block reached the block size")
                        .isGreaterThanOrEqualTo(blockSize);
                assertThat(size - sizeOf(in.get(in.size() - 1), combo.format()))
                        .as("... only with its last entry")
                        .isLessThan(blockSize);
            }
            i += in.size();
        }
        assertThat(i).isEqualTo(entries.size());

        // the symbol table: every distinct string once, in order of first appearance, name before
        // value
        LinkedHashSet<String> symbols = new LinkedHashSet<>();
        for (LogEntry e : entries) {
            for (Label l : e.structuredMetadata()) {
                symbols.add(l.name());
                symbols.add(l.value());
            }
        }
        assertThat(c.symbols()).containsExactlyElementsOf(symbols);
    }

    private static long sizeOf(LogEntry e, ChunkFormat f) {
        return e.line().length
                + (f.hasStructuredMetadata() ? 8L * e.structuredMetadata().size() : 0);
    }

    @Provide
    Arbitrary<Object[]> windows() {
        return Combinators.combine(
                        combos(),
                        entries(false).filter(l -> !l.isEmpty()),
                        Arbitraries.integers().between(1, 300),
                        Arbitraries.integers().between(0, 1000),
                        Arbitraries.integers().between(0, 1000),
                        Arbitraries.integers().between(-2, 2),
                        Arbitraries.integers().between(-2, 2))
                .as(
                        (c, e, bs, a, b, da, db) ->
                                new Object[] {
                                    c,
                                    e,
                                    bs,
                                    e.get(a % e.size()).timestamp() + da,
                                    e.get(b % e.size()).timestamp() + db
                                });
    }

    @Property(tries = 300)
    void windowsMatchABruteForceFilter(@ForAll("windows") Object[] input) {
        Combo combo = (Combo) input[0];
        @SuppressWarnings("unchecked")
        List<LogEntry> entries = (List<LogEntry>) input[1];
        if (combo.format().hasStructuredMetadata()) {
            entries = entries.stream().map(e -> new LogEntry(e.timestamp(), e.line())).toList();
        }
        long from = Math.min((Long) input[3], (Long) input[4]);
        long through = Math.max((Long) input[3], (Long) input[4]);
        MemChunk c =
                MemChunk.decode(
                        MemChunkWriter.encode(
                                combo.format(), combo.codec(), (Integer) input[2], entries));
        List<LogEntry> want =
                entries.stream()
                        .filter(e -> e.timestamp() >= from && e.timestamp() < through)
                        .toList();
        assertThat(drain(c.iterator(from, through, Direction.FORWARD)))
                .containsExactlyElementsOf(want);
        List<LogEntry> rev = new ArrayList<>(want);
        Collections.reverse(rev);
        assertThat(drain(c.iterator(from, through, Direction.BACKWARD)))
                .containsExactlyElementsOf(rev);
    }

    /**
     * Overlapping blocks (as an unordered head could leave them before Loki's reorder): FORWARD is
     * a merge by timestamp with ties going to the earlier block, BACKWARD its exact reverse, for
     * any window.
     */
    @Property(tries = 300)
    void overlappingBlocksAreMergedByTime(
            @ForAll @IntRange(min = 1, max = 6) int blockCount,
            @ForAll("blockEntries") List<List<Long>> perBlock,
            @ForAll("combos") Combo combo,
            @ForAll @IntRange(min = 0, max = 120) int a,
            @ForAll @IntRange(min = 0, max = 120) int b) {
        List<MemChunkWriter.CutBlock> blocks = new ArrayList<>();
        List<Object[]> oracle = new ArrayList<>(); // {entry, blockIndex, position}
        int n = Math.min(blockCount, perBlock.size());
        for (int bi = 0; bi < n; bi++) {
            List<Long> ts = new ArrayList<>(perBlock.get(bi));
            Collections.sort(ts);
            List<byte[]> raws = new ArrayList<>();
            for (int p = 0; p < ts.size(); p++) {
                byte[] line =
                        ("b" + bi + "e" + p).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                LogEntry e = new LogEntry(ts.get(p), line);
                raws.add(
                        ChunkSurgery.rawEntry(
                                e.timestamp(),
                                line,
                                combo.format().hasStructuredMetadata() ? new int[0] : null));
                oracle.add(new Object[] {e, bi, p});
            }
            blocks.add(
                    ChunkSurgery.block(
                            combo.codec(),
                            ts.size(),
                            ts.get(0),
                            ts.get(ts.size() - 1),
                            raws.toArray(byte[][]::new)));
        }
        oracle.sort(
                Comparator.<Object[]>comparingLong(o -> ((LogEntry) o[0]).timestamp())
                        .thenComparingInt(o -> (Integer) o[1])
                        .thenComparingInt(o -> (Integer) o[2]));
        MemChunk c =
                MemChunk.decode(
                        MemChunkWriter.assemble(combo.format(), combo.codec(), List.of(), blocks));
        long from = Math.min(a, b);
        long through = Math.max(a, b);
        List<LogEntry> all = oracle.stream().map(o -> (LogEntry) o[0]).toList();
        List<LogEntry> want =
                all.stream().filter(e -> e.timestamp() >= from && e.timestamp() < through).toList();
        assertThat(c.entries()).containsExactlyElementsOf(all);
        assertThat(drain(c.iterator(from, through, Direction.FORWARD)))
                .containsExactlyElementsOf(want);
        List<LogEntry> rev = new ArrayList<>(want);
        Collections.reverse(rev);
        assertThat(drain(c.iterator(from, through, Direction.BACKWARD)))
                .containsExactlyElementsOf(rev);
    }

    @Provide
    Arbitrary<List<List<Long>>> blockEntries() {
        return Arbitraries.longs()
                .between(0, 100)
                .list()
                .ofMinSize(1)
                .ofMaxSize(12)
                .list()
                .ofMinSize(1)
                .ofMaxSize(6);
    }
}
