package io.chunkstore.loki.logql;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.RegexLimits;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.loki.logql.Expr.BinaryOperation;
import io.chunkstore.loki.logql.Expr.Grouping;
import io.chunkstore.loki.logql.Expr.LabelReplace;
import io.chunkstore.loki.logql.Expr.Literal;
import io.chunkstore.loki.logql.Expr.LogExpr;
import io.chunkstore.loki.logql.Expr.LogRange;
import io.chunkstore.loki.logql.Expr.RangeAggregation;
import io.chunkstore.loki.logql.Expr.SampleExpr;
import io.chunkstore.loki.logql.Expr.Unwrap;
import io.chunkstore.loki.logql.Expr.VectorAggregation;
import io.chunkstore.loki.logql.Expr.VectorLiteral;
import io.chunkstore.loki.logql.Expr.VectorMatching;
import io.chunkstore.spi.InvalidQueryException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The LogQL parser: a hand-written recursive-descent parser over characters for the grammar of
 * grafana/loki {@code pkg/logql/syntax/expr.y} and {@code lex.go} (log queries with their whole
 * pipeline, range and vector aggregations, binary operators with Prometheus' precedence and vector
 * matching, literals, {@code vector()}, {@code label_replace()}, {@code offset}) and Loki's checks
 * from {@code pkg/logql/syntax/ast.go} (a range function that needs or forbids {@code unwrap},
 * grouping allowed, comparisons between scalars need {@code bool}). Errors are {@link
 * LogQLParseException}s with line and column, or {@link UnsupportedQueryException} for the few
 * LogQL constructs chunkstore does not run ({@code distinct}, {@code approx_topk}).
 */
public final class LogQL {

    /** Range aggregations (grafana/loki {@code pkg/logql/syntax/ast.go}, OpRangeType*). */
    public static final Set<String> RANGE_OPS =
            Set.of(
                    "count_over_time",
                    "rate",
                    "rate_counter",
                    "bytes_over_time",
                    "bytes_rate",
                    "avg_over_time",
                    "sum_over_time",
                    "min_over_time",
                    "max_over_time",
                    "stdvar_over_time",
                    "stddev_over_time",
                    "quantile_over_time",
                    "first_over_time",
                    "last_over_time",
                    "absent_over_time");

    /** Range aggregations that count lines or bytes and take no unwrap. */
    static final Set<String> LOG_RANGE_OPS =
            Set.of("count_over_time", "bytes_over_time", "bytes_rate", "absent_over_time");

    /** Vector aggregations. */
    public static final Set<String> VECTOR_OPS =
            Set.of(
                    "sum",
                    "avg",
                    "count",
                    "max",
                    "min",
                    "stddev",
                    "stdvar",
                    "topk",
                    "bottomk",
                    "sort",
                    "sort_desc");

    private static final String[][] PRECEDENCE = {
        {"or"},
        {"and", "unless"},
        {"==", "!=", "<=", "<", ">=", ">"},
        {"+", "-"},
        {"*", "/", "%"},
        {"^"}
    };

    private final String s;
    private int i;

    private LogQL(String s) {
        this.s = s;
    }

    /**
     * Parses a LogQL query.
     *
     * @throws LogQLParseException for text that is not LogQL
     * @throws InvalidQueryException for a selector that matches every stream or a bad regex
     */
    public static Expr parse(String text) {
        Objects.requireNonNull(text, "query");
        if (text.isBlank()) {
            throw new LogQLParseException(1, 1, "syntax error: the query is empty");
        }
        LogQL p = new LogQL(text);
        Expr e = p.expr(0);
        p.skip();
        if (!p.atEnd()) {
            throw p.error("syntax error: unexpected " + p.near());
        }
        if (e instanceof BinaryOperation b
                && b.left() instanceof Literal
                && b.right() instanceof Literal) {
            return fold(b);
        }
        return e;
    }

    /** Parses a log query; a metric query is an error. */
    public static LogExpr parseLog(String text) {
        Expr e = parse(text);
        if (e instanceof LogExpr l) {
            return l;
        }
        throw new InvalidQueryException(
                "a log query is needed here, such as {job=\"varlogs\"} |= \"error\"; got the"
                        + " metric query "
                        + text.strip());
    }

    // ---- expressions

    private Expr expr(int level) {
        if (level == PRECEDENCE.length) {
            return operand();
        }
        Expr left = expr(level + 1);
        while (true) {
            int save = i;
            skip();
            String op = operator(PRECEDENCE[level]);
            if (op == null) {
                i = save;
                return left;
            }
            boolean bool = false;
            skip();
            if (word("bool")) {
                bool = true;
            }
            VectorMatching matching = matching();
            Expr right = op.equals("^") ? expr(level) : expr(level + 1);
            SampleExpr l = sample(left, op);
            SampleExpr r = sample(right, op);
            boolean comparison = Set.of("==", "!=", "<=", "<", ">=", ">").contains(op);
            boolean set = Set.of("and", "or", "unless").contains(op);
            if (bool && !comparison) {
                throw error("bool modifier can only be used on comparison operators");
            }
            if (set && (isScalar(l) || isScalar(r))) {
                throw error("set operator " + op + " not allowed in binary scalar expression");
            }
            if (comparison && !bool && isScalar(l) && isScalar(r)) {
                throw error("comparisons between scalars must use BOOL modifier");
            }
            left = new BinaryOperation(op, l, r, bool, matching);
            if (op.equals("^")) {
                return left;
            }
        }
    }

