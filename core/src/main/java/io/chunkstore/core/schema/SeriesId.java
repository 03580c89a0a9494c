package io.chunkstore.core.schema;

import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.Labels;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A series ID of the v9+ schemas: {@code sha256b64} of the series' label string (Prometheus' {@code
 * model.Metric.String()}), 43 base64 characters, for example {@code
 * RVx3DJDRAnTHR0bqV0yNgIzcqzjbFtvyPZ7baU2THso} for {@code foo{bar="baz", toms="code"}}.
 *
 * @param value the ID text
 */
public record SeriesId(String value) {
    public SeriesId {
        Objects.requireNonNull(value, "value");
    }

    /** The series ID of a label set. */
    public static SeriesId of(Labels labels) {
        return new SeriesId(IndexEncoding.sha256b64(labelsString(labels)));
    }

    /**
     * The label string the ID hashes: the metric name alone when it is the only label, otherwise
     * {@code name{l1="v1", l2="v2"}} with the other labels in order and their values Go-quoted
     * ({@code {}} for an empty set, no name part when there is no metric name).
     */
    public static String labelsString(Labels labels) {
        String name = labels.metricName();
        if (!name.isEmpty() && labels.size() == 1) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name).append('{');
        boolean first = true;
        for (Label l : labels) {
            if (l.name().equals(Labels.METRIC_NAME)) {
                continue;
            }
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(l.name()).append('=').append(GoStrings.quote(l.value()));
        }
        return sb.append('}').toString();
    }

    /**
     * The v10+ row shard of this series: the first four bytes of the ID <em>text</em> as a
     * big-endian unsigned 32-bit number, modulo {@code rowShards} (Cortex's schema.go: {@code
     * RVx3...} is 0x52567833, shard 3 of 16).
     *
     * @throws IllegalArgumentException when the ID is shorter than four bytes or rowShards is not
     *     positive
     */
    public int rowShard(int rowShards) {
        if (rowShards <= 0) {
            throw new IllegalArgumentException("row shards must be > 0, not " + rowShards);
        }
        byte[] b = bytes();
        if (b.length < 4) {
            throw new IllegalArgumentException(
                    "series ID \"" + value + "\" is shorter than four bytes");
        }
        long n =
                ((b[0] & 0xffL) << 24)
                        | ((b[1] & 0xffL) << 16)
                        | ((b[2] & 0xffL) << 8)
                        | (b[3] & 0xffL);
        return (int) (n % rowShards);
    }

    /** The ID as bytes (UTF-8; ASCII for real IDs). */
    public byte[] bytes() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return value;
    }
}
