/**
 * In-process caches of the store path, on Caffeine.
 *
 * <ul>
 *   <li>{@link io.chunkstore.core.cache.CachingIndexClient}: Cortex's index query cache
 *       (pkg/chunk/storage/caching_index_client.go), an {@link io.chunkstore.spi.IndexClient}
 *       wrapper that reads whole rows once and answers every query from them, with the cardinality
 *       limit ({@link io.chunkstore.core.cache.CardinalityExceededException}) and immutable versus
 *       expiring rows.
 *   <li>{@link io.chunkstore.core.cache.ChunkCache}: encoded chunks by external key, bounded in
 *       bytes.
 *   <li>{@link io.chunkstore.core.cache.WriteDedupeCache}: which series' label entries were written
 *       per bucket.
 * </ul>
 *
 * Cortex's shared tiers (memcached, redis) and their value formats (snappy-compressed protobuf
 * {@code ReadBatch} with FNV-hashed keys) are not implemented: these caches live in the process
 * that uses them. The index cache materialises rows by design; leave it off where index reads must
 * stay streaming and bounded.
 */
package io.chunkstore.core.cache;