    private static boolean isScalar(SampleExpr e) {
        if (e instanceof Literal) {
            return true;
        }
        return e instanceof BinaryOperation b && isScalar(b.left()) && isScalar(b.right());
    }

    private SampleExpr sample(Expr e, String op) {
        if (e instanceof SampleExpr se) {
            return se;
        }
        throw error(
                "a log query cannot be an operand of "
                        + op
                        + "; wrap it in a range aggregation such as count_over_time(...[5m])");
    }

    private String operator(String[] ops) {
        for (String op : ops) {
            if (Character.isLetter(op.charAt(0))) {
                if (word(op)) {
                    return op;
                }
            } else if (s.startsWith(op, i)) {
                if ((op.equals("<") || op.equals(">")) && s.startsWith("=", i + 1)) {
                    continue;
                }
                if (op.equals("!=") && s.startsWith("!~", i)) {
                    continue;
                }
                i += op.length();
                return op;
            }
        }
        return null;
    }

    private VectorMatching matching() {
        skip();
        boolean on;
        if (word("on")) {
            on = true;
        } else if (word("ignoring")) {
            on = false;
        } else {
            return VectorMatching.DEFAULT;
        }
        List<String> labels = labelList();
        skip();
        String card = "one-to-one";
        List<String> include = List.of();
        if (word("group_left")) {
            card = "many-to-one";
        } else if (word("group_right")) {
            card = "one-to-many";
        }
        if (!card.equals("one-to-one")) {
            skip();
            if (peek() == '(') {
                include = labelList();
            }
        }
        return new VectorMatching(on, labels, card, include);
    }

    private Expr operand() {
        skip();
        char c = peek();
        if (c == '{') {
            LogExpr log = logExpr();
            skip();
            if (peek() == '[') {
                throw error(
                        "syntax error: a range vector ({...}[range]) is only valid inside a"
                                + " range aggregation such as count_over_time({...}[5m])");
            }
            return log;
        }
        if (c == '(') {
            i++;
            Expr e = expr(0);
            expect(')');
            return e;
        }
        if (Character.isDigit(c) || c == '.' || c == '-' || c == '+') {
            int at = i;
            if (c == '-' || c == '+') {
                i++;
                skip();
            }
            if (!Character.isDigit(peek()) && peek() != '.') {
                i = at;
                throw error("syntax error: unexpected " + near());
            }
            double v = number();
            return new Literal(c == '-' ? -v : v);
        }
        if (Character.isLetter(c) || c == '_') {
            int at = i;
            String w = ident();
            if (RANGE_OPS.contains(w)) {
                return rangeAggregation(w);
            }
            if (VECTOR_OPS.contains(w)) {
                return vectorAggregation(w);
            }
            switch (w) {
                case "vector" -> {
                    skip();
                    expect('(');
                    skip();
                    double v = signedNumber();
                    expect(')');
                    return new VectorLiteral(v);
                }
                case "label_replace" -> {
                    return labelReplace();
                }
                case "approx_topk" ->
                        throw new UnsupportedQueryException(
                                "approx_topk is not supported; use topk");
                case "inf", "Inf", "NaN", "nan" -> {
                    return new Literal(Values.parseFloat(w));
                }
                default -> {
                    i = at;
                    throw error(
                            "syntax error: unexpected "
                                    + near()
                                    + ": a query starts with a stream selector {...}, a range or vector"
                                    + " aggregation, vector(), label_replace() or a number");
                }
            }
        }
        throw error("syntax error: unexpected " + near());
    }

