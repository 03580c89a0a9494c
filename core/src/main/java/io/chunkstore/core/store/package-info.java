/**
 * The series store: the querier's and ingester's path over the storage SPI (Cortex's
 * pkg/chunk/composite_store.go, series_store.go, chunk_store.go).
 *
 * <ul>
 *   <li>{@link io.chunkstore.core.store.ChunkStore} is the API; {@link
 *       io.chunkstore.core.store.CompositeStore} implements it across schema periods, with one
 *       period store per period: v9+ periods look series up by label matchers (one concurrent index
 *       lookup per matcher, intersected) and then their chunks; v1-v6 periods look chunk IDs up
 *       directly.
 *   <li>Queries are validated as Cortex does (time range, max query length, the metric-name
 *       equality matcher, the {@code __cortex_shard__} query shard), with Cortex's error messages
 *       as {@link io.chunkstore.spi.InvalidQueryException}s; now comes from an injectable clock.
 *   <li>Chunks are fetched through an optional {@link io.chunkstore.core.cache.ChunkCache}, then
 *       from the backend in bounded parallel batches, each decoded and verified against its key; a
 *       missing or corrupt chunk fails the fetch with a {@link
 *       io.chunkstore.spi.ChunkFetchException} naming it.
 *   <li>Writes store the chunk before the index entries that point at it; label entries go through
 *       the {@link io.chunkstore.core.cache.WriteDedupeCache}.
 *   <li>{@link io.chunkstore.core.store.StoreBackends} opens the backends a config names through
 *       the {@link io.chunkstore.spi.StorageProvider}s and resolves each period's clients.
 * </ul>
 *
 * Metrics are Cortex's {@code chunk_store_*} under the config's namespace.
 */
package io.chunkstore.core.store;
