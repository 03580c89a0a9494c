package io.chunkstore.loki.logql;

import io.chunkstore.core.model.Labels;
import java.util.HashMap;
import java.util.Map;

/**
 * The labels of one log line while it goes through a pipeline: the stream's labels, the labels
 * parsers extracted and formatters set, and the error Loki records on the line ({@code __error__}
 * and {@code __error_details__}, grafana/loki {@code pkg/logql/log/labels.go}). A parser that
 * extracts a label the stream already has names it with the suffix {@code _extracted}. Not
 * thread-safe; one per line.
 */
public final class LabelsBuilder {
    /** Loki's error label. */
    public static final String ERROR = "__error__";

    /** Loki's error details label. */
    public static final String ERROR_DETAILS = "__error_details__";

    /** Loki's suffix for an extracted label that collides with a stream label. */
    public static final String DUPLICATE_SUFFIX = "_extracted";

    private final Labels base;
    private final Map<String, String> labels;
    private String error = "";
    private String errorDetails = "";

    /** A builder starting from a stream's labels. */
    public LabelsBuilder(Labels base) {
        this.base = base;
        this.labels = new HashMap<>(base.size() * 2 + 8);
        base.forEach(l -> labels.put(l.name(), l.value()));
    }

    /** The stream's labels. */
    public Labels base() {
        return base;
    }

    /** The value of a label, {@code __error__} included, or null. */
    public String get(String name) {
        if (name.equals(ERROR)) {
            return error.isEmpty() ? null : error;
        }
        if (name.equals(ERROR_DETAILS)) {
            return errorDetails.isEmpty() ? null : errorDetails;
        }
        return labels.get(name);
    }

    /** Whether a label is set. */
    public boolean has(String name) {
        return get(name) != null;
    }

    /** Sets a label, replacing any value. */
    public void set(String name, String value) {
        if (name.equals(ERROR)) {
            error = value;
        } else if (name.equals(ERROR_DETAILS)) {
            errorDetails = value;
        } else {
            labels.put(name, value);
        }
    }

    /**
     * Sets a label a parser extracted: a name the stream already has gets the suffix {@code
     * _extracted}.
     */
    public void setExtracted(String name, String value) {
        set(base.has(name) ? name + DUPLICATE_SUFFIX : name, value);
    }

    /** Removes a label. */
    public void delete(String name) {
        if (name.equals(ERROR)) {
            error = "";
        } else if (name.equals(ERROR_DETAILS)) {
            errorDetails = "";
        } else {
            labels.remove(name);
        }
    }

    /** Whether an error was recorded. */
    public boolean hasError() {
        return !error.isEmpty();
    }

    /** The recorded error, or {@code ""}. */
    public String error() {
        return error;
    }

    /** Records an error, as Loki's {@code SetErr} and {@code SetErrorDetails}. */
    public void setError(String error, String details) {
        this.error = error;
        this.errorDetails = details == null ? "" : details;
    }

    /** The label names set, without the error labels. */
    public Iterable<String> names() {
        return labels.keySet();
    }

    /** Keeps only the named labels (and the error labels if named). */
    public void keepOnly(java.util.function.Predicate<String> keep) {
        labels.keySet().removeIf(n -> !keep.test(n));
        if (!keep.test(ERROR)) {
            error = "";
        }
        if (!keep.test(ERROR_DETAILS)) {
            errorDetails = "";
        }
    }

    /** A map of every label, the error labels included when set. */
    public Map<String, String> map() {
        Map<String, String> m = new HashMap<>(labels);
        if (!error.isEmpty()) {
            m.put(ERROR, error);
        }
        if (!errorDetails.isEmpty()) {
            m.put(ERROR_DETAILS, errorDetails);
        }
        return m;
    }

    /** The labels now, the error labels included when set. */
    public Labels labels() {
        return Labels.of(map());
    }
}
