package io.chunkstore.core.store;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.model.LabelMatcher;
import java.util.List;

/**
 * The querier's and the ingester's view of a chunk store (Cortex's {@code chunk.Store}): label
 * matchers to chunks, label values and names, and chunk writes with their index entries. Times are
 * inclusive milliseconds; the user is the tenant. Implemented by {@link CompositeStore}.
 *
 * <p>Errors are typed: {@link io.chunkstore.spi.InvalidQueryException} for a query that cannot be
 * answered as asked (with Cortex's messages), {@link
 * io.chunkstore.core.cache.CardinalityExceededException} when every matcher hit the index cache's
 * cardinality limit, {@link io.chunkstore.spi.ChunkFetchException} naming every chunk that is
 * missing or does not verify, and the backends' own errors.
 */
public interface ChunkStore {

    /**
     * The chunks of the series matching {@code matchers} (which must include {@code
     * __name__="metric"}) that overlap {@code [from, through]}, fetched, verified and filtered by
     * every matcher.
     */
    List<Chunk> get(String userId, long from, long through, List<LabelMatcher> matchers);

    /**
     * The chunks {@link #get} would fetch, from the index only (Cortex's {@code GetChunkRefs}), one
     * per external key, in period order then key order. A matcher whose lookup hit the cardinality
     * limit is not applied here (as in Cortex); {@link #get} applies every matcher to the fetched
     * chunks.
     */
    List<IndexedChunk> chunkRefs(
            String userId, long from, long through, List<LabelMatcher> matchers);

    /**
     * Fetches, decodes and verifies chunks found by {@link #chunkRefs}, through the chunk cache, in
     * their order.
     */
    List<Chunk> fetch(List<IndexedChunk> chunks);

    /**
     * As {@link #fetch}, with each chunk's stored bytes: what a migration copies, so the target
     * keeps the same bytes, checksum and key (re-encoding a decoded chunk may not reproduce them).
     */
    List<ChunkCodec.Encoded> fetchEncoded(List<IndexedChunk> chunks);

    /**
     * As {@link #fetch}, but a chunk that is missing or does not verify is a typed failure of the
     * result, next to the chunks that were read (each decoded once), so the caller decides whether
     * to fail or skip it.
     */
    FetchedChunks fetchAll(List<IndexedChunk> chunks);

    /** The values of {@code labelName} among the metric's series in the range, sorted. */
    List<String> labelValuesForMetricName(
            String userId, long from, long through, String metricName, String labelName);

    /** The label names of the metric's series in the range, {@code __name__} included, sorted. */
    List<String> labelNamesForMetricName(String userId, long from, long through, String metricName);

    /** Stores encoded chunks and their index entries over each chunk's own time range. */
    void put(List<ChunkCodec.Encoded> chunks);

    /**
     * Stores one encoded chunk, indexing it for {@code [from, through]} (Cortex's {@code PutOne}).
     */
    void putOne(long from, long through, ChunkCodec.Encoded chunk);

    /**
     * Encodes a chunk (setting its checksum), stores it with its index entries and returns it
     * encoded.
     */
    ChunkCodec.Encoded put(Chunk chunk);
}
