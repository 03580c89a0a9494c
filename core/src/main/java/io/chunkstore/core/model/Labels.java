package io.chunkstore.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A label set (a series' identity): labels sorted by name (by their bytes, as Go sorts), names
 * unique, as Prometheus keeps them. Immutable. The metric name is the value of {@value
 * #METRIC_NAME}.
 */
public final class Labels implements Iterable<Label> {
    public static final String METRIC_NAME = "__name__";
    public static final Labels EMPTY = new Labels(List.of());

    private final List<Label> labels;

    private Labels(List<Label> sortedUnique) {
        this.labels = sortedUnique;
    }

    /** From name/value pairs in any order. */
    public static Labels of(String... nameValues) {
        if (nameValues.length % 2 != 0) {
            throw new IllegalArgumentException("labels need name/value pairs");
        }
        Map<String, String> m = new TreeMap<>(GoStrings.BYTE_ORDER);
        for (int i = 0; i < nameValues.length; i += 2) {
            put(m, nameValues[i], nameValues[i + 1]);
        }
        return fromSortedMap(m);
    }

    /** From a map in any order. */
    public static Labels of(Map<String, String> map) {
        Map<String, String> m = new TreeMap<>(GoStrings.BYTE_ORDER);
        m.putAll(map);
        return fromSortedMap(m);
    }

    /** From labels in any order; duplicate names are an error. */
    public static Labels of(List<Label> labels) {
        Map<String, String> m = new TreeMap<>(GoStrings.BYTE_ORDER);
        for (Label l : labels) {
            put(m, l.name(), l.value());
        }
        return fromSortedMap(m);
    }

    private static void put(Map<String, String> m, String name, String value) {
        if (m.put(name, value) != null) {
            throw new IllegalArgumentException("duplicate label name " + name);
        }
    }

    private static Labels fromSortedMap(Map<String, String> m) {
        List<Label> out = new ArrayList<>(m.size());
        m.forEach((k, v) -> out.add(new Label(k, v)));
        return new Labels(Collections.unmodifiableList(out));
    }

    /** The value of a label, or "" when absent (Prometheus semantics). */
    public String get(String name) {
        for (Label l : labels) {
            if (l.name().equals(name)) {
                return l.value();
            }
        }
        return "";
    }

    public boolean has(String name) {
        for (Label l : labels) {
            if (l.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The value of {@code __name__}, or "" when absent. */
    public String metricName() {
        return get(METRIC_NAME);
    }

    /** The labels without the named ones. */
    public Labels without(String... names) {
        List<Label> out = new ArrayList<>(labels.size());
        outer:
        for (Label l : labels) {
            for (String n : names) {
                if (l.name().equals(n)) {
                    continue outer;
                }
            }
            out.add(l);
        }
        return new Labels(Collections.unmodifiableList(out));
    }

    /** The labels with one label set (added or replaced). */
    public Labels with(String name, String value) {
        Map<String, String> m = new TreeMap<>(GoStrings.BYTE_ORDER);
        m.putAll(toMap());
        m.put(name, value);
        return fromSortedMap(m);
    }

    /** Sorted by name. */
    public List<Label> asList() {
        return labels;
    }

    /** Sorted by name. */
    public Map<String, String> toMap() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        labels.forEach(l -> m.put(l.name(), l.value()));
        return m;
    }

    /** Label names in order. */
    public List<String> names() {
        return labels.stream().map(Label::name).toList();
    }

    public int size() {
        return labels.size();
    }

    public boolean isEmpty() {
        return labels.isEmpty();
    }

    @Override
    public Iterator<Label> iterator() {
        return labels.iterator();
    }

    /**
     * Prometheus' series order ({@code labels.Compare} in prometheus/prometheus {@code
     * model/labels/labels.go}): label by label, name then value by their bytes; a set that is a
     * prefix of the other sorts first. The order of a TSDB index's series and of a remote-read
     * stream. (A comparator, not {@code Comparable}: a type both iterable and comparable makes
     * AssertJ's {@code assertThat} ambiguous in every test.)
     */
    public static final Comparator<Labels> ORDER =
            (a, b) -> {
                int n = Math.min(a.labels.size(), b.labels.size());
                for (int i = 0; i < n; i++) {
                    int c = a.labels.get(i).compareTo(b.labels.get(i));
                    if (c != 0) {
                        return c;
                    }
                }
                return Integer.compare(a.labels.size(), b.labels.size());
            };

    @Override
    public boolean equals(Object o) {
        return o instanceof Labels l && labels.equals(l.labels);
    }

    @Override
    public int hashCode() {
        return labels.hashCode();
    }

    /**
     * Prometheus' {@code labels.Labels.String()}: {@code {a="1", b="2"}}, every label including
     * {@code __name__}, values Go-quoted.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(labels.get(i).name())
                    .append('=')
                    .append(GoStrings.quote(labels.get(i).value()));
        }
        return sb.append('}').toString();
    }
}
