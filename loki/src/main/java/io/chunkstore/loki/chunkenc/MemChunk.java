package io.chunkstore.loki.chunkenc;

import io.chunkstore.core.model.Label;
import io.chunkstore.loki.Direction;
import io.chunkstore.loki.EntryIterator;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.chunkenc.LokiChunkException.Problem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A decoded Loki MemChunk (the data section of a stored Loki chunk, formats v1-v4): its header,
 * block metas and, for v4, the structured-metadata symbol table. Decoding checks the header, the
 * metas CRC, the symbol table's CRC and every block's CRC (repairing bad block offsets as Loki 3.x
 * does) but decompresses no block; blocks are decompressed only when an iterator reaches them, one
 * at a time.
 *
 * <p>Immutable and safe to share between threads. The chunk keeps a reference to the caller's byte
 * array, which must not be modified afterwards.
 */
public final class MemChunk {
    /** The MemChunk magic number, bytes {@code 01 2e e5 6a}. */
    public static final int MAGIC = 0x012EE56A;

    private static final Logger LOG = LoggerFactory.getLogger(MemChunk.class);

    /** The smallest possible encoding of one block meta: five one-byte varints (v1/v2). */
    private static final int MIN_META_BYTES = 5;

    private final byte[] data;
    private final int base;
    private final int length;
    private final ChunkFormat format;
    private final Codec codec;
    private final List<String> symbols;
    private final List<BlockMeta> blocks;
    private final List<CorruptBlock> skipped;
    private final ReadOptions options;

    private MemChunk(
            byte[] data,
            int base,
            int length,
            ChunkFormat format,
            Codec codec,
            List<String> symbols,
            List<BlockMeta> blocks,
            List<CorruptBlock> skipped,
            ReadOptions options) {
        this.data = data;
        this.base = base;
        this.length = length;
        this.format = format;
        this.codec = codec;
        this.symbols = symbols;
        this.blocks = blocks;
        this.skipped = skipped;
        this.options = options;
    }

    /**
     * Decodes a whole array as one MemChunk with the default options (a corrupt block fails the
     * chunk).
     */
    public static MemChunk decode(byte[] memChunk) {
        return decode(memChunk, 0, memChunk.length, ReadOptions.DEFAULT);
    }

    /** Decodes a whole array as one MemChunk. */
    public static MemChunk decode(byte[] memChunk, ReadOptions options) {
        return decode(memChunk, 0, memChunk.length, options);
    }

