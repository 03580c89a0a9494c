package io.chunkstore.loki.chunkenc;

/**
 * One block's entry in the chunk metas.
 *
 * @param index the block's position in the metas (also for blocks a reader skipped)
 * @param entries the number of entries the writer recorded
 * @param mint the first (smallest) entry timestamp, ns
 * @param maxt the last (largest) entry timestamp, ns
 * @param offset where the block's compressed bytes start in the MemChunk (after offset repair, if
 *     any)
 * @param uncompressedSize Loki's "uncompressed size": the sum of line lengths, plus 8 per
 *     structured-metadata pair in v4; -1 for v1/v2, which do not record it
 * @param length the compressed length, without the 4-byte CRC that follows
 * @param crc32c the CRC-32C stored after the block
 */
public record BlockMeta(
        int index,
        long entries,
        long mint,
        long maxt,
        int offset,
        long uncompressedSize,
        int length,
        int crc32c) {
    /**
     * Whether the block may hold entries in {@code [from, through)}: Loki's inclusive test on both
     * bounds.
     */
    public boolean overlaps(long from, long through) {
        return !(through < mint || maxt < from);
    }
}
