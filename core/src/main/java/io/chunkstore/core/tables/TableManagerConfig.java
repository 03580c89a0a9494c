package io.chunkstore.core.tables;

import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.spi.ConfigException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code table_manager:} block (Cortex's {@code TableManagerConfig}; YAML names and defaults in the parameter
 * docs). Durations take Go's form ({@code 2m}, {@code 1h30m}) or Prometheus' ({@code 1w}, {@code 7d}).
 *
 * @param throughputUpdatesDisabled {@code throughput_updates_disabled} (false): never update provisioning
 * @param retentionDeletesEnabled   {@code retention_deletes_enabled} (false): really delete tables past retention
 * @param retentionPeriod           {@code retention_period} (0 = keep everything); a multiple of the newest period's
 *                                  index table period
 * @param pollInterval              {@code poll_interval} (2m): time between syncs of the loop
 * @param creationGracePeriod       {@code creation_grace_period} (10m): how early a table is created, and how long
 *                                  it stays active after its period
 * @param indexTables               {@code index_tables_provisioning}
 * @param chunkTables               {@code chunk_tables_provisioning}
 */
public record TableManagerConfig(boolean throughputUpdatesDisabled, boolean retentionDeletesEnabled,
        Duration retentionPeriod, Duration pollInterval, Duration creationGracePeriod, ProvisionConfig indexTables,
        ProvisionConfig chunkTables) {

    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMinutes(2);
    public static final Duration DEFAULT_CREATION_GRACE_PERIOD = Duration.ofMinutes(10);
    public static final TableManagerConfig DEFAULT = new TableManagerConfig(false, false, Duration.ZERO,
            DEFAULT_POLL_INTERVAL, DEFAULT_CREATION_GRACE_PERIOD, ProvisionConfig.DEFAULT, ProvisionConfig.DEFAULT);

    static final Set<String> KEYS = Set.of("throughput_updates_disabled", "retention_deletes_enabled",
            "retention_period", "poll_interval", "creation_grace_period", "index_tables_provisioning",
            "chunk_tables_provisioning");

    public TableManagerConfig {
        Objects.requireNonNull(retentionPeriod, "retentionPeriod");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(creationGracePeriod, "creationGracePeriod");
        Objects.requireNonNull(indexTables, "indexTables");
        Objects.requireNonNull(chunkTables, "chunkTables");
        if (retentionPeriod.isNegative() || creationGracePeriod.isNegative()) {
            throw new ConfigException("table_manager durations must not be negative: retention_period "
                    + retentionPeriod + ", creation_grace_period " + creationGracePeriod);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new ConfigException("table_manager.poll_interval must be positive, not " + pollInterval);
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
        String w = "table_manager";
        YamlValues.checkKeys(block, KEYS, w);
        TableManagerConfig d = DEFAULT;
        return new TableManagerConfig(
                YamlValues.bool(block, "throughput_updates_disabled", d.throughputUpdatesDisabled, w),
                YamlValues.bool(block, "retention_deletes_enabled", d.retentionDeletesEnabled, w),
                YamlValues.duration(block, "retention_period", d.retentionPeriod, w),
                YamlValues.duration(block, "poll_interval", d.pollInterval, w),
                YamlValues.duration(block, "creation_grace_period", d.creationGracePeriod, w),
                ProvisionConfig.fromYaml(YamlValues.block(block, "index_tables_provisioning", w),
                        w + ".index_tables_provisioning"),
                ProvisionConfig.fromYaml(YamlValues.block(block, "chunk_tables_provisioning", w),
                        w + ".chunk_tables_provisioning"));
    }

    public TableManagerConfig withRetention(Duration period, boolean deletesEnabled) {
        return new TableManagerConfig(throughputUpdatesDisabled, deletesEnabled, period, pollInterval,
                creationGracePeriod, indexTables, chunkTables);
    }

    public TableManagerConfig withThroughputUpdatesDisabled(boolean disabled) {
        return new TableManagerConfig(disabled, retentionDeletesEnabled, retentionPeriod, pollInterval,
                creationGracePeriod, indexTables, chunkTables);
    }

    public TableManagerConfig withCreationGracePeriod(Duration grace) {
        return new TableManagerConfig(throughputUpdatesDisabled, retentionDeletesEnabled, retentionPeriod,
                pollInterval, grace, indexTables, chunkTables);
    }

    public TableManagerConfig withPollInterval(Duration poll) {
        return new TableManagerConfig(throughputUpdatesDisabled, retentionDeletesEnabled, retentionPeriod, poll,
                creationGracePeriod, indexTables, chunkTables);
    }

    public TableManagerConfig withProvisioning(ProvisionConfig index, ProvisionConfig chunks) {
        return new TableManagerConfig(throughputUpdatesDisabled, retentionDeletesEnabled, retentionPeriod,
                pollInterval, creationGracePeriod, index, chunks);
    }
}
