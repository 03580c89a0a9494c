package io.chunkstore.loki;

import io.chunkstore.core.model.Label;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One log entry of a Loki stream: a timestamp in Unix nanoseconds, the line as raw bytes (not
 * necessarily UTF-8, possibly empty) and the entry's structured metadata (Loki's "non-indexed
 * labels") as name/value pairs in the order they were written. The line array is shared, not
 * copied: do not modify it.
 */
public record LogEntry(long timestamp, byte[] line, List<Label> structuredMetadata) {
    public LogEntry {
        Objects.requireNonNull(line, "line");
        structuredMetadata =
                structuredMetadata == null ? List.of() : List.copyOf(structuredMetadata);
    }

    /** An entry without structured metadata. */
    public LogEntry(long timestamp, byte[] line) {
        this(timestamp, line, List.of());
    }

    /** An entry whose line is the UTF-8 encoding of {@code line}. */
    public static LogEntry of(long timestamp, String line, Label... structuredMetadata) {
        return new LogEntry(
                timestamp, line.getBytes(StandardCharsets.UTF_8), List.of(structuredMetadata));
    }

    /** The line decoded as UTF-8; invalid bytes become U+FFFD, as in Loki's JSON output. */
    public String lineString() {
        return new String(line, StandardCharsets.UTF_8);
    }

    /**
     * The structured metadata as Loki's read API returns it: sorted by name, and when a name
     * repeats the last value written wins (Loki passes the pairs through a labels builder).
     */
    public List<Label> sortedStructuredMetadata() {
        if (structuredMetadata.size() <= 1) {
            return structuredMetadata;
        }
        Map<String, String> last = new LinkedHashMap<>();
        for (Label l : structuredMetadata) {
            last.put(l.name(), l.value());
        }
        List<Label> out = new ArrayList<>(last.size());
        last.forEach((n, v) -> out.add(new Label(n, v)));
        out.sort(Comparator.comparing(Label::name));
        return List.copyOf(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry e
                && timestamp == e.timestamp
                && Arrays.equals(line, e.line)
                && structuredMetadata.equals(e.structuredMetadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestamp, Arrays.hashCode(line), structuredMetadata);
    }

    @Override
    public String toString() {
        String text = lineString();
        boolean printable = Arrays.equals(text.getBytes(StandardCharsets.UTF_8), line);
        return "LogEntry{ts="
                + timestamp
                + ", line="
                + (printable ? '"' + text + '"' : "0x" + HexFormat.of().formatHex(line))
                + (structuredMetadata.isEmpty() ? "" : ", sm=" + structuredMetadata)
                + "}";
    }
}
