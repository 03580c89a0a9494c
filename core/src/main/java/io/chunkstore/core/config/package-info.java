/**
 * Config files: Cortex schema files ({@code configs:}), Cortex configs ({@code schema:}, {@code
 * storage:}) and Loki configs ({@code schema_config:}, {@code storage_config:}), read with Jackson
 * YAML.
 *
 * <p>{@link io.chunkstore.core.config.ChunkstoreConfig} loads a whole file: the validated {@link
 * io.chunkstore.core.config.SchemaConfig} (period configs in increasing order of {@code from}) and
 * the storage, table manager and limits blocks kept raw for the modules that bind them. Each {@link
 * io.chunkstore.core.config.PeriodConfig} names the index and chunk stores, the {@link
 * io.chunkstore.core.config.SchemaVersion} (v1-v6, v9-v12), the index and chunk tables ({@link
 * io.chunkstore.core.config.PeriodicTableConfig}, periods in Prometheus form, see {@link
 * io.chunkstore.core.config.Durations}) and the row shards. Validation follows Cortex
 * (pkg/chunk/schema_config.go) and every error is a {@link io.chunkstore.spi.ConfigException}
 * naming the file, the entry ({@code schema_config.configs[1] (from 2020-01-01)}) and the key.
 * Store names are not checked against a list: backends are plugins.
 *
 * <p>{@link io.chunkstore.core.config.SchemaConfig#split} cuts a time range at period starts as
 * Cortex's composite store does (pkg/chunk/composite_store.go); {@link
 * io.chunkstore.core.config.SchemaConfig#chunkTableFor} and {@link
 * io.chunkstore.core.config.SchemaConfig#isV12OrLater} answer for a chunk's {@code from}.
 */
package io.chunkstore.core.config;
