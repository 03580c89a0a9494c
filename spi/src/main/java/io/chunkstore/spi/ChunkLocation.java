package io.chunkstore.spi;

import java.util.Objects;

/**
 * Where a chunk lives: its external key and, for table stores, its chunk table ("" for object
 * stores).
 */
public record ChunkLocation(String key, String tableName) {
    public ChunkLocation {
        Objects.requireNonNull(key, "key");
        tableName = tableName == null ? "" : tableName;
    }
}
