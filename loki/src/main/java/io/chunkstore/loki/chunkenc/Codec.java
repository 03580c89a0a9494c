package io.chunkstore.loki.chunkenc;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.xerial.snappy.SnappyFramedInputStream;
import org.xerial.snappy.SnappyFramedOutputStream;

/**
 * A MemChunk block codec: the codec byte (byte 5 of a v2+ chunk) and the stream format each block
 * (and the v4 symbol table) is compressed in. Every block is one independent stream. Id 2 ("dumb")
 * is a Loki test fake and never stored, so it has no constant here.
 */
public enum Codec {
    /** Raw bytes. */
    NONE(0, "none"),
    /** One RFC 1952 gzip member. */
    GZIP(1, "gzip"),
    /** LZ4 frame format, 64 KiB maximum block size (BD 0x40). */
    LZ4_64K(3, "lz4-64k"),
    /**
     * Snappy framing format (stream identifier, masked CRC-32C per chunk), not raw snappy blocks.
     */
    SNAPPY(4, "snappy"),
    /** LZ4 frame format, 256 KiB blocks (BD 0x50). */
    LZ4_256K(5, "lz4-256k"),
    /** LZ4 frame format, 1 MiB blocks (BD 0x60). */
    LZ4_1M(6, "lz4-1M"),
    /** LZ4 frame format, 4 MiB blocks (BD 0x70); Loki calls it plain "lz4". */
    LZ4_4M(7, "lz4"),
    /** Raw DEFLATE (RFC 1951), no zlib or gzip wrapper. */
    FLATE(8, "flate"),
    /** One zstd frame. */
    ZSTD(9, "zstd");

    private final int id;
    private final String lokiName;

    Codec(int id, String lokiName) {
        this.id = id;
        this.lokiName = lokiName;
    }

    /** The codec byte. */
    public int id() {
        return id;
    }

    /** The name Loki's {@code -ingester.chunk-encoding} flag uses. */
    public String lokiName() {
        return lokiName;
    }

    /** The codec with this codec byte, if Loki stores it. */
    public static Optional<Codec> byId(int id) {
        for (Codec c : values()) {
            if (c.id == id) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /**
     * The codec for a Loki {@code -ingester.chunk-encoding} name (case-insensitive; "lz4-4M" is
     * accepted for "lz4").
     *
     * @throws IllegalArgumentException for a name Loki does not know
     */
    public static Codec byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("lz4-4m")) {
            return LZ4_4M;
        }
        for (Codec c : values()) {
            if (c.lokiName.toLowerCase(Locale.ROOT).equals(n)) {
                return c;
            }
        }
        throw new IllegalArgumentException(
                "unknown Loki chunk encoding '"
                        + name
                        + "' (known: none, gzip, lz4-64k, snappy, lz4-256k, lz4-1M, lz4, flate, zstd)");
    }

    /** The LZ4 frame's maximum block size for the lz4 codecs, 0 for the others. */
    int lz4MaxBlockSize() {
        return switch (this) {
            case LZ4_64K -> 64 * 1024;
            case LZ4_256K -> 256 * 1024;
            case LZ4_1M -> 1024 * 1024;
            case LZ4_4M -> 4 * 1024 * 1024;
            default -> 0;
        };
    }

    /**
     * A stream of the decompressed bytes of {@code compressed}. Closing it releases native or
     * inflater resources.
     *
     * @throws IOException when the stream's header is already malformed
     */
    public InputStream decompress(InputStream compressed) throws IOException {
        return switch (this) {
            case NONE -> compressed;
            case GZIP -> new GZIPInputStream(compressed, 8192);
            case LZ4_64K, LZ4_256K, LZ4_1M, LZ4_4M -> new Lz4Frames.Reader(compressed);
            case SNAPPY -> new SnappyFramedInputStream(compressed, true);
            case FLATE -> new RawInflaterStream(compressed);
            case ZSTD -> new ZstdInputStreamNoFinalizer(compressed, RecyclingBufferPool.INSTANCE);
        };
    }

    /**
     * Decompresses a whole buffer (convenience for small streams such as the symbol table and for
     * tests).
     */
    public byte[] decompress(byte[] compressed) throws IOException {
        try (InputStream in = decompress(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        }
    }

    /**
     * Compresses {@code raw[off, off+len)} as one complete stream in this codec, as Loki's writer
     * does with each block: a gzip member (default level), an LZ4 frame (FLG 0x60: independent
     * blocks, no checksums; blocks that do not shrink are stored), a snappy framed stream, raw
     * DEFLATE with a final block, or a zstd frame with a content checksum.
     */
    public byte[] compress(byte[] raw, int off, int len) {
        if (this == NONE) {
            return java.util.Arrays.copyOfRange(raw, off, off + len);
        }
        if (lz4MaxBlockSize() > 0) {
            return Lz4Frames.compress(raw, off, len, lz4MaxBlockSize());
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream(Math.max(64, len / 2));
        try {
            switch (this) {
                case GZIP -> {
                    try (OutputStream out = new GZIPOutputStream(bos, 8192)) {
                        out.write(raw, off, len);
                    }
                }
                case SNAPPY -> {
                    try (OutputStream out = new SnappyFramedOutputStream(bos)) {
                        out.write(raw, off, len);
                    }
                }
                case FLATE -> {
                    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
                    try (DeflaterOutputStream out = new DeflaterOutputStream(bos, deflater, 8192)) {
                        out.write(raw, off, len);
                        out.finish();
                    } finally {
                        deflater.end();
                    }
                }
                case ZSTD -> {
                    try (ZstdOutputStreamNoFinalizer out =
                            new ZstdOutputStreamNoFinalizer(bos, RecyclingBufferPool.INSTANCE)) {
                        out.setChecksum(true);
                        out.write(raw, off, len);
                    }
                }
                default -> throw new IllegalStateException("unreachable: " + this);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("compressing with " + lokiName + " failed", e);
        }
        return bos.toByteArray();
    }

    /** Compresses a whole buffer. */
    public byte[] compress(byte[] raw) {
        return compress(raw, 0, raw.length);
    }

    @Override
    public String toString() {
        return lokiName + " (" + id + ")";
    }

    /**
     * Raw DEFLATE reader that ends its Inflater on close (InflaterInputStream does not for a
     * caller's Inflater).
     */
    private static final class RawInflaterStream extends InflaterInputStream {
        RawInflaterStream(InputStream in) {
            super(in, new Inflater(true), 8192);
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                inf.end();
            }
        }
    }
}
