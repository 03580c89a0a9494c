package io.chunkstore.core.blocks;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes chunks into a block's {@code chunks/000001, 000002, ...} segment files, as
 * prometheus/prometheus {@code tsdb/docs/format/chunks.md} lays them out: a header {@code
 * magic(0x85BD40DD) <4b> | version(1) <1b> | padding(0) <3b>}, then chunks {@code len <uvarint> |
 * encoding <1b> | data <len bytes> | CRC32C(encoding, data) <4b>}. A chunk's reference is the
 * segment's index (from 0) in the upper 32 bits and the chunk's offset in its file in the lower 32
 * ({@code chunks.NewBlockChunkRef}), so a segment is cut before it would exceed the size limit (512
 * MiB, Prometheus' {@code DefaultChunkSegmentSize}).
 */
final class ChunkSegmentWriter implements AutoCloseable {
    /** The magic number that starts a segment file. */
    static final int MAGIC = 0x85BD40DD;

    /** Prometheus' default (and largest useful) segment size: 512 MiB. */
    static final long DEFAULT_SEGMENT_SIZE = 512L << 20;

    /** Encoding byte of an XOR chunk ({@code chunkenc.EncXOR}). */
    static final int ENCODING_XOR = 1;

    static final int HEADER_SIZE = 8;

    private final Path dir;
    private final long segmentSize;
    private final List<Path> files = new ArrayList<>();
    private final Bytes scratch = new Bytes(256);
    private OutputStream out;
    private long offset;

    ChunkSegmentWriter(Path chunksDir, long segmentSize) {
        if (segmentSize < HEADER_SIZE + 64 || segmentSize > 1L << 32) {
            throw new IllegalArgumentException(
                    "chunk segment size must be between 72 bytes and 4 GiB, not " + segmentSize);
        }
        this.dir = chunksDir;
        this.segmentSize = segmentSize;
    }

    /** Appends an XOR chunk's bytes and returns its reference. */
    long write(byte[] data, int length) {
        scratch.reset();
        scratch.putUvarint(length);
        int crcFrom = scratch.length();
        scratch.putByte(ENCODING_XOR);
        scratch.putBytes(data, 0, length);
        scratch.putCrcOf(crcFrom);
        int n = scratch.length();
        try {
            if (out == null || offset + n > segmentSize) {
                cut();
            }
            long ref = ((long) (files.size() - 1) << 32) | offset;
            out.write(scratch.array(), 0, n);
            offset += n;
            return ref;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chunk segment in " + dir + ": " + e, e);
        }
    }

    private void cut() throws IOException {
        closeCurrent();
        Files.createDirectories(dir);
        Path f = dir.resolve(String.format(Locale.ROOT, "%06d", files.size() + 1));
        out = new BufferedOutputStream(Files.newOutputStream(f), 1 << 16);
        files.add(f);
        Bytes h = new Bytes(HEADER_SIZE);
        h.putBe32(MAGIC).putByte(1).putByte(0).putByte(0).putByte(0);
        out.write(h.array(), 0, h.length());
        offset = HEADER_SIZE;
    }

    private void closeCurrent() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }

    /** The segment files written so far. */
    List<Path> files() {
        return List.copyOf(files);
    }

    @Override
    public void close() {
        try {
            closeCurrent();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close chunk segment in " + dir + ": " + e, e);
        }
    }
}