    private SampleExpr labelReplace() {
        skip();
        expect('(');
        Expr inner = expr(0);
        SampleExpr se = sample(inner, "label_replace");
        String[] args = new String[4];
        for (int k = 0; k < 4; k++) {
            skip();
            expect(',');
            skip();
            args[k] = string();
        }
        skip();
        expect(')');
        try {
            RegexLimits.check(args[3]);
            Pattern.compile("^(?:" + args[3] + ")$", Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
            throw new InvalidQueryException(
                    "invalid regular expression in label_replace(): " + e.getMessage(), e);
        }
        if (!isLabelName(args[0])) {
            throw new InvalidQueryException(
                    "invalid destination label name in label_replace(): " + args[0]);
        }
        return new LabelReplace(se, args[0], args[1], args[2], args[3]);
    }

    private SampleExpr vectorAggregation(String op) {
        skip();
        Grouping grouping = grouping();
        skip();
        expect('(');
        skip();
        int param = 0;
        if (op.equals("topk") || op.equals("bottomk")) {
            int at = i;
            double k = number();
            if (k != Math.rint(k) || k < 1) {
                i = at;
                throw error("invalid parameter for " + op + ": k must be a positive integer");
            }
            param = (int) Math.min(Integer.MAX_VALUE, k);
            skip();
            expect(',');
        }
        Expr inner = expr(0);
        SampleExpr se = sample(inner, op);
        skip();
        expect(')');
        skip();
        Grouping after = grouping();
        if (after != null) {
            if (grouping != null) {
                throw error("grouping given twice for " + op);
            }
            grouping = after;
        }
        if ((op.equals("sort") || op.equals("sort_desc")) && grouping != null) {
            throw error(op + " does not take grouping");
        }
        return new VectorAggregation(op, se, grouping, param);
    }

    private SampleExpr rangeAggregation(String op) {
        skip();
        expect('(');
        skip();
        Double param = null;
        if (op.equals("quantile_over_time")) {
            param = signedNumber();
            skip();
            expect(',');
        }
        LogRange range = logRange();
        skip();
        if (range.rangeNs() == 0) {
            throw error("syntax error: expected a range such as [5m] in " + op + "(...)");
        }
        expect(')');
        skip();
        Grouping grouping = grouping();
        boolean unwrap = range.unwrap() != null;
        if (op.equals("rate_counter") || (!op.equals("rate") && !LOG_RANGE_OPS.contains(op))) {
            if (!unwrap) {
                throw error("invalid aggregation " + op + " without unwrap");
            }
        } else if (LOG_RANGE_OPS.contains(op) && unwrap) {
            throw error("invalid aggregation " + op + " with unwrap");
        }
        if (grouping != null && !unwrap) {
            throw error("grouping not allowed for " + op + " aggregation");
        }
        return new RangeAggregation(op, range, param, grouping);
    }

    /** {@code {..} pipeline [5m] offset 1h}, {@code {..}[5m] pipeline}, parenthesised forms. */
    private LogRange logRange() {
        skip();
        if (peek() == '(') {
            int save = i;
            i++;
            skip();
            if (peek() == '{') {
                LogRange inner = logRangeBody();
                skip();
                if (peek() == ')') {
                    i++;
                    return maybeRangeAfterParen(inner);
                }
            }
            i = save;
            throw error("syntax error: expected a log range such as {app=\"x\"}[5m]");
        }
        return logRangeBody();
    }

    private LogRange maybeRangeAfterParen(LogRange inner) {
        if (inner.rangeNs() > 0) {
            return inner;
        }
        skip();
        long range = rangeLiteral();
        skip();
        long offset = offset();
        return new LogRange(inner.log(), range, offset, inner.unwrap());
    }

    private LogRange logRangeBody() {
        List<LabelMatcher> matchers = selector();
        List<Object> stages = new ArrayList<>();
        Unwrap[] unwrap = {null};
        long range = 0;
        skip();
        if (peek() == '[') {
            range = rangeLiteral();
            skip();
        }
        pipeline(stages, unwrap, true);
        skip();
        if (peek() == '[') {
            if (range > 0) {
                throw error("syntax error: the range is given twice");
            }
            range = rangeLiteral();
        }
        skip();
        long offset = offset();
        skip();
        if (range == 0 && peek() != ')') {
            throw error("syntax error: expected a range such as [5m] after the log query");
        }
        if (range == 0) {
            // (log expr)[5m]: the caller reads the range after the parenthesis
            return new LogRange(build(matchers, stages), 0, offset, unwrap[0]);
        }
        return new LogRange(build(matchers, stages), range, offset, unwrap[0]);
    }

    private long offset() {
        if (word("offset")) {
            skip();
            int at = i;
            boolean neg = false;
            if (peek() == '-') {
                neg = true;
                i++;
            }
            String d = durationToken();
            try {
                long v = Values.rangeDurationNs(d);
                return neg ? -v : v;
            } catch (IllegalArgumentException | ArithmeticException e) {
                i = at;
                throw error("invalid offset " + GoStrings.quote(d) + ": " + e.getMessage());
            }
        }
        return 0;
    }

    private long rangeLiteral() {
        expect('[');
        skip();
        int at = i;
        String d = durationToken();
        skip();
        expect(']');
        long v;
        try {
            v = Values.rangeDurationNs(d);
        } catch (IllegalArgumentException | ArithmeticException e) {
            i = at;
            throw error("invalid range " + GoStrings.quote(d) + ": " + e.getMessage());
        }
        if (v <= 0) {
            i = at;
            throw error("the range [" + d + "] must be positive");
        }
        return v;
    }

    private String durationToken() {
        int at = i;
        while (i < s.length()
                && (Character.isLetterOrDigit(s.charAt(i))
                        || s.charAt(i) == '.'
                        || s.charAt(i) == 'µ'
                        || s.charAt(i) == 'μ')) {
            i++;
        }
        if (at == i) {
            throw error("syntax error: expected a duration such as 5m");
        }
        return s.substring(at, i);
    }

    private Grouping grouping() {
        boolean without;
        int save = i;
        skip();
        if (word("by")) {
            without = false;
        } else if (word("without")) {
            without = true;
        } else {
            i = save;
            return null;
        }
        return new Grouping(without, labelList());
    }

    private List<String> labelList() {
        skip();
        expect('(');
        List<String> out = new ArrayList<>();
        while (true) {
            skip();
            if (peek() == ')') {
                i++;
                return out;
            }
            if (!out.isEmpty()) {
                expect(',');
                skip();
                if (peek() == ')') {
                    i++;
                    return out;
                }
            }
            out.add(ident());
        }
    }

    // ---- log queries

    private LogExpr logExpr() {
        List<LabelMatcher> matchers = selector();
        List<Object> stages = new ArrayList<>();
        pipeline(stages, null, false);
        return build(matchers, stages);
    }

    private static LogExpr build(List<LabelMatcher> matchers, List<Object> stages) {
        List<LineFilter> leading = new ArrayList<>();
        int k = 0;
        while (k < stages.size() && stages.get(k) instanceof LineFilter f) {
            leading.add(f);
            k++;
        }
        List<Pipeline.Stage> rest = new ArrayList<>();
        for (; k < stages.size(); k++) {
            Object o = stages.get(k);
            rest.add(
                    o instanceof LineFilter f
                            ? new Pipeline.LineFilterStage(f)
                            : (Pipeline.Stage) o);
        }
        return new LogExpr(new LogQuery(matchers, leading), new Pipeline(rest));
    }

    private List<LabelMatcher> selector() {
        skip();
        if (peek() != '{') {
            throw error("syntax error: expected a stream selector {...}");
        }
        int start = i;
        String rest = s.substring(i);
        Selectors.Parser p = new Selectors.Parser(rest);
        List<LabelMatcher> m;
        try {
            m = p.selector();
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage();
            int cut = msg.indexOf(" at offset ");
            i = start;
            if (cut >= 0) {
                try {
                    int off = Integer.parseInt(msg.substring(cut + 11).split(" ")[0]);
                    i = start + off;
                } catch (NumberFormatException ignored) {
                    // keep the start
                }
                msg = msg.substring(0, cut);
            }
            throw error("syntax error in stream selector: " + msg);
        }
        i = start + p.position();
        LogQuery.validateSelector(m, s);
        return m;
    }

    /** Reads pipeline stages; stops before {@code [}, {@code )}, {@code offset} or the end. */
    private void pipeline(List<Object> out, Unwrap[] unwrap, boolean inRange) {
        while (true) {
            int save = i;
            skip();
            if (atEnd()) {
                return;
            }
            LineFilter.Type type = lineFilterType();
            if (type != null) {
                if (unwrap != null && unwrap[0] != null) {
                    throw error("only label filters can follow | unwrap");
                }
                out.add(lineFilter(type));
                continue;
            }
            if (peek() != '|' || s.startsWith("||", i)) {
                i = save;
                return;
            }
            i++;
            skip();
            int at = i;
            String w = peekIdent();
            if (unwrap != null && unwrap[0] != null) {
                LabelFilter f = labelFilterExpr();
                Unwrap u = unwrap[0];
                List<LabelFilter> post = new ArrayList<>(u.postFilters());
                post.add(f);
                unwrap[0] = new Unwrap(u.label(), u.conversion(), post);
                continue;
            }
            switch (w) {
                case "json" -> {
                    ident();
                    out.add(json());
                }
                case "logfmt" -> {
                    ident();
                    out.add(logfmt());
                }
                case "regexp" -> {
                    ident();
                    skip();
                    out.add(regexpStage(string()));
                }
                case "pattern" -> {
                    ident();
                    skip();
                    out.add(patternStage(string()));
                }
                case "unpack" -> {
                    ident();
                    out.add(new Pipeline.Unpack());
                }
                case "decolorize" -> {
                    ident();
                    out.add(new Pipeline.Decolorize());
                }
                case "line_format" -> {
                    ident();
                    skip();
                    out.add(new Pipeline.LineFormat(GoTemplate.parse(string())));
                }
                case "label_format" -> {
                    ident();
                    out.add(labelFormat());
                }
                case "drop" -> {
                    ident();
                    out.add(new Pipeline.Drop(namedMatchers()));
                }
                case "keep" -> {
                    ident();
                    out.add(new Pipeline.Keep(namedMatchers()));
                }
                case "unwrap" -> {
                    ident();
                    if (!inRange || unwrap == null) {
                        i = at;
                        throw error(
                                "| unwrap is only valid in a range aggregation such as"
                                        + " sum_over_time({...} | unwrap x [5m])");
                    }
                    unwrap[0] = unwrapStage();
                }
                case "distinct" ->
                        throw new UnsupportedQueryException(
                                "the | distinct stage is not supported");
                default -> {
                    if (w.isEmpty() && peek() != '(') {
                        throw error("syntax error: unexpected " + near() + " after |");
                    }
                    out.add(new Pipeline.LabelFilterStage(labelFilterExpr()));
                }
            }
        }
    }

    /** The quoted pattern of {@code ip("...")}, from the {@code ip} keyword on. */
    private String ipArgument() {
        ident();
        skip();
        expect('(');
        skip();
        String pattern = string();
        skip();
        expect(')');
        return pattern;
    }

    private LineFilter.Type lineFilterType() {
        for (String op : new String[] {"|=", "!=", "|~", "!~", "|>", "!>"}) {
            if (s.startsWith(op, i)) {
                i += 2;
                return LineFilter.Type.of(op);
            }
        }
        return null;
    }

    private LineFilter lineFilter(LineFilter.Type type) {
        skip();
        if (peekIdent().equals("ip")) {
            if (type != LineFilter.Type.CONTAINS && type != LineFilter.Type.NOT_CONTAINS) {
                throw error("syntax error: ip() goes with |= or != only, not " + type.operator());
            }
            return LineFilter.of(
                    type == LineFilter.Type.CONTAINS ? LineFilter.Type.IP : LineFilter.Type.NOT_IP,
                    ipArgument());
        }
        List<String> values = new ArrayList<>();
        values.add(string());
        while (true) {
            int save = i;
            skip();
            if (word("or")) {
                skip();
                char q = peek();
                if (GoStrings.isQuote(q)) {
                    values.add(string());
                    continue;
                }
            }
            i = save;
            break;
        }
        return LineFilter.ofAny(type, values);
    }

    private Pipeline.Json json() {
        return new Pipeline.Json(labelExtractions(this::jsonPath));
    }

    /**
     * The optional parameters of {@code json} and {@code logfmt}: {@code name} or {@code name =
     * "expression"}, comma-separated (grafana/loki {@code pkg/logql/syntax/expr.y},
     * labelExtractionExpressionList); a bare name is its own expression. Each expression is read by
     * {@code expression} as soon as it is parsed, so its errors point at it.
     */
    private <T> List<Map.Entry<String, T>> labelExtractions(Function<String, T> expression) {
        List<Map.Entry<String, T>> params = new ArrayList<>();
        while (true) {
            int save = i;
            skip();
            if (!params.isEmpty()) {
                if (peek() != ',') {
                    i = save;
                    break;
                }
                i++;
                skip();
            }
            String name = peekIdent();
            if (name.isEmpty() || isStageBoundaryWord(name)) {
                i = save;
                break;
            }
            ident();
            skip();
            String text = name;
            if (peek() == '=') {
                i++;
                skip();
                text = string();
            }
            params.add(new AbstractMap.SimpleImmutableEntry<>(name, expression.apply(text)));
        }
        return params;
    }

    private static boolean isStageBoundaryWord(String w) {
        return w.equals("or")
                || w.equals("and")
                || w.equals("offset")
                || w.equals("by")
                || w.equals("without");
    }

    /** A JSON path {@code a.b[0]["c d"]} as keys and indexes. */
    private List<Object> jsonPath(String p) {
        List<Object> out = new ArrayList<>();
        int k = 0;
        StringBuilder key = new StringBuilder();
        while (k < p.length()) {
            char c = p.charAt(k);
            if (c == '.') {
                if (key.length() > 0) {
                    out.add(key.toString());
                    key.setLength(0);
                }
                k++;
            } else if (c == '[') {
                if (key.length() > 0) {
                    out.add(key.toString());
                    key.setLength(0);
                }
                int close = p.indexOf(']', k);
                if (close < 0) {
                    throw new InvalidQueryException(
                            "invalid JSON path " + GoStrings.quote(p) + ": unclosed [");
                }
                String inner = p.substring(k + 1, close).strip();
                if (inner.startsWith("\"") || inner.startsWith("'")) {
                    out.add(inner.substring(1, inner.length() - 1));
                } else {
                    try {
                        out.add(Integer.parseInt(inner));
                    } catch (NumberFormatException e) {
                        throw new InvalidQueryException(
                                "invalid JSON path "
                                        + GoStrings.quote(p)
                                        + ": ["
                                        + inner
                                        + "] is neither an index nor a quoted key");
                    }
                }
                k = close + 1;
            } else {
                key.append(c);
                k++;
            }
        }
        if (key.length() > 0) {
            out.add(key.toString());
        }
        if (out.isEmpty()) {
            throw new InvalidQueryException("empty JSON path");
        }
        return out;
    }

    private Pipeline.Logfmt logfmt() {
        boolean strict = false;
        boolean keepEmpty = false;
        while (true) {
            int save = i;
            skip();
            if (s.startsWith("--strict", i)) {
                i += 8;
                strict = true;
            } else if (s.startsWith("--keep-empty", i)) {
                i += 12;
                keepEmpty = true;
            } else {
                i = save;
                break;
            }
        }
        return new Pipeline.Logfmt(strict, keepEmpty, labelExtractions(Function.identity()));
    }

    private Pipeline.Regexp regexpStage(String re) {
        Pattern p;
        try {
            RegexLimits.check(re);
            p = Pattern.compile(re);
        } catch (PatternSyntaxException e) {
            throw new InvalidQueryException(
                    "invalid regular expression in | regexp "
                            + GoStrings.quote(re)
                            + ": "
                            + e.getMessage(),
                    e);
        }
        Map<Integer, String> names = new TreeMap<>();
        for (Map.Entry<String, Integer> e : p.namedGroups().entrySet()) {
            if (!isLabelName(e.getKey())) {
                throw new InvalidQueryException(
                        "invalid extracted label name "
                                + GoStrings.quote(e.getKey())
                                + " in | regexp");
            }
            names.put(e.getValue(), e.getKey());
        }
        if (names.isEmpty()) {
            throw new InvalidQueryException(
                    "| regexp "
                            + GoStrings.quote(re)
                            + " needs at least one named capture group such as (?P<name>...)");
        }
        return new Pipeline.Regexp(p, Map.copyOf(names));
    }

    private Pipeline.PatternStage patternStage(String pattern) {
        List<Object> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int k = 0;
        boolean named = false;
        Set<String> seen = new java.util.HashSet<>();
        while (k < pattern.length()) {
            char c = pattern.charAt(k);
            if (c == '<') {
                int close = pattern.indexOf('>', k);
                if (close > k && LineFilter.isCaptureName(pattern.substring(k + 1, close))) {
                    String name = pattern.substring(k + 1, close);
                    if (lit.length() > 0) {
                        parts.add(lit.toString());
                        lit.setLength(0);
                    }
                    if (!parts.isEmpty()
                            && parts.get(parts.size() - 1)
                                    instanceof Pipeline.PatternStage.Capture) {
                        throw new InvalidQueryException(
                                "invalid pattern "
                                        + GoStrings.quote(pattern)
                                        + ": consecutive captures are not allowed");
                    }
                    if (!name.equals("_")) {
                        if (!seen.add(name)) {
                            throw new InvalidQueryException(
                                    "invalid pattern "
                                            + GoStrings.quote(pattern)
                                            + ": duplicate capture "
                                            + name);
                        }
                        named = true;
                    }
                    parts.add(new Pipeline.PatternStage.Capture(name.equals("_") ? null : name));
                    k = close + 1;
                    continue;
                }
            }
            lit.append(c);
            k++;
        }
        if (lit.length() > 0) {
            parts.add(lit.toString());
        }
        if (!named) {
            throw new InvalidQueryException(
                    "invalid pattern "
                            + GoStrings.quote(pattern)
                            + ": at least one named capture such as <name> is needed");
        }
        return new Pipeline.PatternStage(parts);
    }

    private Pipeline.LabelFormat labelFormat() {
        List<Pipeline.LabelAssignment> out = new ArrayList<>();
        Set<String> dsts = new java.util.HashSet<>();
        do {
            skip();
            int at = i;
            String dst = ident();
            skip();
            expect('=');
            skip();
            char q = peek();
            Pipeline.LabelAssignment a;
            if (GoStrings.isQuote(q)) {
                a = new Pipeline.LabelAssignment(dst, null, GoTemplate.parse(string()));
            } else {
                a = new Pipeline.LabelAssignment(dst, ident(), null);
            }
            if (!dsts.add(dst)) {
                i = at;
                throw error(
                        "label_format: multiple label name '"
                                + dst
                                + "' not allowed in a single format operation");
            }
            out.add(a);
            skip();
        } while (consume(","));
        return new Pipeline.LabelFormat(out);
    }

    private List<Pipeline.NamedMatcher> namedMatchers() {
        List<Pipeline.NamedMatcher> out = new ArrayList<>();
        do {
            skip();
            String name = ident();
            skip();
            LabelMatcher m = null;
            LabelMatcher.Type t = matcherType();
            if (t != null) {
                skip();
                m = matcher(t, name, string());
            }
            out.add(new Pipeline.NamedMatcher(name, m));
            skip();
        } while (consume(","));
        return out;
    }

    private LabelMatcher.Type matcherType() {
        if (consume("=~")) {
            return LabelMatcher.Type.REGEX;
        }
        if (consume("!~")) {
            return LabelMatcher.Type.NOT_REGEX;
        }
        if (consume("!=")) {
            return LabelMatcher.Type.NOT_EQUAL;
        }
        if (!s.startsWith("==", i) && consume("=")) {
            return LabelMatcher.Type.EQUAL;
        }
        return null;
    }

    private LabelMatcher matcher(LabelMatcher.Type t, String name, String value) {
        try {
            return LabelMatcher.of(t, name, value);
        } catch (IllegalArgumentException e) {
            throw new InvalidQueryException(e.getMessage(), e);
        }
    }

    private Unwrap unwrapStage() {
        skip();
        String w = ident();
        String conv = "";
        String label = w;
        skip();
        if (peek() == '('
                && (w.equals("duration") || w.equals("duration_seconds") || w.equals("bytes"))) {
            i++;
            skip();
            label = ident();
            skip();
            expect(')');
            conv = w;
        }
        return new Unwrap(label, conv, List.of());
    }

    // label filters: or < and (",", "and", juxtaposition) < primary

    private LabelFilter labelFilterExpr() {
        LabelFilter left = labelFilterAnd();
        while (true) {
            int save = i;
            skip();
            if (word("or")) {
                left = new LabelFilter.Or(left, labelFilterAnd());
            } else {
                i = save;
                return left;
            }
        }
    }

    private LabelFilter labelFilterAnd() {
        LabelFilter left = labelFilterPrimary();
        while (true) {
            int save = i;
            skip();
            if (consume(",") || word("and")) {
                left = new LabelFilter.And(left, labelFilterPrimary());
                continue;
            }
            String w = peekIdent();
            if (!w.isEmpty() && !isStageBoundaryWord(w) && followsComparison(w)) {
                left = new LabelFilter.And(left, labelFilterPrimary());
                continue;
            }
            i = save;
            return left;
        }
    }

    private boolean followsComparison(String w) {
        int k = i + w.length();
        while (k < s.length() && Character.isWhitespace(s.charAt(k))) {
            k++;
        }
        return k < s.length() && "=!<>".indexOf(s.charAt(k)) >= 0;
    }

    private LabelFilter labelFilterPrimary() {
        skip();
        if (consume("(")) {
            LabelFilter f = labelFilterExpr();
            skip();
            expect(')');
            return f;
        }
        int at = i;
        String name = ident();
        skip();
        LabelFilter.Comparison cmp = null;
        LabelMatcher.Type mt = null;
        if (consume("==")) {
            cmp = LabelFilter.Comparison.EQ;
        } else if (consume("=~")) {
            mt = LabelMatcher.Type.REGEX;
        } else if (consume("!~")) {
            mt = LabelMatcher.Type.NOT_REGEX;
        } else if (consume("!=")) {
            cmp = LabelFilter.Comparison.NE;
        } else if (consume(">=")) {
            cmp = LabelFilter.Comparison.GE;
        } else if (consume("<=")) {
            cmp = LabelFilter.Comparison.LE;
        } else if (consume(">")) {
            cmp = LabelFilter.Comparison.GT;
        } else if (consume("<")) {
            cmp = LabelFilter.Comparison.LT;
        } else if (consume("=")) {
            cmp = LabelFilter.Comparison.EQ;
        } else {
            i = at;
            throw error(
                    "syntax error: expected a label filter such as level=\"error\" or"
                            + " status>=500, got "
                            + near());
        }
        skip();
        if (peekIdent().equals("ip")) {
            if (mt != null
                    || (cmp != LabelFilter.Comparison.EQ && cmp != LabelFilter.Comparison.NE)) {
                i = at;
                throw error("syntax error: ip() goes with = or != only, in " + near());
            }
            return new LabelFilter.IpFilter(
                    name, IpPattern.parse(ipArgument()), cmp == LabelFilter.Comparison.NE);
        }
        char q = peek();
        if (GoStrings.isQuote(q)) {
            String v = string();
            if (mt == null) {
                if (cmp == LabelFilter.Comparison.EQ) {
                    mt = LabelMatcher.Type.EQUAL;
                } else if (cmp == LabelFilter.Comparison.NE) {
                    mt = LabelMatcher.Type.NOT_EQUAL;
                } else {
                    i = at;
                    throw error(
                            "syntax error: "
                                    + cmp.text()
                                    + " needs a number, duration or byte size, not a string");
                }
            }
            return new LabelFilter.StringFilter(matcher(mt, name, v));
        }
        if (mt != null) {
            throw error("syntax error: a regex label filter needs a quoted string");
        }
        int v0 = i;
        if (peek() == '-' || peek() == '+') {
            i++;
        }
        while (i < s.length()
                && (Character.isLetterOrDigit(s.charAt(i))
                        || s.charAt(i) == '.'
                        || s.charAt(i) == 'µ')) {
            i++;
        }
        String tok = s.substring(v0, i);
        if (tok.isEmpty()) {
            throw error("syntax error: expected a value after " + cmp.text());
        }
        int u = 0;
        while (u < tok.length()
                && (Character.isDigit(tok.charAt(u))
                        || tok.charAt(u) == '.'
                        || tok.charAt(u) == '-'
                        || tok.charAt(u) == '+'
                        || ((tok.charAt(u) == 'e' || tok.charAt(u) == 'E')
                                && u + 1 < tok.length()
                                && (Character.isDigit(tok.charAt(u + 1))
                                        || tok.charAt(u + 1) == '-')))) {
            u++;
        }
        String unit = tok.substring(u);
        try {
            if (unit.isEmpty()) {
                return new LabelFilter.NumericFilter(name, cmp, Values.parseFloat(tok));
            }
            if (isBytesUnit(unit)) {
                return new LabelFilter.BytesFilter(name, cmp, Values.bytes(tok));
            }
            return new LabelFilter.DurationFilter(name, cmp, Values.goDurationNs(tok));
        } catch (IllegalArgumentException e) {
            i = v0;
            throw error(
                    "syntax error: invalid value " + GoStrings.quote(tok) + ": " + e.getMessage());
        }
    }

    private static boolean isBytesUnit(String u) {
        String l = u.toLowerCase(java.util.Locale.ROOT);
        return l.endsWith("b")
                || l.endsWith("ib")
                || l.equals("ki")
                || l.equals("mi")
                || l.equals("gi")
                || l.equals("ti")
                || l.equals("pi")
                || l.equals("ei");
    }

    // ---- tokens

    private double number() {
        int at = i;
        if (s.startsWith("0x", i) || s.startsWith("0X", i)) {
            i += 2;
            while (i < s.length() && Character.digit(s.charAt(i), 16) >= 0) {
                i++;
            }
            return Long.parseLong(s.substring(at + 2, i), 16);
        }
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            int save = i;
            i++;
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            if (i < s.length() && Character.isDigit(s.charAt(i))) {
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
            } else {
                i = save;
            }
        }
        String tok = s.substring(at, i);
        if (i < s.length() && Character.isLetter(s.charAt(i))) {
            i = at;
            throw error("syntax error: unexpected " + near() + ": a number is expected");
        }
        try {
            return Values.parseFloat(tok);
        } catch (IllegalArgumentException e) {
            i = at;
            throw error("syntax error: invalid number " + GoStrings.quote(tok));
        }
    }

