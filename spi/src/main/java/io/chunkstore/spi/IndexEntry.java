package io.chunkstore.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * One index cell: {@code (table, hash value, range value) -> value}. The range value is always set
 * for writes; the value may be empty (null is normalised to empty, as Cortex treats nil and empty
 * alike).
 */
public final class IndexEntry {
    private final String tableName;
    private final String hashValue;
    private final byte[] rangeValue;
    private final byte[] value;

    public IndexEntry(String tableName, String hashValue, byte[] rangeValue, byte[] value) {
        this.tableName = Objects.requireNonNull(tableName, "tableName");
        this.hashValue = Objects.requireNonNull(hashValue, "hashValue");
        this.rangeValue = Bytes.orEmpty(rangeValue);
        this.value = Bytes.orEmpty(value);
    }

    public String tableName() {
        return tableName;
    }

    public String hashValue() {
        return hashValue;
    }

    /** The range value; never null. Callers must not modify the array. */
    public byte[] rangeValue() {
        return rangeValue;
    }

    /** The value; never null, empty when none was stored. Callers must not modify the array. */
    public byte[] value() {
        return value;
    }

    /**
     * The cell's identity in its table, ignoring the value: {@code table:hash:hex(range)} as Cortex
     * de-duplicates.
     */
    public String cellKey() {
        return tableName + ":" + hashValue + ":" + Bytes.hex(rangeValue);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexEntry e
                && tableName.equals(e.tableName)
                && hashValue.equals(e.hashValue)
                && Arrays.equals(rangeValue, e.rangeValue)
                && Arrays.equals(value, e.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                tableName, hashValue, Arrays.hashCode(rangeValue), Arrays.hashCode(value));
    }

    @Override
    public String toString() {
        return "IndexEntry{table="
                + tableName
                + ", hash="
                + hashValue
                + ", range="
                + Bytes.hex(rangeValue)
                + ", value="
                + Bytes.hex(value)
                + "}";
    }
}
