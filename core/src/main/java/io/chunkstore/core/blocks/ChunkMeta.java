package io.chunkstore.core.blocks;

/**
 * One chunk of a series in a block's index: the times of its first and last sample (inclusive ms)
 * and its reference into the chunk segments (prometheus/prometheus tsdb/docs/format/index.md,
 * "Series").
 *
 * @param minTime time of the first sample
 * @param maxTime time of the last sample
 * @param ref segment index in the upper 32 bits, offset in the segment in the lower 32
 */
public record ChunkMeta(long minTime, long maxTime, long ref) {}
