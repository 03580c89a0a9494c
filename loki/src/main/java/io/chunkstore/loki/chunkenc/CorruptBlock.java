package io.chunkstore.loki.chunkenc;

/**
 * A block a reader skipped because {@link ReadOptions#skipCorruptBlocks()} was set: which chunk,
 * which block, and the error that would otherwise have been thrown.
 */
public record CorruptBlock(String chunkName, int blockIndex, LokiChunkException error) {}
