package io.chunkstore.spi;

import io.chunkstore.spi.support.ConfigBinder;
import io.chunkstore.spi.support.ConfigKey;

/**
 * DynamoDB auto-scaling settings of a table (Cortex's {@code AutoScalingConfig}, YAML names in
 * comments).
 *
 * @param enabled {@code enabled}
 * @param roleArn {@code role_arn}
 * @param minCapacity {@code min_capacity} (Cortex default 3000)
 * @param maxCapacity {@code max_capacity} (6000)
 * @param outCooldown {@code out_cooldown}, seconds (1800)
 * @param inCooldown {@code in_cooldown}, seconds (1800)
 * @param target {@code target}, percent (80)
 */
public record AutoScalingConfig(
        @ConfigKey(value = "enabled", doc = "Whether DynamoDB auto-scales the table's throughput.")
                boolean enabled,
        @ConfigKey(value = "role_arn", doc = "The IAM role Application Auto Scaling acts as.")
                String roleArn,
        @ConfigKey(
                        value = "min_capacity",
                        dflt = "3000",
                        min = 0,
                        doc = "Lowest provisioned capacity.")
                long minCapacity,
        @ConfigKey(
                        value = "max_capacity",
                        dflt = "6000",
                        min = 0,
                        doc = "Highest provisioned capacity.")
                long maxCapacity,
        @ConfigKey(
                        value = "out_cooldown",
                        dflt = "1800",
                        min = 0,
                        doc = "Seconds after a scale-out before the next" + " one.")
                long outCooldown,
        @ConfigKey(
                        value = "in_cooldown",
                        dflt = "1800",
                        min = 0,
                        doc = "Seconds after a scale-in before the next" + " one.")
                long inCooldown,
        @ConfigKey(value = "target", dflt = "80", doc = "Target utilisation, percent.")
                double target) {

    /** Every key at its default (Cortex's flag defaults): disabled. */
    public static final AutoScalingConfig DISABLED =
            ConfigBinder.bind(AutoScalingConfig.class, null, "scale");

    public AutoScalingConfig {
        roleArn = roleArn == null ? "" : roleArn;
    }
}
