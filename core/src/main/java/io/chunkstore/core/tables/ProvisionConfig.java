package io.chunkstore.core.tables;

import io.chunkstore.spi.AutoScalingConfig;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.TableDesc;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How the table manager provisions one kind of table (Cortex's {@code ProvisionConfig},
 * {@code index_tables_provisioning} / {@code chunk_tables_provisioning}; YAML names in the parameter docs). Active
 * tables (being written, or about to be) get the active values; older ones the inactive values. Only DynamoDB
 * honours any of it; other stores keep the table names.
 *
 * @param onDemandMode            {@code enable_ondemand_throughput_mode} (false)
 * @param provisionedWrite        {@code provisioned_write_throughput} (1000)
 * @param provisionedRead         {@code provisioned_read_throughput} (300)
 * @param writeScale              {@code write_scale} (disabled)
 * @param readScale               {@code read_scale} (disabled)
 * @param inactiveOnDemandMode    {@code enable_inactive_throughput_on_demand_mode} (false)
 * @param inactiveWrite           {@code inactive_write_throughput} (1)
 * @param inactiveRead            {@code inactive_read_throughput} (300)
 * @param inactiveWriteScale      {@code inactive_write_scale} (disabled)
 * @param inactiveReadScale       {@code inactive_read_scale} (disabled)
 * @param inactiveWriteScaleLastN {@code inactive_write_scale_lastn} (4): how many of the most recent inactive tables
 *                                keep the inactive auto-scaling
 * @param inactiveReadScaleLastN  {@code inactive_read_scale_lastn} (4): accepted, unused (as in Cortex)
 */
public record ProvisionConfig(boolean onDemandMode, long provisionedWrite, long provisionedRead,
        AutoScalingConfig writeScale, AutoScalingConfig readScale, boolean inactiveOnDemandMode, long inactiveWrite,
        long inactiveRead, AutoScalingConfig inactiveWriteScale, AutoScalingConfig inactiveReadScale,
        long inactiveWriteScaleLastN, long inactiveReadScaleLastN) {

    /** Cortex's flag defaults, the same for index and chunk tables. */
    public static final ProvisionConfig DEFAULT = new ProvisionConfig(false, 1000, 300, AutoScalingConfig.DISABLED,
            AutoScalingConfig.DISABLED, false, 1, 300, AutoScalingConfig.DISABLED, AutoScalingConfig.DISABLED, 4, 4);

    static final Set<String> KEYS = Set.of("enable_ondemand_throughput_mode", "provisioned_write_throughput",
            "provisioned_read_throughput", "write_scale", "read_scale", "enable_inactive_throughput_on_demand_mode",
            "inactive_write_throughput", "inactive_read_throughput", "inactive_write_scale", "inactive_read_scale",
            "inactive_write_scale_lastn", "inactive_read_scale_lastn");
    static final Set<String> SCALE_KEYS = Set.of("enabled", "role_arn", "min_capacity", "max_capacity",
            "out_cooldown", "in_cooldown", "target");

    public ProvisionConfig {
        writeScale = Objects.requireNonNullElse(writeScale, AutoScalingConfig.DISABLED);
        readScale = Objects.requireNonNullElse(readScale, AutoScalingConfig.DISABLED);
        inactiveWriteScale = Objects.requireNonNullElse(inactiveWriteScale, AutoScalingConfig.DISABLED);
        inactiveReadScale = Objects.requireNonNullElse(inactiveReadScale, AutoScalingConfig.DISABLED);
    }

    /**
     * Cortex's {@code ActiveTableProvisionConfig.BuildTableDesc}: the active throughput and billing mode; an enabled
     * write or read auto-scaling is attached and turns on-demand off.
     */
    public TableDesc activeTable(String name, Map<String, String> tags) {
        boolean onDemand = onDemandMode && !writeScale.enabled() && !readScale.enabled();
        return new TableDesc(name, onDemand, provisionedRead, provisionedWrite, tags,
                writeScale.enabled() ? writeScale : AutoScalingConfig.DISABLED,
                readScale.enabled() ? readScale : AutoScalingConfig.DISABLED);
    }

    /**
     * Cortex's {@code InactiveTableProvisionConfig.BuildTableDesc}: the inactive values; unless
     * {@code disableAutoscale}, an enabled inactive auto-scaling is attached and turns on-demand off.
     */
    public TableDesc inactiveTable(String name, Map<String, String> tags, boolean disableAutoscale) {
        boolean write = !disableAutoscale && inactiveWriteScale.enabled();
        boolean read = !disableAutoscale && inactiveReadScale.enabled();
        return new TableDesc(name, inactiveOnDemandMode && !write && !read, inactiveRead, inactiveWrite, tags,
                write ? inactiveWriteScale : AutoScalingConfig.DISABLED,
                read ? inactiveReadScale : AutoScalingConfig.DISABLED);
    }

    /**
     * Binds a provisioning block over the defaults.
     *
     * @param where the block's key path, for messages ({@code table_manager.index_tables_provisioning})
     * @throws ConfigException for unknown keys and values of the wrong type
     */
    public static ProvisionConfig fromYaml(Map<?, ?> block, String where) {
        YamlValues.checkKeys(block, KEYS, where);
        ProvisionConfig d = DEFAULT;
        return new ProvisionConfig(
                YamlValues.bool(block, "enable_ondemand_throughput_mode", d.onDemandMode, where),
                nonNegative(block, "provisioned_write_throughput", d.provisionedWrite, where),
                nonNegative(block, "provisioned_read_throughput", d.provisionedRead, where),
                scale(block, "write_scale", where),
                scale(block, "read_scale", where),
                YamlValues.bool(block, "enable_inactive_throughput_on_demand_mode", d.inactiveOnDemandMode, where),
                nonNegative(block, "inactive_write_throughput", d.inactiveWrite, where),
                nonNegative(block, "inactive_read_throughput", d.inactiveRead, where),
                scale(block, "inactive_write_scale", where),
                scale(block, "inactive_read_scale", where),
                nonNegative(block, "inactive_write_scale_lastn", d.inactiveWriteScaleLastN, where),
                nonNegative(block, "inactive_read_scale_lastn", d.inactiveReadScaleLastN, where));
    }

    private static long nonNegative(Map<?, ?> block, String key, long dflt, String where) {
        long v = YamlValues.integer(block, key, dflt, where);
        if (v < 0) {
            throw new ConfigException(where + "." + key + " must not be negative, not " + v);
        }
        return v;
    }

    /** An {@code AutoScalingConfig} block over Cortex's flag defaults. */
    static AutoScalingConfig scale(Map<?, ?> parent, String key, String where) {
        Map<?, ?> b = YamlValues.block(parent, key, where);
        String w = where + "." + key;
        YamlValues.checkKeys(b, SCALE_KEYS, w);
        AutoScalingConfig d = AutoScalingConfig.DISABLED;
        return new AutoScalingConfig(YamlValues.bool(b, "enabled", d.enabled(), w),
                YamlValues.string(b, "role_arn", d.roleArn(), w),
                YamlValues.integer(b, "min_capacity", d.minCapacity(), w),
                YamlValues.integer(b, "max_capacity", d.maxCapacity(), w),
                YamlValues.integer(b, "out_cooldown", d.outCooldown(), w),
                YamlValues.integer(b, "in_cooldown", d.inCooldown(), w),
                YamlValues.number(b, "target", d.target(), w));
    }
}
