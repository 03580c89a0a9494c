package io.chunkstore.loki.logql;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.RegexLimits;
import io.chunkstore.spi.InvalidQueryException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One LogQL line filter: {@code |= "s"} (the line contains s, Go's {@code strings.Contains} on
 * bytes), {@code != "s"}, {@code |~ "re"} (an unanchored RE2 match anywhere in the line, as Go's
 * {@code regexp.MatchString}; RE2/J on the line's UTF-8 bytes) or {@code !~ "re"}. Immutable and
 * thread-safe.
 */
public final class LineFilter {

    /** The four operators. */
    public enum Type {
        CONTAINS("|="),
        NOT_CONTAINS("!="),
        MATCHES("|~"),
        NOT_MATCHES("!~");

        private final String operator;

        Type(String operator) {
            this.operator = operator;
        }

        public String operator() {
            return operator;
        }

        /** The type of an operator, or null. */
        public static Type of(String operator) {
            for (Type t : values()) {
                if (t.operator.equals(operator)) {
                    return t;
                }
            }
            return null;
        }
    }

    private final Type type;
    private final String value;
    private final byte[] needle;
    private final Pattern pattern;

    private LineFilter(Type type, String value) {
        this.type = Objects.requireNonNull(type, "type");
        this.value = Objects.requireNonNull(value, "value");
        if (type == Type.MATCHES || type == Type.NOT_MATCHES) {
            try {
                RegexLimits.check(value);
                this.pattern = Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                throw new InvalidQueryException(
                        "invalid regular expression in line filter "
                                + type.operator
                                + " "
                                + GoStrings.quote(value)
                                + ": "
                                + e.getMessage(),
                        e);
            }
            this.needle = null;
        } else {
            this.pattern = null;
            this.needle = value.getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * @throws InvalidQueryException for a regular expression RE2 does not accept
     */
    public static LineFilter of(Type type, String value) {
        return new LineFilter(type, value);
    }

    public static LineFilter contains(String s) {
        return of(Type.CONTAINS, s);
    }

    public static LineFilter matches(String regex) {
        return of(Type.MATCHES, regex);
    }

    public Type type() {
        return type;
    }

    public String value() {
        return value;
    }

    /** Whether the line passes the filter. */
    public boolean test(byte[] line) {
        return switch (type) {
            case CONTAINS -> indexOf(line, needle) >= 0;
            case NOT_CONTAINS -> indexOf(line, needle) < 0;
            case MATCHES -> find(line);
            case NOT_MATCHES -> !find(line);
        };
    }

    private boolean find(byte[] line) {
        Matcher m = pattern.matcher(line);
        return m.find();
    }

    /** The first index of {@code needle} in {@code hay}, or -1; an empty needle is found at 0. */
    static int indexOf(byte[] hay, byte[] needle) {
        int n = needle.length;
        if (n == 0) {
            return 0;
        }
        byte first = needle[0];
        int last = hay.length - n;
        outer:
        for (int i = 0; i <= last; i++) {
            if (hay[i] != first) {
                continue;
            }
            for (int k = 1; k < n; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LineFilter f && type == f.type && value.equals(f.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, value);
    }

    /** LogQL text: {@code |= "value"} with the value Go-quoted. */
    @Override
    public String toString() {
        return type.operator + " " + GoStrings.quote(value);
    }
}
