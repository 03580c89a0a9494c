package io.chunkstore.core.schema;

/**
 * How v9+ schemas read the series of one label value ({@code name="value"}). Both give the same entries after the
 * value filter; they differ in what a backend scans.
 */
public enum LabelValueLookup {
    /**
     * Cortex 1.8-1.13 (the default): range value <em>start</em> {@code sha256b64(value) \0} plus value-equal, so the
     * backend scans from that hash to the end of the row and the value filter removes the rest.
     */
    START,
    /** Loki 2.5+: range value <em>prefix</em> {@code sha256b64(value) \0} plus value-equal. */
    PREFIX
}
