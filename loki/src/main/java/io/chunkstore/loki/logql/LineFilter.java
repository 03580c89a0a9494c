package io.chunkstore.loki.logql;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.RegexLimits;
import io.chunkstore.spi.InvalidQueryException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
        NOT_MATCHES("!~"),
        PATTERN("|>"),
        NOT_PATTERN("!>"),
        /** {@code |= ip("...")}: an address in the line is covered ({@link IpPattern}). */
        IP("|= ip"),
        /** {@code != ip("...")}: no address in the line is covered. */
        NOT_IP("!= ip");

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
    private final List<String> literals;
    private final List<LineFilter> alternatives;
    private final IpPattern ip;

    private LineFilter(Type type, List<String> values) {
        this.type = Objects.requireNonNull(type, "type");
        this.value = Objects.requireNonNull(values.get(0), "value");
        String value = this.value;
        if (values.size() > 1) {
            List<LineFilter> alts = new ArrayList<>();
            for (String v : values) {
                alts.add(new LineFilter(type, List.of(v)));
            }
            this.alternatives = List.copyOf(alts);
            this.ip = null;
            this.pattern = null;
            this.needle = null;
            this.literals = null;
            return;
        }
        this.alternatives = null;
        if (type == Type.IP || type == Type.NOT_IP) {
            this.ip = IpPattern.parse(value);
            this.literals = null;
            this.pattern = null;
            this.needle = null;
            return;
        }
        this.ip = null;
        if (type == Type.PATTERN || type == Type.NOT_PATTERN) {
            this.literals = patternLiterals(value);
            this.pattern = null;
            this.needle = null;
            return;
        }
        this.literals = null;
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
        return new LineFilter(type, List.of(value));
    }

    /**
     * A filter with {@code or} between values ({@code |= "a" or "b"}): a positive filter passes
     * when any value matches, a negative one when none does (Loki's docs: for {@code !=} and {@code
     * !~}, {@code or} excludes lines matching any value).
     *
     * @throws InvalidQueryException for a regular expression RE2 does not accept
     */
    public static LineFilter ofAny(Type type, List<String> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a line filter needs a value");
        }
        return new LineFilter(type, values);
    }

    /** The values joined by {@code or}. */
    public List<String> values() {
        if (alternatives == null) {
            return List.of(value);
        }
        List<String> out = new ArrayList<>();
        for (LineFilter f : alternatives) {
            out.add(f.value);
        }
        return out;
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
        if (alternatives != null) {
            boolean positive =
                    type == Type.CONTAINS
                            || type == Type.MATCHES
                            || type == Type.PATTERN
                            || type == Type.IP;
            for (LineFilter f : alternatives) {
                if (positive == f.test(line)) {
                    return positive;
                }
            }
            return !positive;
        }
        return switch (type) {
            case PATTERN -> matchesPattern(line);
            case NOT_PATTERN -> !matchesPattern(line);
            case CONTAINS -> indexOf(line, needle) >= 0;
            case NOT_CONTAINS -> indexOf(line, needle) < 0;
            case MATCHES -> find(line);
            case NOT_MATCHES -> !find(line);
            case IP -> ip.matchesAnyIn(GoStrings.fromBytes(line));
            case NOT_IP -> !ip.matchesAnyIn(GoStrings.fromBytes(line));
        };
    }

    /**
     * The literals of a line-filter pattern ({@code <_> error <_>}), with {@code null} for each
     * capture; grafana/loki {@code pkg/logql/log/pattern} (a pattern filter matches the whole line,
     * each capture taking text up to the next literal).
     */
    private static List<String> patternLiterals(String p) {
        List<String> out = new ArrayList<>();
        int i = 0;
        StringBuilder lit = new StringBuilder();
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '<') {
                int close = p.indexOf('>', i);
                if (close > i && isCaptureName(p.substring(i + 1, close))) {
                    if (lit.length() > 0) {
                        out.add(lit.toString());
                        lit.setLength(0);
                    }
                    if (!out.isEmpty() && out.get(out.size() - 1) == null) {
                        throw new InvalidQueryException(
                                "invalid pattern "
                                        + GoStrings.quote(p)
                                        + ": consecutive captures are not allowed");
                    }
                    out.add(null);
                    i = close + 1;
                    continue;
                }
            }
            lit.append(c);
            i++;
        }
        if (lit.length() > 0) {
            out.add(lit.toString());
        }
        return java.util.Collections.unmodifiableList(out);
    }

    static boolean isCaptureName(String n) {
        if (n.isEmpty()) {
            return false;
        }
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (!(c == '_'
                    || (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (i > 0 && c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    private boolean matchesPattern(byte[] line) {
        String s = GoStrings.fromBytes(line);
        int pos = 0;
        for (int i = 0; i < literals.size(); i++) {
            String lit = literals.get(i);
            if (lit == null) {
                continue;
            }
            if (i == 0) {
                if (!s.startsWith(lit)) {
                    return false;
                }
                pos = lit.length();
                continue;
            }
            int at = s.indexOf(lit, pos);
            if (at < 0) {
                return false;
            }
            pos = at + lit.length();
            if (i == literals.size() - 1 && pos != s.length()) {
                // the last literal must end the line: look for a later occurrence
                int last = s.lastIndexOf(lit);
                if (last < at || last + lit.length() != s.length()) {
                    return false;
                }
                pos = s.length();
            }
        }
        return true;
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
        return o instanceof LineFilter f && type == f.type && values().equals(f.values());
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, values());
    }

    /** LogQL text: {@code |= "value"} with the value Go-quoted. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(type.operator);
        List<String> v = values();
        for (int i = 0; i < v.size(); i++) {
            sb.append(i > 0 ? " or " : " ").append(GoStrings.quote(v.get(i)));
        }
        return sb.toString();
    }
}
