package io.chunkstore.spi;

import java.util.Objects;

/**
 * A chunk as a chunk store keeps it: its encoded bytes (Cortex's {@code Chunk.Encoded()}), stored
 * under its external key in the table chosen by its {@code from} time. The table name is empty for
 * stores without tables (object stores).
 */
public record EncodedChunk(String key, String tableName, byte[] encoded) {
    public EncodedChunk {
        Objects.requireNonNull(key, "key");
        tableName = tableName == null ? "" : tableName;
        Objects.requireNonNull(encoded, "encoded");
    }

    public ChunkLocation location() {
        return new ChunkLocation(key, tableName);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedChunk c
                && key.equals(c.key)
                && tableName.equals(c.tableName)
                && java.util.Arrays.equals(encoded, c.encoded);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, tableName, java.util.Arrays.hashCode(encoded));
    }

    @Override
    public String toString() {
        return "EncodedChunk{key="
                + key
                + ", table="
                + tableName
                + ", "
                + encoded.length
                + " bytes}";
    }
}
