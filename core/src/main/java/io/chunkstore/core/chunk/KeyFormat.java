package io.chunkstore.core.chunk;

/**
 * How a chunk's external key is written (Cortex's pkg/chunk/chunk.go, Loki's
 * pkg/storage/config/schema_config.go). Which one a store uses comes from its schema config: Loki
 * schema v12 and later write {@link #V12}, everything else {@link #CURRENT}; chunks without a
 * checksum only ever had the legacy forms.
 */
public enum KeyFormat {
    /**
     * {@code <fp>:<from>:<through>} in decimal: the chunk ID old (pre-checksum) index entries hold.
     */
    LEGACY_INDEX,
    /** {@code <user>/<fp>:<from>:<through>} in decimal: the storage key of a pre-checksum chunk. */
    LEGACY,
    /**
     * {@code <user>/<fp>:<from>:<through>:<checksum>} in lowercase hex: Cortex and Loki before
     * schema v12.
     */
    CURRENT,
    /**
     * {@code <user>/<fp>/<from>:<through>:<checksum>} in lowercase hex: Loki schema v12 and later.
     */
    V12;

    /** {@link #V12} for schema versions 12 and later, {@link #CURRENT} before. */
    public static KeyFormat forSchemaVersion(int schemaVersion) {
        return schemaVersion >= 12 ? V12 : CURRENT;
    }
}
