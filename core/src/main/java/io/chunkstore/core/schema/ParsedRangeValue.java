package io.chunkstore.core.schema;

/**
 * What a label or chunk index entry points at (Cortex's {@code parseChunkTimeRangeValue}): an ID
 * and, for label entries, the label value.
 *
 * @param id a chunk ID (external key) for v1-v6 entries and v9+ chunk entries, a series ID for v9+
 *     metric ('7') and label ('8') entries
 * @param labelValue the label value the entry carries; "" when it carries none (metric rows, chunk
 *     entries)
 */
public record ParsedRangeValue(String id, String labelValue) {}
