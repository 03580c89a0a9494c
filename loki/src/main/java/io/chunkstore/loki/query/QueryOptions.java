package io.chunkstore.loki.query;

/**
 * How the querier reads chunks.
 *
 * @param batchSize chunks fetched per batch (Loki's {@code max_chunk_batch_size}, default 50); with
 *     the one batch prefetched, about twice this many chunks are held at a time, plus the chunks
 *     that overlap a batch boundary
 * @param fetchParallelism concurrent fetches a batch is split into (at least 1)
 * @param skipCorrupt false (default): a missing chunk, a chunk that does not verify, or a corrupt
 *     block fails the query with a typed error naming the chunk and block; true: they are left out,
 *     the rest of the query goes on, and the result lists what was skipped
 * @param dedupeStructuredMetadata false (default): entries of one stream equal in timestamp and
 *     line are one entry (Loki 2.8 to 3.6); true: they must also carry equal structured metadata
 *     (Loki 3.7)
 */
public record QueryOptions(
        int batchSize,
        int fetchParallelism,
        boolean skipCorrupt,
        boolean dedupeStructuredMetadata) {
    /** Loki's {@code max_chunk_batch_size} default. */
    public static final int DEFAULT_BATCH_SIZE = 50;

    public static final int DEFAULT_FETCH_PARALLELISM = 4;
    public static final QueryOptions DEFAULT =
            new QueryOptions(DEFAULT_BATCH_SIZE, DEFAULT_FETCH_PARALLELISM, false, false);

    public QueryOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (fetchParallelism < 1) {
            throw new IllegalArgumentException(
                    "fetchParallelism must be at least 1, got " + fetchParallelism);
        }
    }

    public QueryOptions withBatchSize(int n) {
        return new QueryOptions(n, fetchParallelism, skipCorrupt, dedupeStructuredMetadata);
    }

    public QueryOptions withFetchParallelism(int n) {
        return new QueryOptions(batchSize, n, skipCorrupt, dedupeStructuredMetadata);
    }

    public QueryOptions withSkipCorrupt(boolean skip) {
        return new QueryOptions(batchSize, fetchParallelism, skip, dedupeStructuredMetadata);
    }

    public QueryOptions withDedupeStructuredMetadata(boolean b) {
        return new QueryOptions(batchSize, fetchParallelism, skipCorrupt, b);
    }
}
