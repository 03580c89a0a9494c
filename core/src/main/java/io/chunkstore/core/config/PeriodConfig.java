package io.chunkstore.core.config;

import io.chunkstore.spi.ConfigException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Set;

/**
 * One entry of a schema config ({@code configs[i]}): from which day on it applies, which stores
 * keep the index and the chunks, the index schema version, the index and chunk table names, and the
 * row shards.
 *
 * @param from first day (UTC) the period applies to
 * @param store store name of the index (Cortex's {@code IndexType}), for example {@code cassandra}
 * @param objectStore store name of the chunks; the index store when the config leaves it empty
 * @param schema index schema version
 * @param index index table names
 * @param chunks chunk table names
 * @param rowShards row shards of v10+ label rows; defaulted to 16 for v10+ when 0, 0 for older
 *     versions unless set
 */
public record PeriodConfig(
        LocalDate from,
        String store,
        String objectStore,
        SchemaVersion schema,
        PeriodicTableConfig index,
        PeriodicTableConfig chunks,
        int rowShards) {

    /**
     * Object stores that keep chunks in tables and so need a chunks prefix (Cortex's {@code
     * validateChunks}). Other names (object stores, {@code local}, third-party plugins) are
     * accepted without one.
     */
    public static final Set<String> TABLE_CHUNK_STORES =
            Set.of(
                    "cassandra",
                    "aws-dynamo",
                    "bigtable-hashed",
                    "gcp",
                    "gcp-columnkey",
                    "bigtable",
                    "grpc-store");

    public PeriodConfig {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(schema, "schema");
        store = store == null ? "" : store;
        objectStore = objectStore == null || objectStore.isEmpty() ? store : objectStore;
        index = index == null ? PeriodicTableConfig.of("", Duration.ZERO) : index;
        chunks = chunks == null ? PeriodicTableConfig.of("", Duration.ZERO) : chunks;
        if (rowShards == 0) {
            rowShards = schema.defaultRowShards();
        }
    }

    /** The {@code from} day as milliseconds since the epoch (UTC midnight). */
    public long fromMs() {
        return from.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /**
     * Whether this period's chunk store keeps chunks in tables (then a chunks prefix is required).
     */
    public boolean chunksInTables() {
        return TABLE_CHUNK_STORES.contains(objectStore);
    }

    /**
     * Checks this entry on its own (Cortex's PeriodConfig.validate: chunks prefix, table periods,
     * row shards). {@code where} names the entry in messages, for example {@code
     * schema_config.configs[1] (from 2020-01-01)}.
     *
     * @throws ConfigException naming the entry and the offending key
     */
    public void validate(String where) {
        if (store.isEmpty()) {
            throw new ConfigException(
                    where + ": store is missing (the store name of the index, e.g. cassandra)");
        }
        if (index.prefix().isEmpty()) {
            // Without one every index table is named after its period number alone (or "" when
            // the index: block is missing): tables nobody planned, shared by every such period.
            throw new ConfigException(
                    where
                            + ": index.prefix is missing (the index tables, e.g. index: {prefix:"
                            + " index_, period: 168h}; a period without an index: block has none)");
        }
        if (chunksInTables() && chunks.prefix().isEmpty()) {
            throw new ConfigException(
                    where
                            + ": chunks.prefix is missing; object_store "
                            + objectStore
                            + " keeps chunks in tables and needs a table prefix"
                            + " (schema config for chunks is missing the 'prefix' setting)");
        }
        checkPeriod(where, "index.period", index.period());
        checkPeriod(where, "chunks.period", chunks.period());
        if (rowShards < 0) {
            throw new ConfigException(where + ": row_shards " + rowShards + " must be > 0");
        }
        if (schema.hasRowShards() && rowShards <= 0) {
            throw new ConfigException(where + ": row_shards must be > 0 for schema " + schema);
        }
    }

    private void checkPeriod(String where, String key, Duration period) {
        long bucket = schema.bucketMillis();
        if (!period.isZero() && period.toMillis() % bucket != 0) {
            throw new ConfigException(
                    where
                            + ": "
                            + key
                            + " "
                            + Durations.format(period)
                            + " is not a multiple of "
                            + (schema.hasHourlyBuckets() ? "1h" : "24h")
                            + " (the table period must be a multiple of 24h, 1h for schema v1)");
        }
    }

    @Override
    public String toString() {
        return "{from: "
                + from
                + ", store: "
                + store
                + ", object_store: "
                + objectStore
                + ", schema: "
                + schema
                + ", index: "
                + index
                + ", chunks: "
                + chunks
                + ", row_shards: "
                + rowShards
                + "}";
    }
}
