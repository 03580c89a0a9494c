package io.chunkstore.core.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.model.GoStrings;
import io.chunkstore.spi.Bytes;
import java.util.List;

/**
 * Reads index entries back (Cortex's parseChunkTimeRangeValue, pkg/chunk/schema_util.go): what a
 * range value and its value column point at.
 */
public final class RangeValueParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RangeValueParser() {}

    /**
     * Cortex's {@code parseChunkTimeRangeValue}: the chunk or series ID an entry points at and the
     * label value it carries. Three components (v1/v2): id = c3, label value = c2. With a marker:
     * 0x01/'1' and '4' give c3 and the base64-decoded c2; '2' and '3' give c3; '5' gives c3 and the
     * value column; '7' gives c1 (a series ID); '8' gives c2 (a series ID) and the value column.
     *
     * @throws InvalidRangeValueException "invalid chunk time range value" with fewer than three
     *     components, "unrecognised chunkTimeRangeKey version" for any other marker, or bad base64
     */
    public static ParsedRangeValue parseChunkTimeRangeValue(byte[] rangeValue, byte[] value) {
        RangeValue rv = RangeValue.decode(rangeValue);
        if (rv.size() < 3) {
            throw new InvalidRangeValueException(
                    "invalid chunk time range value: "
                            + Bytes.hex(rangeValue)
                            + " has "
                            + rv.size()
                            + " components, at least 3 expected");
        }
        if (rv.size() == 3) {
            return new ParsedRangeValue(rv.componentText(2), rv.componentText(1));
        }
        byte[] version = rv.component(3);
        RangeValueMarker marker =
                version.length == 1 ? RangeValueMarker.of(version[0]).orElse(null) : null;
        if (marker == null) {
            throw unrecognised("chunkTimeRangeKey", rangeValue, version);
        }
        return switch (marker) {
            case CHUNK_TIME_V1A, CHUNK_TIME_V1, CHUNK_TIME_V4 ->
                    new ParsedRangeValue(
                            rv.componentText(2), decodeB64(rv.component(1), rangeValue));
            case CHUNK_TIME_V2, CHUNK_TIME_V3 -> new ParsedRangeValue(rv.componentText(2), "");
            case CHUNK_TIME_V5 -> new ParsedRangeValue(rv.componentText(2), text(value));
            case SERIES_V1 -> new ParsedRangeValue(rv.componentText(0), "");
            case LABEL_SERIES_V1 -> new ParsedRangeValue(rv.componentText(1), text(value));
            case METRIC_NAME_V1, LABEL_NAMES_V1 ->
                    throw unrecognised("chunkTimeRangeKey", rangeValue, version);
        };
    }

    /**
     * Cortex's {@code parseMetricNameRangeValue}: the metric name of a historical '6' row, which is
     * its value column.
     *
     * @throws InvalidRangeValueException for fewer than four components or another marker
     */
    public static String parseMetricNameRangeValue(byte[] rangeValue, byte[] value) {
        RangeValue rv = RangeValue.decode(rangeValue);
        if (rv.size() < 4) {
            throw new InvalidRangeValueException(
                    "invalid metric name range value: " + Bytes.hex(rangeValue));
        }
        if (rv.marker().orElse(null) != RangeValueMarker.METRIC_NAME_V1) {
            throw unrecognised("metricNameRangeKey", rangeValue, rv.component(3));
        }
        return text(value);
    }

    /**
     * The label names of a v11+ label-names row ('9'): the JSON array in its value column, without
     * {@code __name__} (the store adds it).
     *
     * @throws InvalidRangeValueException when the range value is not a '9' row or the value is not
     *     a JSON string array
     */
    public static List<String> parseLabelNamesValue(byte[] rangeValue, byte[] value) {
        RangeValue rv = RangeValue.decode(rangeValue);
        if (rv.size() < 4 || rv.marker().orElse(null) != RangeValueMarker.LABEL_NAMES_V1) {
            throw new InvalidRangeValueException(
                    "not a label names range value: " + Bytes.hex(rangeValue));
        }
        try {
            List<String> names = JSON.readValue(value, new TypeReference<List<String>>() {});
            if (names == null || names.contains(null)) {
                throw new InvalidRangeValueException(
                        "label names value "
                                + text(value)
                                + " is not a JSON array of strings (range value "
                                + Bytes.hex(rangeValue)
                                + ")");
            }
            return names;
        } catch (java.io.IOException e) {
            throw new InvalidRangeValueException(
                    "label names value "
                            + text(value)
                            + " is not a JSON array of strings (range value "
                            + Bytes.hex(rangeValue)
                            + "): "
                            + (e instanceof JsonProcessingException j
                                    ? j.getOriginalMessage()
                                    : e.getMessage()),
                    e);
        }
    }

    private static String decodeB64(byte[] encoded, byte[] rangeValue) {
        try {
            return GoStrings.fromBytes(IndexEncoding.b64Decode(encoded));
        } catch (IllegalArgumentException e) {
            throw new InvalidRangeValueException(
                    "invalid base64 label value \""
                            + text(encoded)
                            + "\" in range value "
                            + Bytes.hex(rangeValue)
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static InvalidRangeValueException unrecognised(
            String what, byte[] rangeValue, byte[] version) {
        return new InvalidRangeValueException(
                "unrecognised "
                        + what
                        + " version "
                        + io.chunkstore.core.model.GoStrings.quote(text(version))
                        + " in range value "
                        + Bytes.hex(rangeValue));
    }

    private static String text(byte[] b) {
        return b == null ? "" : GoStrings.fromBytes(b);
    }
}
