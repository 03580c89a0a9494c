package io.chunkstore.core.model;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Objects;

/**
 * A Prometheus label matcher: {@code name = value}, {@code !=}, {@code =~} or {@code !~}. Regular
 * expressions are RE2 (as in Go, via RE2/J) and anchored at both ends, as Prometheus anchors them.
 */
public final class LabelMatcher {

    /** The four matcher types, with their PromQL operators. */
    public enum Type {
        EQUAL("="),
        NOT_EQUAL("!="),
        REGEX("=~"),
        NOT_REGEX("!~");

        private final String operator;

        Type(String operator) {
            this.operator = operator;
        }

        public String operator() {
            return operator;
        }
    }

    private final Type type;
    private final String name;
    private final String value;
    private final Pattern pattern;

    private LabelMatcher(Type type, String name, String value) {
        this.type = Objects.requireNonNull(type);
        this.name = Objects.requireNonNull(name);
        this.value = Objects.requireNonNull(value);
        if (type == Type.REGEX || type == Type.NOT_REGEX) {
            try {
                RegexLimits.check(value);
                this.pattern = Pattern.compile("^(?:" + value + ")$", Pattern.DOTALL);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(
                        "invalid regular expression in matcher "
                                + name
                                + type.operator()
                                + GoStrings.quote(value)
                                + ": "
                                + e.getMessage(),
                        e);
            }
        } else {
            this.pattern = null;
        }
    }

    public static LabelMatcher of(Type type, String name, String value) {
        return new LabelMatcher(type, name, value);
    }

    public static LabelMatcher equal(String name, String value) {
        return new LabelMatcher(Type.EQUAL, name, value);
    }

    public Type type() {
        return type;
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    /** Whether a label value (or "" for an absent label) matches. */
    public boolean matches(String labelValue) {
        return switch (type) {
            case EQUAL -> value.equals(labelValue);
            case NOT_EQUAL -> !value.equals(labelValue);
            case REGEX -> pattern.matches(labelValue);
            case NOT_REGEX -> !pattern.matches(labelValue);
        };
    }

    /** Whether a series with these labels matches (an absent label has the value ""). */
    public boolean matches(Labels labels) {
        return matches(labels.get(name));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelMatcher m
                && type == m.type
                && name.equals(m.name)
                && value.equals(m.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, name, value);
    }

    @Override
    public String toString() {
        return name + type.operator() + GoStrings.quote(value);
    }
}
