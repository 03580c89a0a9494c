package io.chunkstore.loki.chunkenc;

import io.chunkstore.core.model.Label;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.spi.InvalidRequestException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Builds a Loki MemChunk (formats v1-v4, any codec) the way Loki's ingester does: entries go into a
 * head block, which is cut into a compressed block after the append that brings its size (line
 * bytes, plus 8 per structured-metadata pair in v4) to {@code blockSize} or more; {@link #encode()}
 * cuts the last head block and writes the chunk.
 *
 * <p>Entries must be appended in non-decreasing timestamp order (Loki's ordered head block rule,
 * {@code ErrOutOfOrder}); an older entry is rejected, not sorted. Equal timestamps keep their
 * append order, and duplicates are kept (Loki's unordered head would drop an entry with the same
 * timestamp and line). Structured metadata is accepted only for format v4; its symbol table lists
 * names and values in order of first appearance.
 *
 * <p>Not thread-safe. After {@link #encode()} the writer is closed.
 */
public final class MemChunkWriter {
    /** Loki's default {@code -ingester.chunks-block-size}. */
    public static final int DEFAULT_BLOCK_SIZE = 256 * 1024;

    private final ChunkFormat format;
    private final Codec codec;
    private final int blockSize;

    private final ByteSink head = new ByteSink(4096);
    private long headEntries;
    private long headMint;
    private long headMaxt;
    private long headSize;

    private final List<CutBlock> cut = new ArrayList<>();

    private final Map<String, Integer> symbolIndex = new HashMap<>();
    private final List<byte[]> symbols = new ArrayList<>();
    private final CharsetEncoder utf8 =
            StandardCharsets.UTF_8
                    .newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);

    private long entries;
    private long minTime;
    private long lastTs;
    private boolean closed;

    /** A cut block: its compressed bytes and its meta fields. */
    record CutBlock(byte[] compressed, long entries, long mint, long maxt, long uncompressedSize) {}

    /**
     * @param format the chunk format; v1 allows only {@link Codec#GZIP}
     * @param codec the block codec
     * @param blockSize the head block is cut once its size reaches this many bytes (Loki's default
     *     is 262144)
     */
    public MemChunkWriter(ChunkFormat format, Codec codec, int blockSize) {
        this.format = Objects.requireNonNull(format, "format");
        this.codec = Objects.requireNonNull(codec, "codec");
        if (format == ChunkFormat.V1 && codec != Codec.GZIP) {
            throw new InvalidRequestException(
                    "Loki chunk format v1 has no codec byte and is always gzip, not " + codec);
        }
        if (blockSize <= 0) {
            throw new InvalidRequestException("block size must be positive, got " + blockSize);
        }
        this.blockSize = blockSize;
    }

    /** Encodes {@code entries} (in non-decreasing timestamp order) as one MemChunk. */
    public static byte[] encode(
            ChunkFormat format, Codec codec, int blockSize, Iterable<LogEntry> entries) {
        MemChunkWriter w = new MemChunkWriter(format, codec, blockSize);
        for (LogEntry e : entries) {
            w.append(e);
        }
        return w.encode();
    }

    public ChunkFormat format() {
        return format;
    }

    public Codec codec() {
        return codec;
    }

    public int blockSize() {
        return blockSize;
    }

    /** Appends an entry; see {@link #append(long, byte[], List)}. */
    public MemChunkWriter append(LogEntry entry) {
        return append(entry.timestamp(), entry.line(), entry.structuredMetadata());
    }

    /** Appends an entry without structured metadata. */
    public MemChunkWriter append(long timestamp, byte[] line) {
        return append(timestamp, line, List.of());
    }

    /**
     * Appends an entry.
     *
     * @param timestamp Unix ns, not older than the last appended entry's
     * @param line the raw line bytes (copied into the head block)
     * @param structuredMetadata name/value pairs, stored in this order; must be empty before format
     *     v4
     * @throws InvalidRequestException when the entry is out of order, carries structured metadata
     *     in a format that has none, or its line is 1 GiB or longer (Loki refuses to read such
     *     lines)
     */
    public MemChunkWriter append(long timestamp, byte[] line, List<Label> structuredMetadata) {
        if (closed) {
            throw new IllegalStateException("MemChunkWriter already encoded its chunk");
        }
        Objects.requireNonNull(line, "line");
        List<Label> sm = structuredMetadata == null ? List.of() : structuredMetadata;
        if (entries > 0 && timestamp < lastTs) {
            throw new InvalidRequestException(
                    "entry out of order: timestamp "
                            + timestamp
                            + " ns is older than the previous entry's "
                            + lastTs
                            + " ns; append entries in non-decreasing time order");
        }
        if (!sm.isEmpty() && !format.hasStructuredMetadata()) {
            throw new InvalidRequestException(
                    "Loki chunk format v"
                            + format.version()
                            + " cannot store structured metadata ("
                            + sm.size()
                            + " pairs); use format v4 or drop them");
        }
        if (line.length > ReadOptions.LOKI_MAX_LINE_LENGTH) {
            throw new InvalidRequestException(
                    "line of " + line.length + " bytes: Loki refuses lines of 1 GiB or more");
        }
        int[] pairs = new int[sm.size() * 2];
        for (int i = 0; i < sm.size(); i++) {
            Label l = sm.get(i);
            pairs[2 * i] = symbol(l.name());
            pairs[2 * i + 1] = symbol(l.value());
        }

        head.putVarint(timestamp);
        head.putUvarint(line.length);
        head.write(line);
        if (format.hasStructuredMetadata()) {
            int sectionLen = GoVarints.uvarintSize(sm.size());
            for (int p : pairs) {
                sectionLen += GoVarints.uvarintSize(p);
            }
            head.putUvarint(sectionLen);
            head.putUvarint(sm.size());
            for (int p : pairs) {
                head.putUvarint(p);
            }
        }
        if (headEntries == 0) {
            headMint = timestamp;
        }
        headMaxt = timestamp;
        headEntries++;
        headSize += line.length + (format.hasStructuredMetadata() ? 8L * sm.size() : 0);
        if (entries == 0) {
            minTime = timestamp;
        }
        entries++;
        lastTs = timestamp;
        if (headSize >= blockSize) {
            cutHead();
        }
        return this;
    }

    private int symbol(String s) {
        Integer idx = symbolIndex.get(s);
        if (idx != null) {
            return idx;
        }
        byte[] bytes;
        try {
            ByteBuffer bb = utf8.reset().encode(CharBuffer.wrap(s));
            bytes =
                    Arrays.copyOfRange(
                            bb.array(),
                            bb.arrayOffset() + bb.position(),
                            bb.arrayOffset() + bb.limit());
        } catch (CharacterCodingException e) {
            throw new InvalidRequestException(
                    "structured metadata string is not valid Unicode (unpaired surrogate): "
                            + s.codePoints()
                                    .limit(64)
                                    .collect(
                                            StringBuilder::new,
                                            StringBuilder::appendCodePoint,
                                            StringBuilder::append),
                    e);
        }
        int i = symbols.size();
        symbols.add(bytes);
        symbolIndex.put(s, i);
        return i;
    }

    private void cutHead() {
        if (headEntries == 0) {
            return;
        }
        byte[] compressed = codec.compress(head.array(), 0, head.size());
        cut.add(new CutBlock(compressed, headEntries, headMint, headMaxt, headSize));
        head.reset();
        headEntries = 0;
        headSize = 0;
    }

    /** Entries appended so far. */
    public long entryCount() {
        return entries;
    }

    /** Blocks cut so far (the head block is not counted). */
    public int blockCount() {
        return cut.size();
    }

    /**
     * The head block's size as Loki counts it: line bytes, plus 8 per structured-metadata pair in
     * v4.
     */
    public long headSize() {
        return headSize;
    }

    /** The first entry's timestamp (ns); 0 when empty. */
    public long minTime() {
        return entries == 0 ? 0 : minTime;
    }

    /** The last entry's timestamp (ns); 0 when empty. */
    public long maxTime() {
        return entries == 0 ? 0 : lastTs;
    }

    /** The number of distinct structured-metadata strings so far (v4). */
    public int symbolCount() {
        return symbols.size();
    }

    /** Cuts the head block and writes the MemChunk bytes. The writer is closed afterwards. */
    public byte[] encode() {
        if (closed) {
            throw new IllegalStateException("MemChunkWriter already encoded its chunk");
        }
        cutHead();
        closed = true;
        return assemble(format, codec, symbols, cut);
    }

    /**
     * Writes a MemChunk from already compressed blocks: header, v4 symbol table, blocks with CRCs,
     * metas with CRC and the trailer. Package-private so tests can frame hand-made block contents.
     */
    static byte[] assemble(
            ChunkFormat format, Codec codec, List<byte[]> symbols, List<CutBlock> cut) {
        long blockBytes = cut.stream().mapToLong(b -> b.compressed().length).sum();
        ByteSink out =
                new ByteSink(
                        (int)
                                Math.min(
                                        Integer.MAX_VALUE - 64L,
                                        64L + 32L * cut.size() + blockBytes));
        out.putBE32(MemChunk.MAGIC);
        out.write(format.version());
        if (format.hasCodecByte()) {
            out.write(codec.id());
        }

        long smOffset = out.size();
        long smLen = 0;
        if (format.hasStructuredMetadata()) {
            ByteSink raw = new ByteSink(64);
            for (byte[] s : symbols) {
                raw.putUvarint(s.length);
                raw.write(s);
            }
            out.putUvarint(symbols.size());
            out.write(codec.compress(raw.array(), 0, raw.size()));
            smLen = out.size() - smOffset;
            out.putBE32(crc(out, (int) smOffset, (int) smLen));
        }

        long[] offsets = new long[cut.size()];
        for (int i = 0; i < cut.size(); i++) {
            byte[] b = cut.get(i).compressed();
            offsets[i] = out.size();
            out.write(b);
            CRC32C c = new CRC32C();
            c.update(b);
            out.putBE32((int) c.getValue());
        }

        long metasOffset = out.size();
        out.putUvarint(cut.size());
        for (int i = 0; i < cut.size(); i++) {
            CutBlock b = cut.get(i);
            out.putUvarint(b.entries());
            out.putVarint(b.mint());
            out.putVarint(b.maxt());
            out.putUvarint(offsets[i]);
            if (format.hasUncompressedSize()) {
                out.putUvarint(b.uncompressedSize());
            }
            out.putUvarint(b.compressed().length);
        }
        long metasLen = out.size() - metasOffset;
        out.putBE32(crc(out, (int) metasOffset, (int) metasLen));

        if (format.hasStructuredMetadata()) {
            out.putBE64(smLen);
            out.putBE64(smOffset);
            out.putBE64(metasLen);
        }
        out.putBE64(metasOffset);
        return out.toByteArray();
    }

    private static int crc(ByteSink s, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(s.array(), off, len);
        return (int) c.getValue();
    }
}
