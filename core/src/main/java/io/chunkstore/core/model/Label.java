package io.chunkstore.core.model;

import java.util.Objects;

/** One label: a name and a value. */
public record Label(String name, String value) implements Comparable<Label> {
    public Label {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /** Prometheus order: by name, then by value, each by its bytes as Go compares strings. */
    @Override
    public int compareTo(Label o) {
        int c = GoStrings.BYTE_ORDER.compare(name, o.name);
        return c != 0 ? c : GoStrings.BYTE_ORDER.compare(value, o.value);
    }
}
