package io.chunkstore.core.tables;

import io.chunkstore.spi.AutoScalingConfig;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.support.ConfigBinder;
import io.chunkstore.spi.support.ConfigKey;
import java.util.Map;
import java.util.Objects;

/**
 * How the table manager provisions one kind of table (Cortex's {@code ProvisionConfig}, {@code
 * index_tables_provisioning} / {@code chunk_tables_provisioning}; YAML names in the parameter
 * docs). Active tables (being written, or about to be) get the active values; older ones the
 * inactive values. Only DynamoDB honours any of it; other stores keep the table names.
 *
 * @param onDemandMode {@code enable_ondemand_throughput_mode} (false)
 * @param provisionedWrite {@code provisioned_write_throughput} (1000)
 * @param provisionedRead {@code provisioned_read_throughput} (300)
 * @param writeScale {@code write_scale} (disabled)
 * @param readScale {@code read_scale} (disabled)
 * @param inactiveOnDemandMode {@code enable_inactive_throughput_on_demand_mode} (false)
 * @param inactiveWrite {@code inactive_write_throughput} (1)
 * @param inactiveRead {@code inactive_read_throughput} (300)
 * @param inactiveWriteScale {@code inactive_write_scale} (disabled)
 * @param inactiveReadScale {@code inactive_read_scale} (disabled)
 * @param inactiveWriteScaleLastN {@code inactive_write_scale_lastn} (4): how many of the most
 *     recent inactive tables keep the inactive auto-scaling
 * @param inactiveReadScaleLastN {@code inactive_read_scale_lastn} (4): accepted, unused (as in
 *     Cortex)
 */
public record ProvisionConfig(
        @ConfigKey(value = "enable_ondemand_throughput_mode", doc = "Active tables bill on demand.")
                boolean onDemandMode,
        @ConfigKey(
                        value = "provisioned_write_throughput",
                        dflt = "1000",
                        min = 0,
                        doc = "Write capacity units of" + " active tables.")
                long provisionedWrite,
        @ConfigKey(
                        value = "provisioned_read_throughput",
                        dflt = "300",
                        min = 0,
                        doc = "Read capacity units of" + " active tables.")
                long provisionedRead,
        @ConfigKey(value = "write_scale", doc = "Write auto-scaling of active tables.")
                AutoScalingConfig writeScale,
        @ConfigKey(value = "read_scale", doc = "Read auto-scaling of active tables.")
                AutoScalingConfig readScale,
        @ConfigKey(
                        value = "enable_inactive_throughput_on_demand_mode",
                        doc = "Inactive tables bill on demand.")
                boolean inactiveOnDemandMode,
        @ConfigKey(
                        value = "inactive_write_throughput",
                        dflt = "1",
                        min = 0,
                        doc = "Write capacity units of" + " inactive tables.")
                long inactiveWrite,
        @ConfigKey(
                        value = "inactive_read_throughput",
                        dflt = "300",
                        min = 0,
                        doc = "Read capacity units of" + " inactive tables.")
                long inactiveRead,
        @ConfigKey(value = "inactive_write_scale", doc = "Write auto-scaling of inactive tables.")
                AutoScalingConfig inactiveWriteScale,
        @ConfigKey(value = "inactive_read_scale", doc = "Read auto-scaling of inactive tables.")
                AutoScalingConfig inactiveReadScale,
        @ConfigKey(
                        value = "inactive_write_scale_lastn",
                        dflt = "4",
                        min = 0,
                        doc =
                                "How many of the most recent"
                                        + " inactive tables keep the inactive write auto-scaling.")
                long inactiveWriteScaleLastN,
        @ConfigKey(
                        value = "inactive_read_scale_lastn",
                        dflt = "4",
                        min = 0,
                        doc = "Accepted and unused, as in" + " Cortex.")
                long inactiveReadScaleLastN) {

    /** Cortex's flag defaults, the same for index and chunk tables. */
    public static final ProvisionConfig DEFAULT =
            ConfigBinder.bind(
                    ProvisionConfig.class, null, "table_manager.index_tables_provisioning");

    public ProvisionConfig {
        writeScale = Objects.requireNonNullElse(writeScale, AutoScalingConfig.DISABLED);
        readScale = Objects.requireNonNullElse(readScale, AutoScalingConfig.DISABLED);
        inactiveWriteScale =
                Objects.requireNonNullElse(inactiveWriteScale, AutoScalingConfig.DISABLED);
        inactiveReadScale =
                Objects.requireNonNullElse(inactiveReadScale, AutoScalingConfig.DISABLED);
    }

    /**
     * Cortex's {@code ActiveTableProvisionConfig.BuildTableDesc}: the active throughput and billing
     * mode; an enabled write or read auto-scaling is attached and turns on-demand off.
     */
    public TableDesc activeTable(String name, Map<String, String> tags) {
        boolean onDemand = onDemandMode && !writeScale.enabled() && !readScale.enabled();
        return new TableDesc(
                name,
                onDemand,
                provisionedRead,
                provisionedWrite,
                tags,
                writeScale.enabled() ? writeScale : AutoScalingConfig.DISABLED,
                readScale.enabled() ? readScale : AutoScalingConfig.DISABLED);
    }

    /**
     * Cortex's {@code InactiveTableProvisionConfig.BuildTableDesc}: the inactive values; unless
     * {@code disableAutoscale}, an enabled inactive auto-scaling is attached and turns on-demand
     * off.
     */
    public TableDesc inactiveTable(
            String name, Map<String, String> tags, boolean disableAutoscale) {
        boolean write = !disableAutoscale && inactiveWriteScale.enabled();
        boolean read = !disableAutoscale && inactiveReadScale.enabled();
        return new TableDesc(
                name,
                inactiveOnDemandMode && !write && !read,
                inactiveRead,
                inactiveWrite,
                tags,
                write ? inactiveWriteScale : AutoScalingConfig.DISABLED,
                read ? inactiveReadScale : AutoScalingConfig.DISABLED);
    }
}
