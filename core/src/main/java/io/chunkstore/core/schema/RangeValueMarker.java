package io.chunkstore.core.schema;

import java.util.Optional;

/**
 * The one-byte version/type marker that ends a written range value ({@code c1 \0 c2 \0 c3 \0 marker
 * \0}) and says how to read its components (Cortex's pkg/chunk/schema_util.go). Range values of
 * schemas v1 and v2 have none.
 */
public enum RangeValueMarker {
    /**
     * Very old v3 writers wrote the number 1 instead of '1'; read as {@link #CHUNK_TIME_V1}.
     * Read-only.
     */
    CHUNK_TIME_V1A((byte) 0x01),
    /** v3 and v4 label entries: {@code [labelName or ∅, b64(value), chunkID]}. */
    CHUNK_TIME_V1((byte) '1'),
    /** v4 metric-row entry: {@code [∅, ∅, chunkID]}. */
    CHUNK_TIME_V2((byte) '2'),
    /**
     * v5/v6 metric-row entry and v9+ series-to-chunk entry: {@code [hexTime(through), ∅, chunkID]}.
     */
    CHUNK_TIME_V3((byte) '3'),
    /** v5 label entries: {@code [hexTime(through), b64(value), chunkID]}. */
    CHUNK_TIME_V4((byte) '4'),
    /**
     * v6 label entries, label value in the value column: {@code [hexTime(through), ∅, chunkID]}.
     */
    CHUNK_TIME_V5((byte) '5'),
    /**
     * Historical (v7) metric-name rows: {@code [hash, ∅, ∅]}, metric name in the value column.
     * Parse-only.
     */
    METRIC_NAME_V1((byte) '6'),
    /** v9+ metric-to-series entry: {@code [seriesID, ∅, ∅]}. */
    SERIES_V1((byte) '7'),
    /**
     * v9+ label-to-series entry: {@code [sha256b64(value), seriesID, ∅]}, label value in the value
     * column.
     */
    LABEL_SERIES_V1((byte) '8'),
    /**
     * v11+ series-to-label-names entry: {@code [∅, ∅, ∅]}, JSON array of label names in the value
     * column.
     */
    LABEL_NAMES_V1((byte) '9');

    private final byte marker;

    RangeValueMarker(byte marker) {
        this.marker = marker;
    }

    /** The byte written into range values. */
    public byte marker() {
        return marker;
    }

    /** The marker for a byte, if it is one. */
    public static Optional<RangeValueMarker> of(byte b) {
        for (RangeValueMarker m : values()) {
            if (m.marker == b) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
