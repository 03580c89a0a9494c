package io.chunkstore.loki.logql;

import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.spi.InvalidQueryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The LogQL subset chunkstore answers: a stream selector ({@code {job="varlogs",
 * level=~"warn|error"}}, Prometheus matchers with anchored RE2 regexes) followed by line filters
 * ({@code |= != |~ !~} with Go-quoted or backquoted strings), applied left to right. Everything
 * else LogQL has is rejected by {@link #parse} with an {@link UnsupportedQueryException} naming it:
 * metric queries ({@code rate(...)}, {@code count_over_time}, aggregations), parsers and formatters
 * ({@code | json}, {@code | logfmt}, {@code | line_format}, ...), label filters, pattern line
 * filters ({@code |>}), {@code or} between filter values and {@code ip(...)}.
 *
 * @param matchers the stream selector, never empty
 * @param lineFilters in the order they apply
 */
public record LogQuery(List<LabelMatcher> matchers, List<LineFilter> lineFilters) {

    /** Parser stages of LogQL's log pipeline that chunkstore does not run. */
    private static final Set<String> STAGES =
            Set.of(
                    "json",
                    "logfmt",
                    "regexp",
                    "pattern",
                    "unpack",
                    "line_format",
                    "label_format",
                    "decolorize",
                    "drop",
                    "keep",
                    "unwrap",
                    "distinct");

    public LogQuery {
        matchers = List.copyOf(matchers);
        lineFilters = List.copyOf(lineFilters);
        if (matchers.isEmpty()) {
            throw new InvalidQueryException(
                    "a log query needs a stream selector with at least one matcher");
        }
    }

    /**
     * Parses a log query.
     *
     * @throws UnsupportedQueryException for LogQL outside the subset, naming what is not supported
     * @throws InvalidQueryException for text that is not LogQL (with the offset of the problem), a
     *     selector that matches every stream, or an invalid regular expression
     */
    public static LogQuery parse(String text) {
        Objects.requireNonNull(text, "query");
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw new InvalidQueryException(
                    "the query is empty; give a stream selector such as {job=\"varlogs\"}");
        }
        if (trimmed.charAt(0) != '{') {
            throw notALogQuery(trimmed);
        }
        Selectors.Parser p = new Selectors.Parser(text);
        List<LabelMatcher> matchers;
        try {
            matchers = p.selector();
        } catch (IllegalArgumentException e) {
            throw new InvalidQueryException("parse error: " + e.getMessage(), e);
        }
        validateSelector(matchers, text);
        List<LineFilter> filters = new ArrayList<>();
        while (true) {
            p.skipSpace();
            if (p.atEnd()) {
                break;
            }
            int at = p.position();
            String op = filterOperator(p);
            if (op != null) {
                p.skipSpace();
                if (!GoStrings.isQuote(p.peek())) {
                    String word = word(text, p.position());
                    if (word.equals("ip")) {
                        throw new UnsupportedQueryException(
                                "the ip() line filter ("
                                        + op
                                        + " ip(...)) is not"
                                        + " supported; only string and regex line filters |= != |~ !~ are");
                    }
                    throw new InvalidQueryException(
                            "parse error at offset "
                                    + p.position()
                                    + ": line filter "
                                    + op
                                    + " needs a quoted string in "
                                    + text);
                }
                String value;
                try {
                    value = p.string();
                } catch (IllegalArgumentException e) {
                    throw new InvalidQueryException("parse error: " + e.getMessage(), e);
                }
                filters.add(LineFilter.of(LineFilter.Type.of(op), value));
                p.skipSpace();
                if (word(text, p.position()).equals("or")) {
                    throw new UnsupportedQueryException(
                            "'or' between line filter values ("
                                    + op
                                    + " \"a\" or \"b\")"
                                    + " is not supported; write one regex filter such as |~ \"a|b\"");
                }
                continue;
            }
            throw unsupportedAt(text, at);
        }
        return new LogQuery(matchers, filters);
    }

    /**
     * The query with one more line filter applied last (Loki's legacy {@code regexp} parameter).
     */
    public LogQuery withLineFilter(LineFilter filter) {
        List<LineFilter> f = new ArrayList<>(lineFilters);
        f.add(filter);
        return new LogQuery(matchers, f);
    }

    /** Whether a line passes every filter. */
    public boolean test(byte[] line) {
        for (LineFilter f : lineFilters) {
            if (!f.test(line)) {
                return false;
            }
        }
        return true;
    }

    /** The stream selector as LogQL text: {@code {a="1", b=~"x"}}. */
    public String selectorString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < matchers.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(matchers.get(i));
        }
        return sb.append('}').toString();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(selectorString());
        for (LineFilter f : lineFilters) {
            sb.append(' ').append(f);
        }
        return sb.toString();
    }

    /**
     * Loki's rule: at least one {@code =} or {@code =~} matcher must not match the empty string, or
     * the selector would select every stream of the tenant.
     */
    static void validateSelector(List<LabelMatcher> matchers, String text) {
        if (matchers.isEmpty()) {
            throw new InvalidQueryException(
                    "the stream selector {} is empty; name at least one label, such as"
                            + " {job=\"varlogs\"}");
        }
        for (LabelMatcher m : matchers) {
            if ((m.type() == LabelMatcher.Type.EQUAL || m.type() == LabelMatcher.Type.REGEX)
                    && !m.matches("")) {
                return;
            }
        }
        throw new InvalidQueryException(
                "queries require at least one regexp or equality matcher that does not"
                        + " have an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but"
                        + " app=~\".+\" will (in "
                        + text.strip()
                        + ")");
    }

    private static String filterOperator(Selectors.Parser p) {
        for (String op : new String[] {"|=", "!=", "|~", "!~"}) {
            if (p.consume(op)) {
                return op;
            }
        }
        return null;
    }

    private static InvalidQueryException unsupportedAt(String text, int at) {
        String rest = text.substring(at);
        if (rest.startsWith("|>") || rest.startsWith("!>")) {
            return new UnsupportedQueryException(
                    "pattern line filters (|> and !>) are not supported; only line"
                            + " filters |= != |~ !~ are");
        }
        if (rest.startsWith("|")) {
            int i = at + 1;
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String w = word(text, i);
            if (STAGES.contains(w)) {
                return new UnsupportedQueryException(
                        "the pipeline stage | "
                                + w
                                + " is not supported; chunkstore"
                                + " answers a stream selector with line filters |= != |~ !~ only");
            }
            if (!w.isEmpty()) {
                return new UnsupportedQueryException(
                        "label filters (| "
                                + w
                                + " ...) are not supported; chunkstore"
                                + " answers a stream selector with line filters |= != |~ !~ only");
            }
            return new UnsupportedQueryException(
                    "the pipeline stage at offset "
                            + at
                            + " ("
                            + abbreviate(rest)
                            + ") is not supported; only line filters |= != |~ !~ are");
        }
        if (rest.startsWith("[")) {
            return new UnsupportedQueryException(
                    "range vectors ("
                            + abbreviate(rest)
                            + ") belong to metric queries,"
                            + " which are not supported; only log queries are");
        }
        return new InvalidQueryException(
                "parse error at offset "
                        + at
                        + ": unexpected "
                        + abbreviate(rest)
                        + " after the stream selector in "
                        + text.strip());
    }

    private static InvalidQueryException notALogQuery(String trimmed) {
        String w = word(trimmed, 0);
        int after = w.length();
        while (after < trimmed.length() && Character.isWhitespace(trimmed.charAt(after))) {
            after++;
        }
        boolean call = after < trimmed.length() && trimmed.charAt(after) == '(';
        boolean grouping =
                w.equals("sum")
                        || w.equals("avg")
                        || w.equals("min")
                        || w.equals("max")
                        || w.equals("count")
                        || w.equals("topk")
                        || w.equals("bottomk")
                        || w.equals("stddev")
                        || w.equals("stdvar")
                        || w.equals("sort")
                        || w.equals("sort_desc");
        if (!w.isEmpty() && (call || grouping)) {
            return new UnsupportedQueryException(
                    "metric queries are not supported ("
                            + w
                            + "(...)); chunkstore"
                            + " answers log queries only: a stream selector such as {job=\"varlogs\"} with optional line"
                            + " filters |= != |~ !~");
        }
        if (!trimmed.isEmpty()
                && (Character.isDigit(trimmed.charAt(0)) || trimmed.charAt(0) == '(')) {
            return new UnsupportedQueryException(
                    "metric and scalar expressions are not supported ("
                            + abbreviate(trimmed)
                            + "); chunkstore answers log queries only");
        }
        return new InvalidQueryException(
                "parse error at offset 0: a log query starts with a stream selector such as"
                        + " {job=\"varlogs\"}, not "
                        + abbreviate(trimmed));
    }

    private static String word(String s, int from) {
        int i = from;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
            i++;
        }
        return s.substring(from, i);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
