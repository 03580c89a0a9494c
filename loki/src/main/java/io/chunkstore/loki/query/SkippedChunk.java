package io.chunkstore.loki.query;

/**
 * What a query with "skip corrupt" left out: a whole chunk (block -1) that is missing or does not
 * verify, or one block of a chunk whose checksum or content is bad.
 *
 * @param externalKey the chunk's key
 * @param blockIndex the block's index in the chunk's metas, or -1 for the whole chunk
 * @param reason the error that would otherwise have failed the query
 */
public record SkippedChunk(String externalKey, int blockIndex, String reason) {}
