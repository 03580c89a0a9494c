package io.chunkstore.core.config;

import io.chunkstore.spi.ConfigException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * An index schema version of a period config. v1-v6 are Cortex's "store" schemas (label entries
 * point at chunk IDs), v9-v11 its "series store" schemas (labels -> series ID -> chunk IDs), v12 is
 * Loki's (v11's index layout with the newer chunk external key). There never was a v7 or v8.
 */
public enum SchemaVersion {
    V1(1),
    V2(2),
    V3(3),
    V4(4),
    V5(5),
    V6(6),
    V9(9),
    V10(10),
    V11(11),
    V12(12);

    /** Row shards for v10 and later when the config gives none. */
    public static final int DEFAULT_ROW_SHARDS = 16;

    private final int number;

    SchemaVersion(int number) {
        this.number = number;
    }

    /**
     * The version named {@code v1} ... {@code v12} in a config.
     *
     * @throws ConfigException for anything else, listing the supported names
     */
    public static SchemaVersion parse(String name) {
        for (SchemaVersion v : values()) {
            if (v.configName().equals(name)) {
                return v;
            }
        }
        throw new ConfigException(
                "invalid schema version \""
                        + name
                        + "\" (supported: "
                        + Arrays.stream(values())
                                .map(SchemaVersion::configName)
                                .collect(Collectors.joining(", "))
                        + ")");
    }

    /** The number: 1 for v1, 12 for v12. */
    public int number() {
        return number;
    }

    /** The name configs use: {@code v11}. */
    public String configName() {
        return "v" + number;
    }

    /** v9 and later: labels point at series IDs, series IDs at chunks. */
    public boolean isSeriesStore() {
        return number >= 9;
    }

    /** v10 and later shard the label rows ({@code NN:} hash-value prefix). */
    public boolean hasRowShards() {
        return number >= 10;
    }

    /** v11 and later keep one label-names row per series. */
    public boolean hasLabelNamesIndex() {
        return number >= 11;
    }

    /** Only v1 buckets by the hour; every other version by the day. */
    public boolean hasHourlyBuckets() {
        return this == V1;
    }

    /** The bucket size in milliseconds: one hour for v1, one day otherwise. */
    public long bucketMillis() {
        return hasHourlyBuckets() ? 3_600_000L : 86_400_000L;
    }

    /**
     * The row shards used when the config gives none: 16 for v10 and later, 0 (unsharded) before.
     */
    public int defaultRowShards() {
        return hasRowShards() ? DEFAULT_ROW_SHARDS : 0;
    }

    @Override
    public String toString() {
        return configName();
    }
}
