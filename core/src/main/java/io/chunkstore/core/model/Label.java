package io.chunkstore.core.model;

import java.util.Objects;

/** One label: a name and a value. */
public record Label(String name, String value) implements Comparable<Label> {
    public Label {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /** Prometheus order: by name, then by value. */
    @Override
    public int compareTo(Label o) {
        int c = name.compareTo(o.name);
        return c != 0 ? c : value.compareTo(o.value);
    }
}
