/**
 * The index schemas v1-v6 and v9-v12: the exact bytes Cortex (and Loki, for v12) write into and
 * read from the index (Cortex's pkg/chunk/schema.go and schema_util.go, checked against the golden
 * vectors of testdata/golden/cortex-v1.10-worked-example.jsonl).
 *
 * <p>{@link io.chunkstore.core.schema.IndexSchemas#forPeriod} gives a period's {@link
 * io.chunkstore.core.schema.IndexSchema}: the write entries of a chunk (and, for v9+, the label
 * entries per bucket with their write-dedupe cache keys, and the chunk entries), and the read
 * queries of each lookup (metric, metric + label name, metric + label value, chunks of a series,
 * label names of a series for v11+), plus the query-shard filter. The pieces it is built from are
 * public too: {@link io.chunkstore.core.schema.Buckets} and {@link
 * io.chunkstore.core.schema.Bucket} (hourly for v1, daily otherwise; hash keys {@code user:i} /
 * {@code user:d<i>}), {@link io.chunkstore.core.schema.RangeValue} and {@link
 * io.chunkstore.core.schema.RangeValueMarker} (components separated by {@code \0}, version
 * markers), {@link io.chunkstore.core.schema.HexTime}, {@link
 * io.chunkstore.core.schema.IndexEncoding} (base64, sha256b64) and {@link
 * io.chunkstore.core.schema.SeriesId} (with the v10+ row shard). {@link
 * io.chunkstore.core.schema.RangeValueParser} reads entries back.
 *
 * <p>One deliberate option: v9+ label-value reads use Cortex's range-value <em>start</em> by
 * default; {@link io.chunkstore.core.schema.LabelValueLookup#PREFIX} gives Loki 2.5's
 * <em>prefix</em> instead. Both return the same entries after the value filter; the prefix lets a
 * backend scan less.
 *
 * <p>Chunk IDs are external keys taken as strings; this package does not parse them.
 */
package io.chunkstore.core.schema;
