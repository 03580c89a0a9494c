package io.chunkstore.core.blocks;

import io.chunkstore.core.chunk.SampleIterator;
import io.chunkstore.core.chunk.XorChunk;
import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.Labels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Reads a block written in index format v2 back, independently of {@link BlockWriter}'s data
 * structures: the table of contents, the symbol table, the all-postings list (found through the
 * postings offset table) and every series it names, then each series' chunks from the segments,
 * checking every CRC-32C on the way (layouts per prometheus/prometheus {@code
 * tsdb/docs/format/index.md} and {@code chunks.md}). What {@code convert blocks --verify} uses.
 */
public final class BlockReader {
    private final byte[] index;
    private final IntFunction<byte[]> segments;
    private final List<String> symbols = new ArrayList<>();
    private final long postingsOffsetTable;

    /**
     * @param index the {@code index} file
     * @param segments the chunk segment file of an index (0 for {@code 000001})
     * @throws CorruptBlockException when the index's header, TOC or symbols do not check
     */
    public BlockReader(byte[] index, IntFunction<byte[]> segments) {
        this.index = index;
        this.segments = segments;
        if (index.length < 5 + 52 || be32(index, 0) != IndexWriter.MAGIC) {
            throw new CorruptBlockException("index: bad magic number or too short");
        }
        if (index[4] != IndexWriter.FORMAT_V2) {
            throw new CorruptBlockException("index: format " + index[4] + ", expected 2");
        }
        int toc = index.length - 52;
        checkCrc(toc, 48, "table of contents");
        long symbolsOff = be64(index, toc);
        postingsOffsetTable = be64(index, toc + 40);
        int len = be32(index, (int) symbolsOff);
        checkCrc((int) symbolsOff + 4, len, "symbol table");
        Cursor c = new Cursor((int) symbolsOff + 4);
        int n = c.be32();
        for (int i = 0; i < n; i++) {
            symbols.add(c.string());
        }
    }

    /** One series read back: labels, chunk metas, and the digest of its decoded samples. */
    public record ReadSeries(Labels labels, List<ChunkMeta> chunks, long samples, int checksum) {}

    /** Every series in index order, its chunks decoded and digested. */
    public List<ReadSeries> series() {
        List<ReadSeries> out = new ArrayList<>();
        forEachSeries(out::add);
        return out;
    }

    /** Each series in index order, one at a time (bounded memory), to {@code consumer}. */
    public void forEachSeries(Consumer<ReadSeries> consumer) {
        for (int id : allPostings()) {
            consumer.accept(readSeries(id));
        }
    }

    private int[] allPostings() {
        int len = be32(index, (int) postingsOffsetTable);
        checkCrc((int) postingsOffsetTable + 4, len, "postings offset table");
        Cursor c = new Cursor((int) postingsOffsetTable + 4);
        int n = c.be32();
        for (int i = 0; i < n; i++) {
            c.pos++; // n = 2
            String name = c.string();
            String value = c.string();
            long off = c.uvarint();
            if (name.isEmpty() && value.isEmpty()) {
                int plen = be32(index, (int) off);
                checkCrc((int) off + 4, plen, "all-postings list");
                Cursor p = new Cursor((int) off + 4);
                int[] ids = new int[p.be32()];
                for (int k = 0; k < ids.length; k++) {
                    ids[k] = p.be32();
                }
                return ids;
            }
        }
        throw new CorruptBlockException("index: no all-postings entry (\"\"=\"\")");
    }

