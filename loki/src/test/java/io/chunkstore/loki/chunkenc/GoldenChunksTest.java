package io.chunkstore.loki.chunkenc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chunkstore.core.model.Label;
import io.chunkstore.loki.Direction;
import io.chunkstore.loki.EntryIterator;
import io.chunkstore.loki.LogEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden Loki chunk (Loki 2.7.5 and 3.4.0 output) decodes to its sidecar's metas and entries.
 */
class GoldenChunksTest {
    static List<GoldenLoki> goldens() {
        return GoldenLoki.all();
    }

    @Test
    void allTwentyEightGoldenChunksArePresent() {
        assertThat(goldens()).hasSize(28);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void headerAndBlockMetasMatchTheSidecar(GoldenLoki g) {
        MemChunk c = MemChunk.decode(g.memChunk(), ReadOptions.named(g.externalKey()));
        assertThat(c.format().version()).isEqualTo(g.formatVersion());
        assertThat(c.codec().id()).isEqualTo(g.codecId());
        assertThat(c.codec().lokiName()).isEqualTo(g.codecName().replace("lz4-4M", "lz4"));
        assertThat(c.skippedBlocks()).isEmpty();
        assertThat(c.chunkName()).isEqualTo(g.externalKey());

        List<JsonNode> want = g.blocks();
        assertThat(c.blocks()).hasSize(want.size());
        for (int i = 0; i < want.size(); i++) {
            BlockMeta b = c.blocks().get(i);
            JsonNode w = want.get(i);
            assertThat(b.index()).isEqualTo(i);
            assertThat(b.entries())
                    .as("entries of block %d", i)
                    .isEqualTo(w.get("entries").asLong());
            assertThat(b.mint()).as("mint of block %d", i).isEqualTo(w.get("mint").asLong());
            assertThat(b.maxt()).as("maxt of block %d", i).isEqualTo(w.get("maxt").asLong());
            assertThat(b.offset()).as("offset of block %d", i).isEqualTo(w.get("offset").asInt());
            assertThat(b.length()).as("len of block %d", i).isEqualTo(w.get("len").asInt());
            assertThat(String.format("%08x", b.crc32c())).isEqualTo(w.get("crc32c").asText());
            if (g.formatVersion() >= 3) {
                assertThat(b.uncompressedSize()).isEqualTo(w.get("uncompressed_size").asLong());
            } else {
                assertThat(w.has("uncompressed_size")).isFalse();
                assertThat(b.uncompressedSize()).isEqualTo(-1);
            }
        }
        assertThat(c.entryCount()).isEqualTo(g.entriesForward().size());
        assertThat(c.minTime()).isEqualTo(want.get(0).get("mint").asLong());
        assertThat(c.maxTime()).isEqualTo(want.get(want.size() - 1).get("maxt").asLong());

        byte[] mc = g.memChunk();
        long metasOffset = SliceReader.be64(mc, mc.length - 8);
        assertThat(metasOffset).isEqualTo(g.sidecar().get("metas_offset").asLong());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void symbolTableMatchesTheSidecar(GoldenLoki g) {
        MemChunk c = MemChunk.decode(g.memChunk());
        List<String> want = new ArrayList<>();
        if (g.sidecar().has("symbol_table")) {
            g.sidecar().get("symbol_table").forEach(n -> want.add(n.asText()));
        }
        assertThat(g.formatVersion() == 4).isEqualTo(!want.isEmpty());
        assertThat(c.symbols()).containsExactlyElementsOf(want);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void entriesForwardMatchTheSidecarExactly(GoldenLoki g) {
        MemChunk c = MemChunk.decode(g.memChunk());
        List<LogEntry> want = g.entriesForward();
        assertThat(want).hasSize(10);
        List<LogEntry> got = drain(c.iterator(Direction.FORWARD));
        assertThat(got).containsExactlyElementsOf(want);
        assertThat(c.entries()).containsExactlyElementsOf(want);
        for (int i = 0; i < want.size(); i++) {
            assertThat(HexFormat.of().formatHex(got.get(i).line()))
                    .isEqualTo(g.sidecar().get("entries_forward").get(i).get("line_hex").asText());
        }
        // the empty line, and the unicode line decoded as UTF-8
        assertThat(got.get(1).line()).isEmpty();
        assertThat(got.get(2).lineString())
                .isEqualTo(g.sidecar().get("entries_forward").get(2).get("line").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void backwardIsTheExactReverseOfForward(GoldenLoki g) {
        MemChunk c = MemChunk.decode(g.memChunk());
        List<LogEntry> want = new ArrayList<>(g.entriesForward());
        Collections.reverse(want);
        List<LogEntry> got = drain(c.iterator(Direction.BACKWARD));
        assertThat(got).containsExactlyElementsOf(want);
        // the two same-timestamp entries come out "second" before "first"
        int second = indexOfLine(got, "same-ts second");
        assertThat(indexOfLine(got, "same-ts first")).isEqualTo(second + 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void sortedStructuredMetadataIsByName(GoldenLoki g) {
        MemChunk c = MemChunk.decode(g.memChunk());
        LogEntry unicode = c.entries().get(2);
        if (g.formatVersion() == 4) {
            assertThat(unicode.structuredMetadata())
                    .containsExactly(
                            new Label("user", "zoë"), new Label("trace_id", "0242ac120003"));
            assertThat(unicode.sortedStructuredMetadata())
                    .containsExactly(
                            new Label("trace_id", "0242ac120003"), new Label("user", "zoë"));
            assertThat(c.entries().get(9).sortedStructuredMetadata())
                    .containsExactly(
                            new Label("pod", "web-2"), new Label("trace_id", "0242ac120002"));
        } else {
            assertThat(c.entries()).allSatisfy(e -> assertThat(e.structuredMetadata()).isEmpty());
        }
    }

    /**
     * Every window whose bounds are an entry's timestamp, one ns after it, or one ns before a
     * block's mint, in both directions, against a brute-force filter of the sidecar's entries.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void everyWindowAroundEntriesAndBlockBoundsMatchesTheOracle(GoldenLoki g) {
        MemChunk c = MemChunk.decode(g.memChunk());
        List<LogEntry> all = g.entriesForward();
        TreeSet<Long> points = new TreeSet<>();
        for (LogEntry e : all) {
            points.add(e.timestamp());
            points.add(e.timestamp() + 1);
        }
        for (BlockMeta b : c.blocks()) {
            points.add(b.mint() - 1);
        }
        points.add(Long.MIN_VALUE);
        points.add(Long.MAX_VALUE);
        for (long from : points) {
            for (long through : points.tailSet(from, true)) {
                List<LogEntry> want =
                        all.stream()
                                .filter(e -> e.timestamp() >= from && e.timestamp() < through)
                                .toList();
                assertThat(drain(c.iterator(from, through, Direction.FORWARD)))
                        .as("[%d, %d) forward", from, through)
                        .containsExactlyElementsOf(want);
                List<LogEntry> rev = new ArrayList<>(want);
                Collections.reverse(rev);
                assertThat(drain(c.iterator(from, through, Direction.BACKWARD)))
                        .as("[%d, %d) backward", from, through)
                        .containsExactlyElementsOf(rev);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void windowsAtBlockBoundaries(GoldenLoki g) {
        MemChunk c = MemChunk.decode(g.memChunk());
        List<BlockMeta> blocks = c.blocks();
        BlockMeta b0 = blocks.get(0);
        BlockMeta b1 = blocks.get(1);
        // a window starting exactly at block 0's last entry selects block 0 (inclusive bounds) and
        // yields that entry;
        // ending exactly at block 1's first entry still selects block 1 (inclusive), which yields
        // nothing
        assertThat(c.blocksOverlapping(b0.maxt(), b1.mint())).containsExactly(b0, b1);
        assertThat(c.blocksOverlapping(b0.maxt(), b1.mint() - 1)).containsExactly(b0);
        assertThat(c.blocksOverlapping(b0.maxt() + 1, b1.mint() - 1)).isEmpty();
        assertThat(drain(c.iterator(b0.maxt(), b1.mint(), Direction.FORWARD)))
                .extracting(LogEntry::lineString)
                .containsExactly("héllo wörld — ünïcödé ✓ 日本語 🚀");
        // ... and through block 1's first entry: that one is excluded (end is exclusive) though the
        // block is opened
        assertThat(c.blocksOverlapping(b0.maxt(), b1.mint() + 1)).containsExactly(b0, b1);
        assertThat(drain(c.iterator(b0.maxt(), b1.mint() + 1, Direction.BACKWARD)))
                .extracting(LogEntry::timestamp)
                .containsExactly(b1.mint(), b0.maxt());
        // a window ending exactly at a block's mint still selects that block but yields none of its
        // entries
        assertThat(c.blocksOverlapping(b1.mint() - 5, b1.mint())).containsExactly(b1);
        assertThat(drain(c.iterator(b1.mint() - 5, b1.mint(), Direction.FORWARD))).isEmpty();
        // the same-timestamp pair in block 1: a window [t, t+1) gives both, in order and reversed
        long same = 1700000003000000000L;
        assertThat(drain(c.iterator(same, same + 1, Direction.FORWARD)))
                .extracting(LogEntry::lineString)
                .containsExactly("same-ts first", "same-ts second");
        assertThat(drain(c.iterator(same, same + 1, Direction.BACKWARD)))
                .extracting(LogEntry::lineString)
                .containsExactly("same-ts second", "same-ts first");
        // an empty window and one past the chunk select nothing
        assertThat(drain(c.iterator(same, same, Direction.FORWARD))).isEmpty();
        assertThat(c.blocksOverlapping(c.maxTime() + 1, Long.MAX_VALUE)).isEmpty();
    }

    static int indexOfLine(List<LogEntry> entries, String line) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).lineString().equals(line)) {
                return i;
            }
        }
        return -1;
    }

    static List<LogEntry> drain(EntryIterator it) {
        List<LogEntry> out = new ArrayList<>();
        try (it) {
            while (it.hasNext()) {
                LogEntry peeked = it.peek();
                LogEntry e = it.next();
                assertThat(e).isSameAs(peeked);
                out.add(e);
            }
        }
        return out;
    }
}
