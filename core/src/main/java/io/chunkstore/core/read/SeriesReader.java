package io.chunkstore.core.read;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.store.ChunkStore;
import io.chunkstore.core.store.FetchedChunks;
import io.chunkstore.core.store.IndexedChunk;
import io.chunkstore.core.store.QueryMatchers;
import io.chunkstore.core.store.SeriesChunks;
import io.chunkstore.spi.ChunkFetchException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Label matchers to whole series: the chunks the index finds, fetched in batches and counted
 * against the request's {@link ReadLimits.Budget}, re-checked against every matcher and grouped
 * into {@link SeriesChunks} in Prometheus' series order. Each series' samples then come from {@link
 * SeriesChunks#samples} (replicas merged, each timestamp once, stale markers kept bit for bit).
 *
 * <p>The store needs an equality matcher on {@code __name__}: Cortex's chunk store indexes series
 * by metric name (schemas v9 and later hash index rows by {@code tenant:bucket:metric}), and
 * refuses a query without one ("query must contain metric name", {@link
 * io.chunkstore.spi.InvalidQueryException}), as its querier did.
 */
public final class SeriesReader {
    /** External keys fetched in one batch, so the byte limit stops a large read early. */
    static final int FETCH_BATCH = 1000;

    private final ChunkStore store;

    public SeriesReader(ChunkStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * The series of {@code tenant} matching every matcher that have chunks overlapping {@code
     * [from, through]} (inclusive ms), in {@link io.chunkstore.core.model.Labels#ORDER}.
     *
     * @throws ReadLimitException when the series or the fetched chunk bytes exceed the budget's
     *     limits (before any chunk is fetched when the index alone shows too many series)
     * @throws io.chunkstore.spi.InvalidQueryException for a query the store cannot answer (no
     *     metric name, a range over the store's query length limit)
     * @throws ChunkFetchException naming every chunk that is missing or does not verify
     */
    public List<SeriesChunks> read(
            String tenant,
            long from,
            long through,
            List<LabelMatcher> matchers,
            ReadLimits.Budget budget) {
        List<IndexedChunk> refs = store.chunkRefs(tenant, from, through, matchers);
        Set<Long> fingerprints = new HashSet<>();
        for (IndexedChunk r : refs) {
            fingerprints.add(r.fingerprint());
        }
        budget.requireSeries(fingerprints.size());
        List<Chunk> chunks = new ArrayList<>(refs.size());
        for (int i = 0; i < refs.size(); i += FETCH_BATCH) {
            FetchedChunks got =
                    store.fetchAll(refs.subList(i, Math.min(refs.size(), i + FETCH_BATCH)));
            if (!got.failures().isEmpty()) {
                throw new ChunkFetchException(List.of(), got.failures());
            }
            long bytes = 0;
            for (ChunkCodec.Encoded e : got.chunks().values()) {
                bytes += e.bytes().length;
                if (QueryMatchers.matchesAll(e.chunk().labels(), matchers)) {
                    chunks.add(e.chunk());
                }
            }
            budget.addChunkBytes(bytes);
        }
        List<SeriesChunks> series = SeriesChunks.group(chunks);
        budget.addSeries(series.size());
        return series;
    }
}
