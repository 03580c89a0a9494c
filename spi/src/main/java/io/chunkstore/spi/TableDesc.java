package io.chunkstore.spi;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a table should look like (Cortex's {@code TableDesc}). Only DynamoDB honours throughput,
 * billing mode and tags; other backends keep the name and report the rest as given.
 *
 * @param name table name
 * @param useOnDemandIOMode DynamoDB PAY_PER_REQUEST billing
 * @param provisionedRead read capacity units
 * @param provisionedWrite write capacity units
 * @param tags resource tags
 * @param writeScale write auto-scaling
 * @param readScale read auto-scaling
 */
public record TableDesc(
        String name,
        boolean useOnDemandIOMode,
        long provisionedRead,
        long provisionedWrite,
        Map<String, String> tags,
        AutoScalingConfig writeScale,
        AutoScalingConfig readScale) {

    public TableDesc {
        Objects.requireNonNull(name, "name");
        tags = tags == null ? Map.of() : Map.copyOf(new TreeMap<>(tags));
        writeScale = writeScale == null ? AutoScalingConfig.DISABLED : writeScale;
        readScale = readScale == null ? AutoScalingConfig.DISABLED : readScale;
    }

    /** A table with only a name (what Cassandra, Bigtable and the local backend describe). */
    public static TableDesc named(String name) {
        return new TableDesc(
                name,
                false,
                0,
                0,
                Map.of(),
                AutoScalingConfig.DISABLED,
                AutoScalingConfig.DISABLED);
    }

    public TableDesc withName(String n) {
        return new TableDesc(
                n,
                useOnDemandIOMode,
                provisionedRead,
                provisionedWrite,
                tags,
                writeScale,
                readScale);
    }

    /**
     * Cortex's {@code TableDesc.Equals}: whether a table described as {@code this} needs no update
     * to become {@code expected}. Provisioned read / write are compared only when that direction
     * does not auto-scale.
     */
    public boolean satisfies(TableDesc expected) {
        if (!writeScale.equals(expected.writeScale) || !readScale.equals(expected.readScale)) {
            return false;
        }
        if (!readScale.enabled() && provisionedRead != expected.provisionedRead) {
            return false;
        }
        if (!writeScale.enabled() && provisionedWrite != expected.provisionedWrite) {
            return false;
        }
        return useOnDemandIOMode == expected.useOnDemandIOMode && tags.equals(expected.tags);
    }
}
