/**
 * Deleting data from a chunk store: the series of a selector in a time range ({@link
 * io.chunkstore.core.purge.Purger#deleteSeries}) and every index row and chunk of a tenant ({@link
 * io.chunkstore.core.purge.Purger#deleteTenant}). Index entries go before the chunks they point at,
 * every run is idempotent and resumable through a {@link io.chunkstore.core.purge.PurgeCheckpoint},
 * and a dry run reports exactly what would go. The command is {@code chunkstore delete}.
 */
package io.chunkstore.core.purge;
