package io.chunkstore.core.schema;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a bucketed index row's hash value, as Cortex's schemas write it (Cortex {@code
 * pkg/chunk/schema.go}): {@code user:dDAY:rest} (daily buckets, v3 and later), {@code
 * user:HOUR:rest} (hourly buckets, v1), and, for the label rows of v10 and later, a row shard in
 * front: {@code NN:user:dDAY:rest}. {@code rest} is what the row is about (a metric name, {@code
 * metric:label}, or a series ID).
 *
 * @param shard the row shard as written (two or more digits), or null when the row is not sharded
 * @param user the tenant
 * @param bucket the bucket number: days (daily) or hours since the epoch
 * @param daily whether the bucket is a day ({@code d} prefix) rather than an hour
 * @param rest what follows the bucket
 */
public record HashValue(String shard, String user, long bucket, boolean daily, String rest) {
    private static final long DAY_MS = 86_400_000L;
    private static final long HOUR_MS = 3_600_000L;

    /** {@code user:dDAY:rest} or (v1) {@code user:HOUR:rest}. */
    private static final Pattern BUCKETED =
            Pattern.compile("()([^:]*):(d?)(\\d+):(.*)", Pattern.DOTALL);

    /** v10+ label rows: {@code NN:user:dDAY:rest}. */
    private static final Pattern SHARDED =
            Pattern.compile("(\\d{2,}):([^:]*):(d)(\\d+):(.*)", Pattern.DOTALL);

    /**
     * The parts of a hash value; {@code sharded} for the label rows of v10 and later. Empty when
     * the value does not have that shape (a row that is not bucketed, such as v9's series label
     * names, keyed by the series ID alone).
     */
    public static Optional<HashValue> parse(String hash, boolean sharded) {
        Matcher m = (sharded ? SHARDED : BUCKETED).matcher(hash);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    new HashValue(
                            m.group(1).isEmpty() ? null : m.group(1),
                            m.group(2),
                            Long.parseLong(m.group(4)),
                            !m.group(3).isEmpty(),
                            m.group(5)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The start of the bucket in ms since the epoch. */
    public long bucketStartMs() {
        return bucket * (daily ? DAY_MS : HOUR_MS);
    }
}
