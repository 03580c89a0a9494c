package io.chunkstore.spi;

/**
 * DynamoDB auto-scaling settings of a table (Cortex's {@code AutoScalingConfig}, YAML names in comments).
 *
 * @param enabled     {@code enabled}
 * @param roleArn     {@code role_arn}
 * @param minCapacity {@code min_capacity} (Cortex default 3000)
 * @param maxCapacity {@code max_capacity} (6000)
 * @param outCooldown {@code out_cooldown}, seconds (1800)
 * @param inCooldown  {@code in_cooldown}, seconds (1800)
 * @param target      {@code target}, percent (80)
 */
public record AutoScalingConfig(boolean enabled, String roleArn, long minCapacity, long maxCapacity,
        long outCooldown, long inCooldown, double target) {

    public static final AutoScalingConfig DISABLED = new AutoScalingConfig(false, "", 3000, 6000, 1800, 1800, 80);

    public AutoScalingConfig {
        roleArn = roleArn == null ? "" : roleArn;
    }
}
