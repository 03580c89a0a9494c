package io.chunkstore.core.tables;

import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.support.ConfigBinder;
import io.chunkstore.spi.support.ConfigKey;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code table_manager:} block (Cortex's {@code TableManagerConfig}; YAML names and defaults in
 * the parameter docs), bound by {@link ConfigBinder}.
 *
 * @param throughputUpdatesDisabled {@code throughput_updates_disabled} (false): never update
 *     provisioning
 * @param retentionDeletesEnabled {@code retention_deletes_enabled} (false): really delete tables
 *     past retention
 * @param retentionPeriod {@code retention_period} (0 = keep everything); a multiple of the newest
 *     period's index table period
 * @param pollInterval {@code poll_interval} (2m): time between syncs of the loop
 * @param creationGracePeriod {@code creation_grace_period} (10m): how early a table is created, and
 *     how long it stays active after its period
 * @param indexTables {@code index_tables_provisioning}
 * @param chunkTables {@code chunk_tables_provisioning}
 */
public record TableManagerConfig(
        @ConfigKey(
                        value = "throughput_updates_disabled",
                        doc = "Never update the provisioning of existing tables.")
                boolean throughputUpdatesDisabled,
        @ConfigKey(
                        value = "retention_deletes_enabled",
                        doc = "Really delete tables past the retention period.")
                boolean retentionDeletesEnabled,
        @ConfigKey(
                        value = "retention_period",
                        doc =
                                "How long tables are kept; 0 keeps everything. A multiple of"
                                        + " the newest period's index table period.")
                Duration retentionPeriod,
        @ConfigKey(
                        value = "poll_interval",
                        dflt = "2m",
                        doc = "Time between syncs of the table manager loop.")
                Duration pollInterval,
        @ConfigKey(
                        value = "creation_grace_period",
                        dflt = "10m",
                        doc =
                                "How early a table is created, and how long"
                                        + " it stays active after its period.")
                Duration creationGracePeriod,
        @ConfigKey(value = "index_tables_provisioning", doc = "Provisioning of index tables.")
                ProvisionConfig indexTables,
        @ConfigKey(value = "chunk_tables_provisioning", doc = "Provisioning of chunk tables.")
                ProvisionConfig chunkTables) {

    /** Every key at its default (Cortex's flag defaults). */
    public static final TableManagerConfig DEFAULT = fromYaml(Map.of());

    public TableManagerConfig {
        Objects.requireNonNull(retentionPeriod, "retentionPeriod");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(creationGracePeriod, "creationGracePeriod");
        Objects.requireNonNull(indexTables, "indexTables");
        Objects.requireNonNull(chunkTables, "chunkTables");
        if (retentionPeriod.isNegative() || creationGracePeriod.isNegative()) {
            throw new ConfigException(
                    "table_manager durations must not be negative: retention_period "
                            + retentionPeriod
                            + ", creation_grace_period "
                            + creationGracePeriod);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new ConfigException(
                    "table_manager.poll_interval must be positive, not " + pollInterval);
        }
    }

    /** The config's {@code table_manager:} block over the defaults. */
    public static TableManagerConfig from(ChunkstoreConfig config) {
        try {
            return fromYaml(config.tableManager());
        } catch (ConfigException e) {
            throw new ConfigException(config.source() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Binds a {@code table_manager:} block (already parsed into maps) over the defaults.
     *
     * @throws ConfigException for unknown keys and values of the wrong type, naming the key path
     */
    public static TableManagerConfig fromYaml(Map<String, Object> block) {
        return ConfigBinder.bind(TableManagerConfig.class, block, "table_manager");
    }

    public TableManagerConfig withRetention(Duration period, boolean deletesEnabled) {
        return new TableManagerConfig(
                throughputUpdatesDisabled,
                deletesEnabled,
                period,
                pollInterval,
                creationGracePeriod,
                indexTables,
                chunkTables);
    }

    public TableManagerConfig withThroughputUpdatesDisabled(boolean disabled) {
        return new TableManagerConfig(
                disabled,
                retentionDeletesEnabled,
                retentionPeriod,
                pollInterval,
                creationGracePeriod,
                indexTables,
                chunkTables);
    }

    public TableManagerConfig withCreationGracePeriod(Duration grace) {
        return new TableManagerConfig(
                throughputUpdatesDisabled,
                retentionDeletesEnabled,
                retentionPeriod,
                pollInterval,
                grace,
                indexTables,
                chunkTables);
    }

    public TableManagerConfig withPollInterval(Duration poll) {
        return new TableManagerConfig(
                throughputUpdatesDisabled,
                retentionDeletesEnabled,
                retentionPeriod,
                poll,
                creationGracePeriod,
                indexTables,
                chunkTables);
    }

    public TableManagerConfig withProvisioning(ProvisionConfig index, ProvisionConfig chunks) {
        return new TableManagerConfig(
                throughputUpdatesDisabled,
                retentionDeletesEnabled,
                retentionPeriod,
                pollInterval,
                creationGracePeriod,
                index,
                chunks);
    }
}
