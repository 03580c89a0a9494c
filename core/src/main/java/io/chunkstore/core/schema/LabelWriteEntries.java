package io.chunkstore.core.schema;

import io.chunkstore.spi.IndexEntry;
import java.util.List;

/**
 * The label entries of one series in one bucket (v9+), with the write-dedupe cache key that says
 * whether they were already written: lowercase hex of the ASCII string {@code
 * <table>-<hashKey>-<seriesID>}. A store writes {@code entries} only when {@code cacheKey} is
 * missing from its write-dedupe cache.
 */
public record LabelWriteEntries(Bucket bucket, String cacheKey, List<IndexEntry> entries) {
    public LabelWriteEntries {
        entries = List.copyOf(entries);
    }
}
