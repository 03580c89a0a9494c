package io.chunkstore.loki.query;

import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.store.FetchedChunks;
import java.util.List;

/**
 * What the log query path needs from a chunk store (Loki's store path over the series store): chunk
 * references from the index for a tenant, a time range and label matchers, and the chunks behind
 * them. Times are inclusive milliseconds. Implemented over the series store's composite store (one
 * backend per schema period); thread-safe.
 */
public interface LogChunkSource {

    /**
     * The chunks of the series matching {@code matchers} that overlap {@code [fromMs, throughMs]},
     * from the index only. The matchers include {@code __name__="logs"}. A source may return chunks
     * of series that a matcher does not match (Cortex skips matchers whose lookup hit the
     * cardinality limit); the querier checks every matcher against each fetched chunk's labels.
     */
    List<LogChunkRef> chunkRefs(
            String userId, long fromMs, long throughMs, List<LabelMatcher> matchers);

    /**
     * Fetches chunks and checks each envelope against its key, decoding each once. Never throws for
     * a chunk that is missing or does not verify: those go to {@link FetchedChunks#failures()}, so
     * the querier decides whether to fail or skip.
     */
    FetchedChunks fetch(List<LogChunkRef> refs);

    /** Label names of the tenant's log streams in the range, sorted, without {@code __name__}. */
    List<String> labelNames(String userId, long fromMs, long throughMs);

    /** Values of one label among the tenant's log streams in the range, sorted. */
    List<String> labelValues(String userId, long fromMs, long throughMs, String labelName);
}
