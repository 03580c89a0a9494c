/**
 * The table manager (Cortex's pkg/chunk/table_manager.go): which index and chunk tables a schema
 * config expects at a moment, how they are provisioned (active versus inactive, auto-scaling,
 * on-demand, tags), and a sync that creates, updates and, past the retention period, deletes tables
 * through a {@link io.chunkstore.spi.TableClient}.
 *
 * <ul>
 *   <li>{@link io.chunkstore.core.tables.TableManagerConfig} binds the {@code table_manager:} YAML
 *       block with Cortex's keys and defaults; {@link io.chunkstore.core.tables.ProvisionConfig}
 *       its provisioning blocks.
 *   <li>{@link io.chunkstore.core.tables.TableManager#plan()} returns a {@link
 *       io.chunkstore.core.tables.TablePlan} without changing anything; {@link
 *       io.chunkstore.core.tables.TableManager#sync()} carries it out; {@link
 *       io.chunkstore.core.tables.TableSyncLoop} repeats syncs every poll interval.
 * </ul>
 *
 * Not implemented from Cortex: the "extra tables" (the purger's delete-request table) and the
 * filesystem chunk-retention loop ({@code DeleteChunksBefore}).
 */
package io.chunkstore.core.tables;