    private double signedNumber() {
        boolean neg = false;
        if (peek() == '-' || peek() == '+') {
            neg = peek() == '-';
            i++;
            skip();
        }
        double v = number();
        return neg ? -v : v;
    }

    private String string() {
        if (!GoStrings.isQuote(peek())) {
            throw error("syntax error: expected a quoted string, got " + near());
        }
        int end = GoStrings.literalEnd(s, i);
        if (end < 0) {
            throw error("syntax error: unterminated string");
        }
        String literal;
        try {
            literal = GoStrings.unquote(s.substring(i, end));
        } catch (IllegalArgumentException e) {
            throw error("invalid string: " + e.getMessage());
        }
        i = end;
        return literal;
    }

    private String ident() {
        int at = i;
        String w = peekIdent();
        if (w.isEmpty()) {
            throw error("syntax error: expected an identifier, got " + near());
        }
        i = at + w.length();
        return w;
    }

    private String peekIdent() {
        int k = i;
        if (k < s.length() && (Character.isLetter(s.charAt(k)) || s.charAt(k) == '_')) {
            k++;
            while (k < s.length()
                    && (Character.isLetterOrDigit(s.charAt(k)) || s.charAt(k) == '_')) {
                k++;
            }
        }
        return s.substring(i, k);
    }

