package io.chunkstore.core.blocks;

import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.Labels;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes a block's {@code index} file in index format v2, section by section as
 * prometheus/prometheus {@code tsdb/docs/format/index.md} describes it: magic {@code 0xBAAAD700}
 * and version 2, the symbol table (sorted strings, referenced by their position), the series (each
 * at a 16-byte boundary, its id being offset/16, sorted by label set), one label index per label
 * name, one postings list per label pair plus the all-postings list under the empty pair {@code
 * ""=""} ({@code index.AllPostingsKey}), the label offset table, the postings offset table (sorted
 * by name then value) and the table of contents. Every section ends with the CRC-32C (Castagnoli)
 * of its {@code len} bytes.
 *
 * <p>Memory: the symbols and one int per (series, label) for the postings; the series themselves
 * stream through.
 */
final class IndexWriter {
    static final int MAGIC = 0xBAAAD700;
    static final int FORMAT_V2 = 2;

    private IndexWriter() {}

    /**
     * Writes {@code series} (sorted by {@link Labels#ORDER}, each label set once; iterated twice:
     * for the symbols, then for the series) to {@code file}.
     *
     * @throws IllegalArgumentException when the series are not sorted or repeat
     */
    static void write(Path file, Iterable<SeriesRuns.Entry> series) throws IOException {
        TreeSet<String> symbolSet = new TreeSet<>(GoStrings.BYTE_ORDER);
        for (SeriesRuns.Entry s : series) {
            for (Label l : s.labels()) {
                symbolSet.add(l.name());
                symbolSet.add(l.value());
            }
        }
        Map<String, Integer> symbolRef = new HashMap<>();
        for (String s : symbolSet) {
            symbolRef.put(s, symbolRef.size());
        }
        try (Counting out =
                new Counting(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            Bytes b = new Bytes(1 << 12);
            b.putBe32(MAGIC).putByte(FORMAT_V2);
            out.write(b);

            // Symbol table.
            long symbolsOff = out.pos;
            b.reset();
            b.putBe32(0).putBe32(symbolSet.size());
            for (String s : symbolSet) {
                b.putUvarintString(s);
            }
            b.setBe32(0, b.length() - 4);
            b.putCrcOf(4);
            out.write(b);

            // Series, each at a multiple of 16; postings collected on the way.
            out.align(16);
            long seriesOff = out.pos;
            IntList all = new IntList();
            Map<String, TreeMap<String, IntList>> postings = new TreeMap<>(GoStrings.BYTE_ORDER);
            Bytes content = new Bytes(256);
            Labels previous = null;
            for (SeriesRuns.Entry s : series) {
                if (previous != null && Labels.ORDER.compare(previous, s.labels()) >= 0) {
                    throw new IllegalArgumentException(
                            "series must be sorted and distinct: "
                                    + s.labels()
                                    + " after "
                                    + previous);
                }
                previous = s.labels();
                out.align(16);
                long id = out.pos / 16;
                if (id > 0xFFFFFFFFL) {
                    throw new IllegalArgumentException(
                            "the index's series section exceeds 64 GiB (series ids are 32 bits)");
                }
                all.add((int) id);
                content.reset();
                content.putUvarint(s.labels().size());
                for (Label l : s.labels()) {
                    content.putUvarint(symbolRef.get(l.name()));
                    content.putUvarint(symbolRef.get(l.value()));
                    postings.computeIfAbsent(l.name(), n -> new TreeMap<>(GoStrings.BYTE_ORDER))
                            .computeIfAbsent(l.value(), v -> new IntList())
                            .add((int) id);
                }
                content.putUvarint(s.chunks().size());
                ChunkMeta prev = null;
                for (ChunkMeta c : s.chunks()) {
                    if (prev == null) {
                        content.putVarint(c.minTime());
                        content.putUvarint(c.maxTime() - c.minTime());
                        content.putUvarint(c.ref());
                    } else {
                        content.putUvarint(c.minTime() - prev.maxTime());
                        content.putUvarint(c.maxTime() - c.minTime());
                        content.putVarint(c.ref() - prev.ref());
                    }
                    prev = c;
                }
                b.reset();
                b.putUvarint(content.length());
                int from = b.length();
                b.putBytes(content.array(), 0, content.length());
                b.putCrcOf(from);
                out.write(b);
            }

            // Label indices: one per name, its values' symbol refs.
            out.align(4);
            long labelIndicesOff = out.pos;
            Map<String, Long> labelIndexOffsets = new TreeMap<>(GoStrings.BYTE_ORDER);
            for (Map.Entry<String, TreeMap<String, IntList>> e : postings.entrySet()) {
                out.align(4);
                labelIndexOffsets.put(e.getKey(), out.pos);
                b.reset();
                b.putBe32(0).putBe32(1).putBe32(e.getValue().size());
                for (String v : e.getValue().keySet()) {
                    b.putBe32(symbolRef.get(v));
                }
                b.setBe32(0, b.length() - 4);
                b.putCrcOf(4);
                out.write(b);
            }

            // Postings: all series first, then each label pair.
            out.align(4);
            long postingsOff = out.pos;
            List<Object[]> postingOffsets = new ArrayList<>();
            postingOffsets.add(new Object[] {"", "", out.pos});
            writePostings(out, b, all.values, all.size);
            for (Map.Entry<String, TreeMap<String, IntList>> e : postings.entrySet()) {
                for (Map.Entry<String, IntList> v : e.getValue().entrySet()) {
                    out.align(4);
                    postingOffsets.add(new Object[] {e.getKey(), v.getKey(), out.pos});
                    writePostings(out, b, v.getValue().values, v.getValue().size);
                }
            }

            // Label offset table.
            long labelOffsetTableOff = out.pos;
            b.reset();
            b.putBe32(0).putBe32(labelIndexOffsets.size());
            for (Map.Entry<String, Long> e : labelIndexOffsets.entrySet()) {
                b.putByte(1).putUvarintString(e.getKey()).putUvarint(e.getValue());
            }
            b.setBe32(0, b.length() - 4);
            b.putCrcOf(4);
            out.write(b);

            // Postings offset table.
            long postingsOffsetTableOff = out.pos;
            b.reset();
            b.putBe32(0).putBe32(postingOffsets.size());
            for (Object[] p : postingOffsets) {
                b.putByte(2)
                        .putUvarintString((String) p[0])
                        .putUvarintString((String) p[1])
                        .putUvarint((Long) p[2]);
            }
            b.setBe32(0, b.length() - 4);
            b.putCrcOf(4);
            out.write(b);

            // Table of contents.
            b.reset();
            b.putBe64(symbolsOff)
                    .putBe64(seriesOff)
                    .putBe64(labelIndicesOff)
                    .putBe64(labelOffsetTableOff)
                    .putBe64(postingsOff)
                    .putBe64(postingsOffsetTableOff);
            b.putCrcOf(0);
            out.write(b);
        }
    }

    private static void writePostings(Counting out, Bytes b, int[] ids, int n) throws IOException {
        b.reset();
        b.putBe32(0).putBe32(n);
        for (int i = 0; i < n; i++) {
            b.putBe32(ids[i]);
        }
        b.setBe32(0, b.length() - 4);
        b.putCrcOf(4);
        out.write(b);
    }

    /** A growable int array (series ids of one postings list, ascending). */
    private static final class IntList {
        int[] values = new int[4];
        int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }
    }

    /** An output stream that knows its position, for offsets and alignment. */
    private static final class Counting implements AutoCloseable {
        private static final byte[] ZEROS = new byte[16];
        final OutputStream out;
        long pos;

        Counting(OutputStream out) {
            this.out = out;
        }

        void write(Bytes b) throws IOException {
            out.write(b.array(), 0, b.length());
            pos += b.length();
        }

        void align(int n) throws IOException {
            int pad = (int) ((n - pos % n) % n);
            out.write(ZEROS, 0, pad);
            pos += pad;
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
