package io.chunkstore.loki.chunkenc;

/**
 * The MemChunk format version (byte 4 of the chunk). v1: Loki 0.1-1.2, gzip only, no codec byte.
 * v2: adds the codec byte (Loki 1.3-2.1). v3: adds each block's uncompressed size to the metas
 * (Loki 2.2+, schema up to v12). v4: adds structured metadata, a symbol table and a section trailer
 * (Loki 2.9+, schema v13+).
 */
public enum ChunkFormat {
    V1(1),
    V2(2),
    V3(3),
    V4(4);

    private final int version;

    ChunkFormat(int version) {
        this.version = version;
    }

    /** The version byte. */
    public int version() {
        return version;
    }

    /** The format with this version byte. */
    public static ChunkFormat ofVersion(int version) {
        return switch (version) {
            case 1 -> V1;
            case 2 -> V2;
            case 3 -> V3;
            case 4 -> V4;
            default ->
                    throw new IllegalArgumentException(
                            "no Loki chunk format version " + version + " (known: 1, 2, 3, 4)");
        };
    }

    /** Whether byte 5 names the block codec (v2+); v1 chunks are always gzip. */
    public boolean hasCodecByte() {
        return version >= 2;
    }

    /** Whether block metas carry the uncompressed size (v3+). */
    public boolean hasUncompressedSize() {
        return version >= 3;
    }

    /** Whether entries carry structured metadata through a symbol table (v4). */
    public boolean hasStructuredMetadata() {
        return version >= 4;
    }

    /** Length of the header: magic, version and, from v2, the codec byte. */
    public int headerLength() {
        return hasCodecByte() ? 6 : 5;
    }
}
