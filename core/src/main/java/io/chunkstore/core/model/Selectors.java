package io.chunkstore.core.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses PromQL / LogQL series selectors: {@code {a="1", b=~"x|y"}} or {@code metric{...}}, and
 * label-set literals {@code {__name__="foo", bar="baz"}}.
 */
public final class Selectors {
    private Selectors() {}

    /**
     * Parses a selector into matchers. A leading metric name becomes {@code __name__="name"}.
     *
     * @throws IllegalArgumentException naming the position of the problem
     */
    public static List<LabelMatcher> parseMatchers(String text) {
        Parser p = new Parser(text);
        List<LabelMatcher> out = p.selector();
        p.skipSpace();
        if (!p.atEnd()) {
            throw p.error("unexpected text after the selector");
        }
        return out;
    }

    /** Parses a label-set literal: only {@code =} matchers, names unique. */
    public static Labels parseLabels(String text) {
        List<Label> labels = new ArrayList<>();
        for (LabelMatcher m : parseMatchers(text)) {
            if (m.type() != LabelMatcher.Type.EQUAL) {
                throw new IllegalArgumentException(
                        "a label set takes only name=\"value\" pairs, not " + m + " in " + text);
            }
            labels.add(new Label(m.name(), m.value()));
        }
        try {
            return Labels.of(labels);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " in " + text, e);
        }
    }

    /**
     * A cursor over selector text, for languages that continue after the selector (LogQL line
     * filters): {@link #selector()} parses one selector and leaves the position after its closing
     * brace.
     */
    public static final class Parser {
        private final String s;
        private int i;

        public Parser(String s) {
            this.s = s;
        }

        public int position() {
            return i;
        }

        /** Whether the text at the position starts with {@code token}; consumes it if so. */
        public boolean consume(String token) {
            if (s.startsWith(token, i)) {
                i += token.length();
                return true;
            }
            return false;
        }

        public boolean atEnd() {
            return i >= s.length();
        }

        public void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        public IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at offset " + i + " in selector " + s);
        }

        public List<LabelMatcher> selector() {
            List<LabelMatcher> out = new ArrayList<>();
            skipSpace();
            if (i < s.length() && isNameStart(s.charAt(i))) {
                out.add(LabelMatcher.equal(Labels.METRIC_NAME, name()));
                skipSpace();
                if (atEnd()) {
                    return out;
                }
            }
            expect('{');
            skipSpace();
            if (peek() == '}') {
                i++;
                return out;
            }
            while (true) {
                skipSpace();
                String name = GoStrings.isQuote(peek()) ? string() : name();
                skipSpace();
                LabelMatcher.Type type = operator();
                skipSpace();
                String value = string();
                try {
                    out.add(LabelMatcher.of(type, name, value));
                } catch (IllegalArgumentException e) {
                    throw error(e.getMessage());
                }
                skipSpace();
                char c = peek();
                if (c == ',') {
                    i++;
                    skipSpace();
                    if (peek() == '}') {
                        i++;
                        return out;
                    }
                } else if (c == '}') {
                    i++;
                    return out;
                } else {
                    throw error("expected ',' or '}'");
                }
            }
        }

        public char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private static boolean isNameStart(char c) {
            return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }

        private String name() {
            int start = i;
            if (!isNameStart(peek())) {
                throw error("expected a label name");
            }
            while (i < s.length() && (isNameStart(s.charAt(i)) || Character.isDigit(s.charAt(i)))) {
                i++;
            }
            return s.substring(start, i);
        }

        private LabelMatcher.Type operator() {
            if (s.startsWith("=~", i)) {
                i += 2;
                return LabelMatcher.Type.REGEX;
            }
            if (s.startsWith("!~", i)) {
                i += 2;
                return LabelMatcher.Type.NOT_REGEX;
            }
            if (s.startsWith("!=", i)) {
                i += 2;
                return LabelMatcher.Type.NOT_EQUAL;
            }
            if (s.startsWith("=", i)) {
                i += 1;
                return LabelMatcher.Type.EQUAL;
            }
            throw error("expected one of = != =~ !~");
        }

        public String string() {
            if (!GoStrings.isQuote(peek())) {
                throw error("expected a quoted string");
            }
            int end = GoStrings.literalEnd(s, i);
            if (end < 0) {
                i = s.length();
                throw error("unterminated string");
            }
            String literal = s.substring(i, end);
            i = end;
            try {
                return GoStrings.unquote(literal);
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
        }
    }
}
