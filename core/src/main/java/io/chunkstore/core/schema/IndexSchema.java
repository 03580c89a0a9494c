package io.chunkstore.core.schema;

import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.Labels;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import java.util.List;

/**
 * The index schema of one period (Cortex's {@code StoreSchema} and {@code SeriesStoreSchema} in one
 * interface): the index entries a chunk writes and the queries that read them back, byte for byte
 * as Cortex (and Loki for v12).
 *
 * <p>Every method takes an inclusive time range {@code [fromMs, throughMs]} already clipped to this
 * period (see {@link io.chunkstore.core.config.SchemaConfig#split}) and works bucket by bucket
 * ({@link Buckets}). Chunk IDs are external keys as strings. Label sets must carry a metric name
 * ({@code __name__}); its absence is an {@link io.chunkstore.spi.InvalidRequestException}.
 *
 * <p>Store schemas (v1-v6) write per chunk only ({@link #writeEntries}); series-store schemas (v9+)
 * split the writes into label entries, written once per series per bucket, and chunk entries,
 * written per chunk. A method the schema does not have throws {@link UnsupportedLookupException}
 * naming the schema.
 */
public interface IndexSchema {

    /** The period this schema writes and reads. */
    PeriodConfig period();

    /** The schema version. */
    default SchemaVersion version() {
        return period().schema();
    }

    /** The buckets of a range for this period (hourly for v1, daily otherwise). */
    List<Bucket> buckets(long fromMs, long throughMs, String userId);

    /**
     * Every index entry one chunk writes: for v1-v6 Cortex's {@code GetWriteEntries}; for v9+ the
     * label entries of every bucket followed by the chunk entries (no dedupe-cache filtering).
     */
    List<IndexEntry> writeEntries(
            long fromMs, long throughMs, String userId, Labels labels, String chunkId);

    /**
     * v9+: the label entries of a series, per bucket with its write-dedupe cache key (Cortex's
     * {@code GetCacheKeysAndLabelWriteEntries}).
     *
     * @throws UnsupportedLookupException for v1-v6
     */
    List<LabelWriteEntries> labelWriteEntries(
            long fromMs, long throughMs, String userId, Labels labels);

    /**
     * v9+: the series-to-chunk entries of one chunk (Cortex's {@code GetChunkWriteEntries}).
     *
     * @throws UnsupportedLookupException for v1-v6
     */
    List<IndexEntry> chunkWriteEntries(
            long fromMs, long throughMs, String userId, Labels labels, String chunkId);

    /**
     * Whether a label entry (one of {@link #labelWriteEntries}) is shared by every bucket of its
     * table rather than belonging to one bucket: v11+'s label-names row, keyed by the series ID
     * alone (so also shared by every tenant with that series). The purger removes a bucket's label
     * entries once no chunk of the series remains in the bucket, and a shared one only once none
     * remains in the whole table.
     */
    default boolean sharedByTable(IndexEntry labelEntry) {
        return false;
    }

    /**
     * v9+: the series ID of a chunk entry (one {@link #chunkWriteEntries} writes, in a series'
     * chunk row), or null for any other entry. The purger uses it to tell, from a table scan,
     * whether any tenant still has chunks of a series whose {@link #sharedByTable} rows it removes.
     */
    default String seriesOfChunkEntry(IndexEntry entry) {
        return null;
    }

    /**
     * The prefixes of every hash value this schema writes for a tenant: {@code <user>:} and, with
     * row shards, {@code <shard>:<user>:} for each shard. The {@link #sharedByTable} rows, keyed by
     * the series alone, have none of them. Tenant IDs hold no {@code :}, so a prefix belongs to one
     * tenant only.
     */
    List<String> tenantHashPrefixes(String userId);

    /**
     * Whether a hash value is one of the tenant's rows of this schema with a bucket in {@code
     * [fromMs, throughMs]}, judged by the row's whole shape ({@code <user>:<bucket>:...}, and from
     * v10 {@code <shard>:<user>:<bucket>:...}), not by a prefix of {@link #tenantHashPrefixes}
     * alone: tenant {@code 01}'s prefix {@code 01:} also starts row shard 01's label rows of every
     * tenant, and one index table may hold rows of several schemas (periods sharing a prefix). The
     * one ambiguity left is a tenant named like a bucket of the range ({@code d19800}).
     */
    boolean isTenantRow(String hashValue, String userId, long fromMs, long throughMs);

    /**
     * The queries for every series (v9+) or chunk (v1-v6) of a metric; one per bucket (and row
     * shard).
     */
    List<IndexQuery> readQueriesForMetric(
            long fromMs, long throughMs, String userId, String metricName);

    /** The queries for the series or chunks of a metric that have label {@code labelName}. */
    List<IndexQuery> readQueriesForMetricLabel(
            long fromMs, long throughMs, String userId, String metricName, String labelName);

    /**
     * The queries for the series or chunks of a metric with {@code labelName = labelValue}.
     *
     * @throws io.chunkstore.spi.InvalidQueryException for v1/v2 when the value contains a null byte
     */
    List<IndexQuery> readQueriesForMetricLabelValue(
            long fromMs,
            long throughMs,
            String userId,
            String metricName,
            String labelName,
            String labelValue);

    /**
     * v9+: the queries for the chunks of a series (Cortex's {@code GetChunksForSeries}).
     *
     * @throws UnsupportedLookupException for v1-v6
     */
    List<IndexQuery> chunksForSeries(long fromMs, long throughMs, String userId, String seriesId);

    /**
     * v11+: the queries for the label-names rows of a series (Cortex's {@code
     * GetLabelNamesForSeries}); each row's value is a JSON array of names ({@link
     * RangeValueParser#parseLabelNamesValue}).
     *
     * @throws UnsupportedLookupException below v11 (Cortex's {@code ErrNotSupported}: read chunks
     *     instead)
     */
    List<IndexQuery> labelNamesForSeries(
            long fromMs, long throughMs, String userId, String seriesId);

    /**
     * Keeps the queries of one query shard (Cortex's {@code FilterReadQueries}): for row-sharded
     * schemas (v10+) the queries whose hash value starts with that row shard; other schemas, or a
     * null shard, keep all.
     */
    List<IndexQuery> filterReadQueries(List<IndexQuery> queries, QueryShard shard);
}