    private ReadSeries readSeries(int id) {
        Cursor c = new Cursor((int) (Integer.toUnsignedLong(id) * 16));
        int len = (int) c.uvarint();
        checkCrc(c.pos, len, "series " + id);
        int nLabels = (int) c.uvarint();
        List<Label> labels = new ArrayList<>(nLabels);
        for (int i = 0; i < nLabels; i++) {
            labels.add(new Label(symbol(c.uvarint()), symbol(c.uvarint())));
        }
        int nChunks = (int) c.uvarint();
        List<ChunkMeta> metas = new ArrayList<>(nChunks);
        long mint = 0;
        long maxt = 0;
        long ref = 0;
        for (int i = 0; i < nChunks; i++) {
            if (i == 0) {
                mint = c.varint();
                maxt = mint + c.uvarint();
                ref = c.uvarint();
            } else {
                mint = maxt + c.uvarint();
                maxt = mint + c.uvarint();
                ref += c.varint();
            }
            metas.add(new ChunkMeta(mint, maxt, ref));
        }
        Labels ls = Labels.of(labels);
        SeriesDigest d = new SeriesDigest();
        for (ChunkMeta m : metas) {
            SampleIterator it = chunk(m.ref(), ls);
            while (it.next()) {
                if (it.timestamp() < m.minTime() || it.timestamp() > m.maxTime()) {
                    throw new CorruptBlockException(
                            "chunk "
                                    + m.ref()
                                    + " of "
                                    + ls
                                    + " holds a sample outside its time range");
                }
                d.add(it.timestamp(), it.valueBits());
            }
        }
        return new ReadSeries(ls, metas, d.count(), d.checksum());
    }

    private SampleIterator chunk(long ref, Labels series) {
        int seg = (int) (ref >>> 32);
        int off = (int) ref;
        byte[] b = segments.apply(seg);
        if (b.length < 8 || be32(b, 0) != ChunkSegmentWriter.MAGIC || b[4] != 1) {
            throw new CorruptBlockException("chunk segment " + (seg + 1) + ": bad header");
        }
        Cursor c = new Cursor(b, off);
        int len = (int) c.uvarint();
        int start = c.pos;
        if (b[start] != ChunkSegmentWriter.ENCODING_XOR) {
            throw new CorruptBlockException(
                    "chunk " + ref + ": encoding " + b[start] + ", not XOR");
        }
        int crc = Bytes.crc32c(b, start, len + 1);
        if (crc != be32(b, start + 1 + len)) {
            throw new CorruptBlockException("chunk " + ref + " of " + series + ": CRC mismatch");
        }
        return XorChunk.iterator(b, start + 1, len, "block chunk " + ref);
    }

    private String symbol(long ref) {
        if (ref < 0 || ref >= symbols.size()) {
            throw new CorruptBlockException("index: symbol " + ref + " out of range");
        }
        return symbols.get((int) ref);
    }

    private void checkCrc(int from, int len, String what) {
        if (from < 0 || len < 0 || (long) from + len + 4 > index.length) {
            throw new CorruptBlockException("index: " + what + " runs past the end of the file");
        }
        if (Bytes.crc32c(index, from, len) != be32(index, from + len)) {
            throw new CorruptBlockException("index: CRC32C mismatch in the " + what);
        }
    }

    private static int be32(byte[] b, int p) {
        return ((b[p] & 0xFF) << 24)
                | ((b[p + 1] & 0xFF) << 16)
                | ((b[p + 2] & 0xFF) << 8)
                | (b[p + 3] & 0xFF);
    }

    private static long be64(byte[] b, int p) {
        return ((long) be32(b, p) << 32) | (be32(b, p + 4) & 0xFFFFFFFFL);
    }

    /** A read position. */
    private final class Cursor {
        final byte[] b;
        int pos;

        Cursor(int pos) {
            this(index, pos);
        }

        Cursor(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        int be32() {
            int v = BlockReader.be32(b, pos);
            pos += 4;
            return v;
        }

        long uvarint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte x = b[pos++];
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new CorruptBlockException("varint overflows 64 bits at " + pos);
        }

        long varint() {
            long u = uvarint();
            return (u >>> 1) ^ -(u & 1);
        }

        String string() {
            int n = (int) uvarint();
            String s = new String(b, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }
    }

    /** A block that does not read back as written. */
    public static final class CorruptBlockException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** A block fault described by {@code message}. */
        public CorruptBlockException(String message) {
            super(message);
        }
    }
}
