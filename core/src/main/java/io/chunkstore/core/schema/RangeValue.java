package io.chunkstore.core.schema;

import io.chunkstore.core.model.GoStrings;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * An index range value as a list of components (Cortex's pkg/chunk/schema_util.go). Written range
 * values are components each followed by {@code \0}; full keys end with a {@link RangeValueMarker}
 * component ({@code c1 \0 c2 \0 c3 \0 marker \0}), v1/v2 keys have three components and no marker,
 * and read prefixes are components without a marker. Decoding splits at every {@code \0} and drops
 * bytes after the last one, as Cortex's {@code decodeRangeKey} does.
 */
public final class RangeValue {
    private final List<byte[]> components;

    private RangeValue(List<byte[]> components) {
        this.components = Collections.unmodifiableList(components);
    }

    /** A full key: {@code c1 \0 c2 \0 c3 \0 marker \0}. Null components are empty. */
    public static byte[] encode(RangeValueMarker marker, byte[] c1, byte[] c2, byte[] c3) {
        return join(c1, c2, c3, new byte[] {marker.marker()});
    }

    /** A full key from text components (UTF-8). */
    public static byte[] encode(RangeValueMarker marker, String c1, String c2, String c3) {
        return encode(marker, utf8(c1), utf8(c2), utf8(c3));
    }

    /** A v1/v2 key without marker: {@code c1 \0 c2 \0 c3 \0}. */
    public static byte[] encodeUnmarked(String c1, String c2, String c3) {
        return join(utf8(c1), utf8(c2), utf8(c3));
    }

    /** A read prefix: each component followed by {@code \0}, no marker. */
    public static byte[] prefix(byte[]... components) {
        return join(components);
    }

    /** A read prefix from text components (UTF-8). */
    public static byte[] prefix(String... components) {
        byte[][] parts = new byte[components.length][];
        for (int i = 0; i < components.length; i++) {
            parts[i] = utf8(components[i]);
        }
        return join(parts);
    }

    /** Splits a range value into its components; bytes after the last {@code \0} are dropped. */
    public static RangeValue decode(byte[] rangeValue) {
        List<byte[]> out = new ArrayList<>(5);
        int start = 0;
        for (int i = 0; i < rangeValue.length; i++) {
            if (rangeValue[i] == 0) {
                out.add(Arrays.copyOfRange(rangeValue, start, i));
                start = i + 1;
            }
        }
        return new RangeValue(out);
    }

    /** The number of components. */
    public int size() {
        return components.size();
    }

    /** Component {@code i} (0-based). Callers must not modify the array. */
    public byte[] component(int i) {
        return components.get(i);
    }

    /**
     * Component {@code i} as text (UTF-8; bytes that are not, escaped as {@link GoStrings}
     * describes).
     */
    public String componentText(int i) {
        return GoStrings.fromBytes(components.get(i));
    }

    public List<byte[]> components() {
        return components;
    }

    /** The marker in the fourth component, when that component is one known marker byte. */
    public Optional<RangeValueMarker> marker() {
        if (components.size() < 4 || components.get(3).length != 1) {
            return Optional.empty();
        }
        return RangeValueMarker.of(components.get(3)[0]);
    }

    private static byte[] join(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        for (byte[] p : parts) {
            if (p != null) {
                out.writeBytes(p);
            }
            out.write(0);
        }
        return out.toByteArray();
    }

    static byte[] utf8(String s) {
        return s == null ? new byte[0] : GoStrings.bytes(s);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RangeValue[");
        for (int i = 0; i < components.size(); i++) {
            sb.append(i == 0 ? "" : ", ")
                    .append(io.chunkstore.core.model.GoStrings.quote(componentText(i)));
        }
        return sb.append(']').toString();
    }
}