    /**
     * Decodes the MemChunk in {@code data[offset, offset+length)} (for example the data section of
     * a stored chunk).
     *
     * @throws LokiChunkException when the header, trailer, metas, symbol table or a block's
     *     checksum is bad (a bad block checksum only without {@link
     *     ReadOptions#skipCorruptBlocks()})
     */
    public static MemChunk decode(byte[] data, int offset, int length, ReadOptions options) {
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new IndexOutOfBoundsException(
                    "slice [" + offset + ", +" + length + ") of " + data.length + " bytes");
        }
        return new Decoder(data, offset, length, options == null ? ReadOptions.DEFAULT : options)
                .decode();
    }

    public ChunkFormat format() {
        return format;
    }

    public Codec codec() {
        return codec;
    }

    /** The chunk's name from the read options, or null. */
    public String chunkName() {
        return options.chunkName();
    }

    /** The MemChunk's length in bytes. */
    public int length() {
        return length;
    }

    /** A copy of the MemChunk's bytes, exactly as stored. */
    public byte[] toByteArray() {
        return Arrays.copyOfRange(data, base, base + length);
    }

    /**
     * The readable blocks in metas order (blocks skipped as corrupt are not in it; see {@link
     * #skippedBlocks()}).
     */
    public List<BlockMeta> blocks() {
        return blocks;
    }

    /**
     * The blocks left out because their CRC did not match (only with {@link
     * ReadOptions#skipCorruptBlocks()}).
     */
    public List<CorruptBlock> skippedBlocks() {
        return skipped;
    }

    /**
     * The v4 symbol table (structured-metadata names and values in index order); empty before v4.
     */
    public List<String> symbols() {
        return symbols;
    }

    /** The number of entries the readable blocks' metas record. */
    public long entryCount() {
        long n = 0;
        for (BlockMeta b : blocks) {
            n += b.entries();
        }
        return n;
    }

    /** The smallest block mint, in ns; 0 when there are no readable blocks. */
    public long minTime() {
        return blocks.stream().mapToLong(BlockMeta::mint).min().orElse(0);
    }

    /** The largest block maxt, in ns; 0 when there are no readable blocks. */
    public long maxTime() {
        return blocks.stream().mapToLong(BlockMeta::maxt).max().orElse(0);
    }

    /**
     * The blocks Loki would open for the window {@code [from, through)}: inclusive tests on both
     * block bounds.
     */
    public List<BlockMeta> blocksOverlapping(long from, long through) {
        List<BlockMeta> out = new ArrayList<>();
        for (BlockMeta b : blocks) {
            if (b.overlaps(from, through)) {
                out.add(b);
            }
        }
        return out;
    }

    /** Every entry, oldest first (materialised; for small chunks and tests). */
    public List<LogEntry> entries() {
        List<LogEntry> out = new ArrayList<>();
        try (EntryIterator it = iterator(Direction.FORWARD)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /** Every entry of the chunk in the given direction. */
    public EntryIterator iterator(Direction direction) {
        return iterator(new Window(Long.MIN_VALUE, Long.MAX_VALUE, true), direction);
    }

    /**
     * The entries with {@code from <= ts < through} (ns), as Loki's {@code MemChunk.Iterator}
     * yields them. Only blocks overlapping the window are decompressed, lazily. FORWARD: blocks in
     * order, one open at a time (merged by time when blocks overlap; ties go to the earlier block).
     * BACKWARD: each block's window entries are loaded and reversed, blocks in reverse order, so
     * entries come out in exactly the reverse of FORWARD.
     */
    public EntryIterator iterator(long from, long through, Direction direction) {
        return iterator(new Window(from, through, false), direction);
    }

    private EntryIterator iterator(Window w, Direction direction) {
        List<BlockMeta> selected = w.all ? blocks : blocksOverlapping(w.from, w.through);
        boolean ordered = true;
        long lastMax = Long.MIN_VALUE;
        for (BlockMeta b : selected) {
            if (b.mint() < lastMax) {
                ordered = false;
                break;
            }
            lastMax = b.maxt();
        }
        if (ordered) {
            return direction == Direction.FORWARD
                    ? new ForwardBlocks(selected, w)
                    : new BackwardBlocks(selected, w);
        }
        return new OverlappingBlocks(groupOverlapping(selected), w, direction);
    }

    /**
     * Splits blocks that overlap in time into groups that do not: blocks sorted by (mint, index), a
     * new group starting only when a block's mint is above every maxt so far. Merging within groups
     * and concatenating the groups gives the same order as merging everything, with memory bounded
     * by one group.
     */
    private static List<List<BlockMeta>> groupOverlapping(List<BlockMeta> selected) {
        List<BlockMeta> sorted = new ArrayList<>(selected);
        sorted.sort(Comparator.comparingLong(BlockMeta::mint).thenComparingInt(BlockMeta::index));
        List<List<BlockMeta>> groups = new ArrayList<>();
        List<BlockMeta> cur = null;
        long runningMax = Long.MIN_VALUE;
        for (BlockMeta b : sorted) {
            if (cur == null || b.mint() > runningMax) {
                cur = new ArrayList<>();
                groups.add(cur);
                runningMax = b.maxt();
            } else {
                runningMax = Math.max(runningMax, b.maxt());
            }
            cur.add(b);
        }
        return groups;
    }

    /** The query window; {@code all} ignores the bounds (so Long.MAX_VALUE itself is included). */
    private record Window(long from, long through, boolean all) {
        boolean before(long ts) {
            return !all && ts < from;
        }

        boolean atOrAfterEnd(long ts) {
            return !all && ts >= through;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Iterators

    /** The window's entries of one block, oldest first, decompressed as they are read. */
    private final class BlockEntries extends AbstractEntryIterator {
        private final BlockMeta meta;
        private final Window window;
        private BlockInput in;
        private long entryNo;

        BlockEntries(BlockMeta meta, Window window) {
            this.meta = meta;
            this.window = window;
        }

        int blockIndex() {
            return meta.index();
        }

        @Override
        protected LogEntry advance() {
            try {
                if (in == null) {
                    int off = base + meta.offset();
                    in =
                            codec == Codec.NONE
                                    ? BlockInput.over(data, off, meta.length())
                                    : new BlockInput(
                                            codec.decompress(
                                                    new ByteArrayInputStream(
                                                            data, off, meta.length())));
                }
                while (!in.atEnd()) {
                    LogEntry e = readEntry();
                    entryNo++;
                    if (window.before(e.timestamp())) {
                        continue;
                    }
                    if (window.atOrAfterEnd(e.timestamp())) {
                        return null;
                    }
                    return e;
                }
                return null;
            } catch (BlockInput.Malformed e) {
                throw blockError(e.problem, e.getMessage(), e);
            } catch (IOException | RuntimeException e) {
                if (e instanceof LokiChunkException lce) {
                    throw lce;
                }
                throw blockError(
                        Problem.MALFORMED_BLOCK, "does not decompress as " + codec + ": " + e, e);
            }
        }

        private LokiChunkException blockError(Problem p, String detail, Throwable cause) {
            return new LokiChunkException(
                    p,
                    options.chunkName(),
                    meta.index(),
                    "entry " + entryNo + ": " + detail,
                    cause);
        }

        private LogEntry readEntry() throws IOException {
            long ts = in.varint("an entry timestamp");
            long lineLen = in.uvarint("a line length");
            if (lineLen < 0 || lineLen > options.maxLineLength()) {
                throw new BlockInput.Malformed(
                        Problem.LINE_TOO_LONG,
                        "line length "
                                + Long.toUnsignedString(lineLen)
                                + " exceeds the limit of "
                                + options.maxLineLength()
                                + " bytes");
            }
            byte[] line = in.bytes((int) lineLen, "a line");
            if (!format.hasStructuredMetadata()) {
                return new LogEntry(ts, line, List.of());
            }
            long sectionLen = in.uvarint("a structured metadata length");
            long start = in.consumed();
            long pairs = in.uvarint("a structured metadata pair count");
            if (pairs < 0 || pairs > sectionLen / 2) {
                throw new BlockInput.Malformed(
                        Problem.MALFORMED_BLOCK,
                        Long.toUnsignedString(pairs)
                                + " structured metadata pairs cannot fit in a "
                                + sectionLen
                                + "-byte section");
            }
            List<Label> sm = pairs == 0 ? List.of() : new ArrayList<>((int) pairs);
            for (long i = 0; i < pairs; i++) {
                String name = symbol(in.uvarint("a structured metadata name index"));
                String value = symbol(in.uvarint("a structured metadata value index"));
                sm.add(new Label(name, value));
            }
            long used = in.consumed() - start;
            if (used != sectionLen) {
                throw new BlockInput.Malformed(
                        Problem.MALFORMED_BLOCK,
                        "structured metadata section holds "
                                + used
                                + " bytes but its length says "
                                + Long.toUnsignedString(sectionLen));
            }
            return new LogEntry(ts, line, sm);
        }

        private String symbol(long index) throws BlockInput.Malformed {
            if (index < 0 || index >= symbols.size()) {
                throw new BlockInput.Malformed(
                        Problem.MALFORMED_BLOCK,
                        "symbol index "
                                + Long.toUnsignedString(index)
                                + " is outside the symbol table ("
                                + symbols.size()
                                + " symbols)");
            }
            return symbols.get((int) index);
        }

        @Override
        protected void release() {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    LOG.debug("closing a block decompressor failed", e);
                }
                in = null;
            }
        }
    }

    /** All window entries of one block, in memory. */
    private List<LogEntry> load(BlockMeta meta, Window w) {
        List<LogEntry> out =
                new ArrayList<>(
                        meta.entries() > 0 && meta.entries() < 65536 ? (int) meta.entries() : 16);
        try (BlockEntries it = new BlockEntries(meta, w)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /** Non-overlapping blocks, oldest first: one block open at a time. */
    private final class ForwardBlocks extends AbstractEntryIterator {
        private final List<BlockMeta> selected;
        private final Window window;
        private int next;
        private BlockEntries current;

        ForwardBlocks(List<BlockMeta> selected, Window window) {
            this.selected = selected;
            this.window = window;
        }

        @Override
        protected LogEntry advance() {
            while (true) {
                if (current != null) {
                    if (current.hasNext()) {
                        return current.next();
                    }
                    current.close();
                    current = null;
                }
                if (next >= selected.size()) {
                    return null;
                }
                current = new BlockEntries(selected.get(next++), window);
            }
        }

        @Override
        protected void release() {
            if (current != null) {
                current.close();
            }
        }
    }

    /** Non-overlapping blocks, newest first: one block's entries in memory at a time. */
    private final class BackwardBlocks extends AbstractEntryIterator {
        private final List<BlockMeta> selected;
        private final Window window;
        private int nextBlock;
        private List<LogEntry> current = List.of();
        private int pos;

        BackwardBlocks(List<BlockMeta> selected, Window window) {
            this.selected = selected;
            this.window = window;
            this.nextBlock = selected.size() - 1;
        }

        @Override
        protected LogEntry advance() {
            while (pos <= 0) {
                if (nextBlock < 0) {
                    return null;
                }
                current = load(selected.get(nextBlock--), window);
                pos = current.size();
            }
            return current.get(--pos);
        }

        @Override
        protected void release() {
            current = List.of();
        }
    }

    /** Overlapping blocks: each group merged by (timestamp, block index), groups concatenated. */
    private final class OverlappingBlocks extends AbstractEntryIterator {
        private final List<List<BlockMeta>> groups;
        private final Window window;
        private final Direction direction;
        private int nextGroup;
        private final List<Cursor> open = new ArrayList<>();

        OverlappingBlocks(List<List<BlockMeta>> groups, Window window, Direction direction) {
            this.groups = direction == Direction.FORWARD ? groups : reversed(groups);
            this.window = window;
            this.direction = direction;
        }

        @Override
        protected LogEntry advance() {
            while (true) {
                Cursor best = null;
                for (Cursor c : open) {
                    if (c.peek() != null && (best == null || c.before(best, direction))) {
                        best = c;
                    }
                }
                if (best != null) {
                    return best.take();
                }
                release();
                if (nextGroup >= groups.size()) {
                    return null;
                }
                for (BlockMeta b : groups.get(nextGroup++)) {
                    open.add(
                            direction == Direction.FORWARD
                                    ? new Cursor(b.index(), new BlockEntries(b, window))
                                    : new Cursor(b.index(), load(b, window)));
                }
            }
        }

        @Override
        protected void release() {
            for (Cursor c : open) {
                if (c.it != null) {
                    c.it.close();
                }
            }
            open.clear();
        }
    }

    /**
     * One block's position in an overlapping merge: a streaming iterator (forward) or a loaded list
     * read backward.
     */
    private static final class Cursor {
        final int blockIndex;
        final BlockEntries it;
        final List<LogEntry> loaded;
        int pos;

        Cursor(int blockIndex, BlockEntries it) {
            this.blockIndex = blockIndex;
            this.it = it;
            this.loaded = null;
        }

        Cursor(int blockIndex, List<LogEntry> loaded) {
            this.blockIndex = blockIndex;
            this.it = null;
            this.loaded = loaded;
            this.pos = loaded.size();
        }

        LogEntry peek() {
            if (it != null) {
                return it.hasNext() ? it.peek() : null;
            }
            return pos > 0 ? loaded.get(pos - 1) : null;
        }

        LogEntry take() {
            return it != null ? it.next() : loaded.get(--pos);
        }

        boolean before(Cursor o, Direction d) {
            long a = peek().timestamp();
            long b = o.peek().timestamp();
            if (d == Direction.FORWARD) {
                return a < b || (a == b && blockIndex < o.blockIndex);
            }
            return a > b || (a == b && blockIndex > o.blockIndex);
        }
    }

    private static <T> List<T> reversed(List<T> in) {
        List<T> out = new ArrayList<>(in);
        Collections.reverse(out);
        return out;
    }

    @Override
    public String toString() {
        return "MemChunk{"
                + (options.chunkName() == null ? "" : options.chunkName() + ", ")
                + "v"
                + format.version()
                + ", "
                + codec.lokiName()
                + ", "
                + length
                + " bytes, "
                + blocks.size()
                + " blocks"
                + (skipped.isEmpty() ? "" : ", " + skipped.size() + " skipped")
                + "}";
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Decoding the header, trailer, symbol table and metas

    private static final class Decoder {
        private final byte[] data;
        private final int base;
        private final int length;
        private final ReadOptions options;

        Decoder(byte[] data, int base, int length, ReadOptions options) {
            this.data = data;
            this.base = base;
            this.length = length;
            this.options = options;
        }

        private LokiChunkException fail(Problem p, int block, String detail) {
            return new LokiChunkException(p, options.chunkName(), block, detail, null);
        }

        private int crc(long off, long len) {
            CRC32C c = new CRC32C();
            c.update(data, base + (int) off, (int) len);
            return (int) c.getValue();
        }

        private int be32(long off) {
            return SliceReader.be32(data, base + (int) off);
        }

        MemChunk decode() {
            if (length < 5) {
                throw fail(
                        Problem.TRUNCATED,
                        -1,
                        "chunk is " + length + " bytes, shorter than its 5-byte header");
            }
            int magic = be32(0);
            if (magic != MAGIC) {
                throw fail(
                        Problem.BAD_MAGIC,
                        -1,
                        String.format("magic number is 0x%08x, want 0x%08x", magic, MAGIC));
            }
            int version = data[base + 4] & 0xFF;
            if (version < 1 || version > 4) {
                throw fail(
                        Problem.UNKNOWN_VERSION,
                        -1,
                        "format version " + version + " is not one Loki writes (1, 2, 3 or 4)");
            }
            ChunkFormat format = ChunkFormat.ofVersion(version);
            int header = format.headerLength();
            Codec codec = Codec.GZIP;
            if (format.hasCodecByte()) {
                if (length < 6) {
                    throw fail(Problem.TRUNCATED, -1, "chunk ends before its codec byte");
                }
                int id = data[base + 5] & 0xFF;
                codec =
                        Codec.byId(id)
                                .orElseThrow(
                                        () ->
                                                fail(
                                                        Problem.UNKNOWN_CODEC,
                                                        -1,
                                                        "block codec "
                                                                + id
                                                                + (id == 2
                                                                        ? " (\"dumb\") is Loki's in-memory test codec and never stored"
                                                                        : " is not one Loki stores (0, 1, 3-9)")));
            }

            long metasOffset;
            long metasLen;
            long blocksStart;
            long smOffset = 0;
            long smLen = 0;
            if (format.hasStructuredMetadata()) {
                int trailer = 32;
                if (length < header + 4 + 4 + trailer) {
                    throw fail(
                            Problem.TRUNCATED,
                            -1,
                            "chunk is "
                                    + length
                                    + " bytes, too short for a v4 header,"
                                    + " two checksums and the 32-byte trailer");
                }
                int t = length - trailer;
                smLen = SliceReader.be64(data, base + t);
                smOffset = SliceReader.be64(data, base + t + 8);
                metasLen = SliceReader.be64(data, base + t + 16);
                metasOffset = SliceReader.be64(data, base + t + 24);
                checkSection("structured metadata", smOffset, smLen, header, t);
                checkSection("metas", metasOffset, metasLen, header, t);
                blocksStart = smOffset + smLen + 4;
            } else {
                int trailer = 12;
                if (length < header + trailer) {
                    throw fail(
                            Problem.TRUNCATED,
                            -1,
                            "chunk is "
                                    + length
                                    + " bytes, too short for the header,"
                                    + " the metas checksum and the 8-byte metas offset");
                }
                metasOffset = SliceReader.be64(data, base + length - 8);
                if (metasOffset < header || metasOffset > length - trailer) {
                    throw fail(
                            Problem.BAD_TRAILER,
                            -1,
                            "metas offset "
                                    + Long.toUnsignedString(metasOffset)
                                    + " is outside ["
                                    + header
                                    + ", "
                                    + (length - trailer)
                                    + "] for a "
                                    + length
                                    + "-byte chunk");
                }
                metasLen = length - trailer - metasOffset;
                blocksStart = header;
            }

            int storedMetasCrc = be32(metasOffset + metasLen);
            int metasCrc = crc(metasOffset, metasLen);
            if (storedMetasCrc != metasCrc) {
                throw fail(
                        Problem.METAS_CHECKSUM,
                        -1,
                        String.format(
                                "block metas checksum mismatch: stored CRC-32C %08x, computed %08x (invalid checksum)",
                                storedMetasCrc, metasCrc));
            }

            List<String> symbols = List.of();
            if (format.hasStructuredMetadata()) {
                int storedSmCrc = be32(smOffset + smLen);
                int smCrc = crc(smOffset, smLen);
                if (storedSmCrc != smCrc) {
                    throw fail(
                            Problem.SYMBOLS_CHECKSUM,
                            -1,
                            String.format(
                                    "structured metadata symbol table checksum mismatch: stored CRC-32C %08x, computed %08x",
                                    storedSmCrc, smCrc));
                }
                symbols = readSymbols(codec, (int) smOffset, (int) smLen);
            }

            List<BlockMeta> blocks = new ArrayList<>();
            List<CorruptBlock> skipped = new ArrayList<>();
            readMetas(
                    format,
                    (int) metasOffset,
                    (int) metasLen,
                    blocksStart,
                    metasOffset,
                    blocks,
                    skipped);
            return new MemChunk(
                    data,
                    base,
                    length,
                    format,
                    codec,
                    symbols,
                    Collections.unmodifiableList(blocks),
                    Collections.unmodifiableList(skipped),
                    options);
        }

        /** A v4 section (len, offset) plus its CRC must lie between the header and the trailer. */
        private void checkSection(
                String name, long offset, long len, int header, int trailerStart) {
            if (offset < header
                    || len < 0
                    || offset > trailerStart
                    || len > trailerStart - offset - 4) {
                throw fail(
                        Problem.BAD_TRAILER,
                        -1,
                        name
                                + " section at offset "
                                + Long.toUnsignedString(offset)
                                + " with length "
                                + Long.toUnsignedString(len)
                                + " (plus its 4-byte checksum) does not fit in ["
                                + header
                                + ", "
                                + trailerStart
                                + ") of a "
                                + length
                                + "-byte chunk");
            }
        }

        private List<String> readSymbols(Codec codec, int smOffset, int smLen) {
            SliceReader r = new SliceReader(data, base + smOffset, smLen);
            long count = r.uvarint();
            if (r.failed() != null) {
                throw fail(Problem.MALFORMED_SYMBOLS, -1, "symbol count: " + r.failed());
            }
            if (count < 0 || count > Integer.MAX_VALUE) {
                throw fail(
                        Problem.MALFORMED_SYMBOLS,
                        -1,
                        "symbol count " + Long.toUnsignedString(count) + " is impossible");
            }
            List<String> out = new ArrayList<>((int) Math.min(count, 1024));
            int start = r.position();
            try (BlockInput in =
                    codec == Codec.NONE
                            ? BlockInput.over(data, start, r.remaining())
                            : new BlockInput(
                                    codec.decompress(
                                            new ByteArrayInputStream(
                                                    data, start, r.remaining())))) {
                for (long i = 0; i < count; i++) {
                    long len = in.uvarint("a symbol length");
                    if (len < 0 || len > options.maxLineLength()) {
                        throw fail(
                                Problem.MALFORMED_SYMBOLS,
                                -1,
                                "symbol " + i + " claims " + Long.toUnsignedString(len) + " bytes");
                    }
                    out.add(new String(in.bytes((int) len, "a symbol"), StandardCharsets.UTF_8));
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof LokiChunkException lce) {
                    throw lce;
                }
                throw new LokiChunkException(
                        Problem.MALFORMED_SYMBOLS,
                        options.chunkName(),
                        -1,
                        "structured metadata symbol table ("
                                + count
                                + " symbols, "
                                + codec
                                + ") does not decode: "
                                + e.getMessage(),
                        e);
            }
            return Collections.unmodifiableList(out);
        }

        /** Why a block at (offset, len) is unusable: null when fine. */
        private Problem validateBlock(long offset, long len, long blocksStart, long blocksEnd) {
            if (offset < blocksStart
                    || len < 0
                    || offset > blocksEnd
                    || len > blocksEnd - offset - 4) {
                return Problem.BLOCK_OUT_OF_RANGE;
            }
            return be32(offset + len) == crc(offset, len) ? null : Problem.BLOCK_CHECKSUM;
        }

        private void readMetas(
                ChunkFormat format,
                int metasOffset,
                int metasLen,
                long blocksStart,
                long blocksEnd,
                List<BlockMeta> blocks,
                List<CorruptBlock> skipped) {
            SliceReader r = new SliceReader(data, base + metasOffset, metasLen);
            long count = r.uvarint();
            if (r.failed() != null) {
                throw fail(Problem.MALFORMED_METAS, -1, "block count: " + r.failed());
            }
            if (count < 0 || count > r.remaining() / MIN_META_BYTES) {
                throw fail(
                        Problem.MALFORMED_METAS,
                        -1,
                        "block count "
                                + Long.toUnsignedString(count)
                                + " cannot fit in "
                                + metasLen
                                + " bytes of metas");
            }
            long expected = blocksStart;
            for (int i = 0; i < count; i++) {
                long entries = r.uvarint();
                long mint = r.varint();
                long maxt = r.varint();
                long offset = r.uvarint();
                long uncompressed = format.hasUncompressedSize() ? r.uvarint() : -1;
                long len = r.uvarint();
                if (r.failed() != null) {
                    throw fail(Problem.MALFORMED_METAS, i, "block meta: " + r.failed());
                }
                if (entries < 0) {
                    throw fail(
                            Problem.MALFORMED_METAS,
                            i,
                            "entry count " + Long.toUnsignedString(entries) + " is impossible");
                }
                Problem problem = validateBlock(offset, len, blocksStart, blocksEnd);
                long storedOffset = offset;
                if (problem != null
                        && offset != expected
                        && validateBlock(expected, len, blocksStart, blocksEnd) == null) {
                    LOG.warn(
                            "Loki chunk {} block {}: stored offset {} is bad ({}); the block is intact at the expected"
                                    + " offset {}, reading it there",
                            options.chunkName(),
                            i,
                            Long.toUnsignedString(offset),
                            problem,
                            expected);
                    offset = expected;
                    problem = null;
                }
                if (problem == Problem.BLOCK_OUT_OF_RANGE) {
                    throw fail(
                            problem,
                            i,
                            "offset "
                                    + Long.toUnsignedString(storedOffset)
                                    + " with length "
                                    + Long.toUnsignedString(len)
                                    + " (plus its 4-byte checksum) is outside the block area ["
                                    + blocksStart
                                    + ", "
                                    + blocksEnd
                                    + "), and the block is not intact at the expected offset "
                                    + expected
                                    + " either");
                }
                if (problem == Problem.BLOCK_CHECKSUM) {
                    int stored = be32(offset + len);
                    LokiChunkException err =
                            fail(
                                    problem,
                                    i,
                                    String.format(
                                            "checksum mismatch: stored CRC-32C %08x, computed %08x over %d bytes at offset %d%s",
                                            stored,
                                            crc(offset, len),
                                            len,
                                            offset,
                                            options.skipCorruptBlocks()
                                                    ? "; block skipped"
                                                    : "; read with skipCorruptBlocks to read the other blocks"));
                    if (!options.skipCorruptBlocks()) {
                        throw err;
                    }
                    CorruptBlock cb = new CorruptBlock(options.chunkName(), i, err);
                    LOG.warn("{}", err.getMessage());
                    skipped.add(cb);
                    if (options.onCorruptBlock() != null) {
                        options.onCorruptBlock().accept(cb);
                    }
                    expected += len + 4;
                    continue;
                }
                expected = offset + len + 4;
                blocks.add(
                        new BlockMeta(
                                i,
                                entries,
                                mint,
                                maxt,
                                (int) offset,
                                uncompressed,
                                (int) len,
                                be32(offset + len)));
            }
        }
    }
}