    /** Consumes a keyword if it is a whole word here. */
    private boolean word(String w) {
        if (!s.startsWith(w, i)) {
            return false;
        }
        int e = i + w.length();
        if (e < s.length() && (Character.isLetterOrDigit(s.charAt(e)) || s.charAt(e) == '_')) {
            return false;
        }
        i = e;
        return true;
    }

    private boolean consume(String t) {
        if (s.startsWith(t, i)) {
            i += t.length();
            return true;
        }
        return false;
    }

    private static boolean isLabelName(String n) {
        if (n.isEmpty()) {
            return false;
        }
        for (int k = 0; k < n.length(); k++) {
            char c = n.charAt(k);
            if (!(c == '_'
                    || (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (k > 0 && c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    private void expect(char c) {
        skip();
        if (peek() != c) {
            throw error("syntax error: expected '" + c + "', got " + near());
        }
        i++;
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private boolean atEnd() {
        return i >= s.length();
    }

    private void skip() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else {
                return;
            }
        }
    }

    private String near() {
        if (atEnd()) {
            return "end of query";
        }
        String r = s.substring(i);
        return GoStrings.quote(r.length() > 20 ? r.substring(0, 20) + "..." : r);
    }

    private LogQLParseException error(String detail) {
        int line = 1;
        int col = 1;
        for (int k = 0; k < Math.min(i, s.length()); k++) {
            if (s.charAt(k) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new LogQLParseException(line, col, detail);
    }

    /** Loki folds binary operations between literals at parse time. */
    private static Expr fold(BinaryOperation b) {
        return b;
    }
}
