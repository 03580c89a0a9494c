package io.chunkstore.loki.logql;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.RegexLimits;
import io.chunkstore.spi.InvalidQueryException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The part of Go's {@code text/template} that LogQL's {@code line_format} and {@code label_format}
 * use, with Loki's functions (grafana/loki {@code pkg/logql/log/fmt.go}, its {@code functionMap},
 * and the Sprig functions it adds): text and {@code {{ }}} actions with {@code {{-}} / {@code -}}}
 * trimming, fields {@code .label} (a missing label is {@code ""}: Loki runs templates with {@code
 * missingkey=zero}), string, number and bool literals, function calls, pipelines {@code a | f b}
 * (the value becomes the last argument), parentheses, {@code if / else if / else / end}, {@code
 * with}, and comments. {@code range}, variables and {@code define} are rejected at parse time.
 * Every regex is RE2/J within {@link RegexLimits}. Immutable once parsed; evaluation is
 * thread-safe.
 */
public final class GoTemplate {

    /** What a template sees: the labels, the line and the entry's time. */
    public record Data(Map<String, String> labels, String line, long timestampNs) {}

    private sealed interface Node permits Text, Action, If, With {}

    private record Text(String text) implements Node {}

    private record Action(Pipe pipe) implements Node {}

    private record If(List<Pipe> conditions, List<List<Node>> branches, List<Node> otherwise)
            implements Node {}

    private record With(Pipe pipe, List<Node> body, List<Node> otherwise) implements Node {}

    private record Pipe(List<Cmd> commands) {}

    private record Cmd(List<Object> args) {}

    private record Field(String name) {}

    private record Func(String name) {}

    private record Dot() {}

    private final String source;
    private final List<Node> root;

    private GoTemplate(String source, List<Node> root) {
        this.source = source;
        this.root = root;
    }

    /**
     * Parses a template.
     *
     * @throws InvalidQueryException naming the problem
     */
    public static GoTemplate parse(String source) {
        Parser p = new Parser(source);
        List<Node> nodes = p.nodes(false);
        return new GoTemplate(source, nodes);
    }

    /** The template text. */
    public String source() {
        return source;
    }

    /**
     * Runs the template.
     *
     * @throws IllegalArgumentException with Go's kind of message when a function fails
     */
    public String execute(Data data) {
        StringBuilder sb = new StringBuilder();
        exec(root, data, data, sb);
        return sb.toString();
    }

    private void exec(List<Node> nodes, Data data, Object dot, StringBuilder out) {
        for (Node n : nodes) {
            if (n instanceof Text t) {
                out.append(t.text);
            } else if (n instanceof Action a) {
                out.append(print(eval(a.pipe, data, dot)));
            } else if (n instanceof If f) {
                boolean done = false;
                for (int i = 0; i < f.conditions.size(); i++) {
                    if (truth(eval(f.conditions.get(i), data, dot))) {
                        exec(f.branches.get(i), data, dot, out);
                        done = true;
                        break;
                    }
                }
                if (!done) {
                    exec(f.otherwise, data, dot, out);
                }
            } else if (n instanceof With w) {
                Object v = eval(w.pipe, data, dot);
                if (truth(v)) {
                    exec(w.body, data, v, out);
                } else {
                    exec(w.otherwise, data, dot, out);
                }
            }
        }
    }

    private Object eval(Pipe pipe, Data data, Object dot) {
        Object value = null;
        boolean first = true;
        for (Cmd c : pipe.commands) {
            List<Object> args = new ArrayList<>(c.args);
            if (!first) {
                args.add(new Literal(value));
            }
            value = evalCmd(args, data, dot);
            first = false;
        }
        return value;
    }

    private record Literal(Object value) {}

    private Object evalCmd(List<Object> args, Data data, Object dot) {
        Object head = args.get(0);
        if (head instanceof Func f) {
            List<Object> vals = new ArrayList<>(args.size() - 1);
            for (int i = 1; i < args.size(); i++) {
                vals.add(operand(args.get(i), data, dot));
            }
            return Functions.call(f.name, vals, data);
        }
        if (args.size() > 1) {
            throw new IllegalArgumentException("can't give argument to non-function " + head);
        }
        return operand(head, data, dot);
    }

    private Object operand(Object a, Data data, Object dot) {
        if (a instanceof Literal l) {
            return l.value;
        }
        if (a instanceof Field f) {
            String v = data.labels().get(f.name);
            return v == null ? "" : v;
        }
        if (a instanceof Dot) {
            return dot instanceof Data ? data.labels() : dot;
        }
        if (a instanceof Pipe p) {
            return eval(p, data, dot);
        }
        if (a instanceof Func f) {
            return Functions.call(f.name, List.of(), data);
        }
        return a;
    }

    static boolean truth(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof Long l) {
            return l != 0;
        }
        if (v instanceof Double d) {
            return d != 0;
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    /** Go's {@code fmt.Sprint} of a value. */
    static String print(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            return Functions.formatG(d);
        }
        if (v instanceof Instant t) {
            ZonedDateTime z = t.atZone(ZoneOffset.UTC);
            return Functions.goDate("2006-01-02 15:04:05.999999999 -0700 MST", z);
        }
        return v.toString();
    }

    // ---- parsing

    private static final class Parser {
        private final String s;
        private int i;
        private String pendingEnd;
        private boolean trimNext;

        Parser(String s) {
            this.s = s;
        }

        InvalidQueryException error(String what) {
            return new InvalidQueryException(
                    "template: " + what + " at offset " + i + " in " + GoStrings.quote(s));
        }

        /** Nodes up to {{end}} / {{else}} (nested) or the end of the text. */
        List<Node> nodes(boolean nested) {
            List<Node> out = new ArrayList<>();
            pendingEnd = null;
            while (i < s.length()) {
                int open = s.indexOf("{{", i);
                String text = open < 0 ? s.substring(i) : s.substring(i, open);
                boolean trimLeft =
                        open >= 0
                                && s.startsWith("{{-", open)
                                && open + 3 < s.length()
                                && isSpace(s.charAt(open + 3));
                if (trimNext) {
                    text = stripLeading(text);
                    trimNext = false;
                }
                if (trimLeft) {
                    text = stripTrailing(text);
                }
                if (!text.isEmpty()) {
                    out.add(new Text(text));
                }
                if (open < 0) {
                    i = s.length();
                    break;
                }
                i = open + (trimLeft ? 3 : 2);
                int close = findClose();
                boolean trimRight =
                        close >= 2 && s.charAt(close - 1) == '-' && isSpace(s.charAt(close - 2));
                String body = s.substring(i, trimRight ? close - 1 : close).strip();
                int bodyStart = i;
                i = close + 2;
                trimNext = trimRight;
                if (body.startsWith("/*")) {
                    continue;
                }
                String kw = keyword(body);
                switch (kw) {
                    case "end", "else" -> {
                        if (!nested) {
                            throw error("unexpected {{" + body + "}}");
                        }
                        pendingEnd = body;
                        return out;
                    }
                    case "if" -> out.add(parseIf(body.substring(2), bodyStart));
                    case "with" -> {
                        Pipe p = new ActionParser(body.substring(4), this).pipe();
                        List<Node> b = nodes(true);
                        List<Node> other = List.of();
                        if ("else".equals(pendingEnd)) {
                            other = nodes(true);
                        }
                        expectEnd();
                        out.add(new With(p, b, other));
                    }
                    case "range", "define", "template", "block", "break", "continue" ->
                            throw error("{{" + kw + "}} is not supported in LogQL templates");
                    default -> out.add(new Action(new ActionParser(body, this).pipe()));
                }
            }
            if (nested) {
                throw error("unexpected EOF: missing {{end}}");
            }
            return out;
        }

        private Node parseIf(String cond, int at) {
            List<Pipe> conds = new ArrayList<>();
            List<List<Node>> branches = new ArrayList<>();
            conds.add(new ActionParser(cond, this).pipe());
            List<Node> otherwise = List.of();
            while (true) {
                branches.add(nodes(true));
                String end = pendingEnd;
                if (end.equals("end")) {
                    break;
                }
                if (end.equals("else")) {
                    otherwise = nodes(true);
                    expectEnd();
                    break;
                }
                if (end.startsWith("else if ") || end.startsWith("else if\t")) {
                    conds.add(new ActionParser(end.substring(7), this).pipe());
                    continue;
                }
                throw error("unexpected {{" + end + "}}");
            }
            return new If(conds, branches, otherwise);
        }

        private void expectEnd() {
            if (!"end".equals(pendingEnd)) {
                throw error("expected {{end}}");
            }
        }

        private static String keyword(String body) {
            int j = 0;
            while (j < body.length() && Character.isLetter(body.charAt(j))) {
                j++;
            }
            String w = body.substring(0, j);
            if (w.equals("else") && body.length() > 4) {
                return "else";
            }
            return w;
        }

        private int findClose() {
            int j = i;
            while (j < s.length()) {
                char c = s.charAt(j);
                if (GoStrings.isQuote(c)) {
                    j = GoStrings.literalEnd(s, j);
                    if (j < 0) {
                        break;
                    }
                    continue;
                }
                if (s.startsWith("}}", j)) {
                    return j;
                }
                j++;
            }
            throw error("unclosed action");
        }

        private static boolean isSpace(char c) {
            return c == ' ' || c == '\t' || c == '\n' || c == '\r';
        }

        private static String stripLeading(String t) {
            int k = 0;
            while (k < t.length() && isSpace(t.charAt(k))) {
                k++;
            }
            return t.substring(k);
        }

        private static String stripTrailing(String t) {
            int k = t.length();
            while (k > 0 && isSpace(t.charAt(k - 1))) {
                k--;
            }
            return t.substring(0, k);
        }
    }

    /** Parses the inside of one action: a pipeline. */
    private static final class ActionParser {
        private final String s;
        private final Parser owner;
        private int i;

        ActionParser(String s, Parser owner) {
            this.s = s;
            this.owner = owner;
        }

        Pipe pipe() {
            Pipe p = pipeUntil('\0');
            skip();
            if (i < s.length()) {
                throw owner.error("unexpected " + GoStrings.quote(s.substring(i)) + " in action");
            }
            return p;
        }

        private Pipe pipeUntil(char close) {
            List<Cmd> cmds = new ArrayList<>();
            List<Object> args = new ArrayList<>();
            while (true) {
                skip();
                if (i >= s.length() || (close != '\0' && s.charAt(i) == close)) {
                    break;
                }
                char c = s.charAt(i);
                if (c == '|') {
                    if (args.isEmpty()) {
                        throw owner.error("missing command before |");
                    }
                    cmds.add(new Cmd(args));
                    args = new ArrayList<>();
                    i++;
                    continue;
                }
                args.add(operand());
            }
            if (args.isEmpty()) {
                throw owner.error("missing value for command");
            }
            cmds.add(new Cmd(args));
            return new Pipe(cmds);
        }

        private Object operand() {
            char c = s.charAt(i);
            if (c == '(') {
                i++;
                Pipe p = pipeUntil(')');
                if (i >= s.length()) {
                    throw owner.error("unclosed left paren");
                }
                i++;
                return p;
            }
            if (c == '"' || c == '`') {
                int end = GoStrings.literalEnd(s, i);
                if (end < 0) {
                    throw owner.error("unterminated quoted string");
                }
                String lit = s.substring(i, end);
                i = end;
                try {
                    return new Literal(GoStrings.unquote(lit));
                } catch (IllegalArgumentException e) {
                    throw owner.error(e.getMessage());
                }
            }
            if (c == '.') {
                int j = i + 1;
                while (j < s.length() && isIdent(s.charAt(j))) {
                    j++;
                }
                String name = s.substring(i + 1, j);
                i = j;
                if (name.isEmpty()) {
                    return new Dot();
                }
                if (i < s.length() && s.charAt(i) == '.') {
                    throw owner.error("nested fields (." + name + ".x) are not supported");
                }
                return new Field(name);
            }
            if (c == '$') {
                throw owner.error("template variables ($) are not supported");
            }
            if (Character.isDigit(c)
                    || ((c == '-' || c == '+')
                            && i + 1 < s.length()
                            && Character.isDigit(s.charAt(i + 1)))) {
                int j = i + 1;
                while (j < s.length()
                        && (Character.isLetterOrDigit(s.charAt(j))
                                || s.charAt(j) == '.'
                                || ((s.charAt(j) == '-' || s.charAt(j) == '+')
                                        && (s.charAt(j - 1) == 'e' || s.charAt(j - 1) == 'E')))) {
                    j++;
                }
                String num = s.substring(i, j);
                i = j;
                try {
                    if (num.matches("[-+]?[0-9]+")) {
                        return new Literal(Long.parseLong(num));
                    }
                    return new Literal(Values.parseFloat(num));
                } catch (IllegalArgumentException e) {
                    throw owner.error("bad number syntax: " + num);
                }
            }
            if (isIdent(c)) {
                int j = i;
                while (j < s.length() && isIdent(s.charAt(j))) {
                    j++;
                }
                String name = s.substring(i, j);
                i = j;
                if (name.equals("true") || name.equals("false")) {
                    return new Literal(Boolean.parseBoolean(name));
                }
                if (name.equals("nil")) {
                    return new Literal(null);
                }
                if (!Functions.exists(name)) {
                    throw owner.error("function " + GoStrings.quote(name) + " not defined");
                }
                return new Func(name);
            }
            throw owner.error("unexpected " + GoStrings.quote(String.valueOf(c)) + " in action");
        }

        private static boolean isIdent(char c) {
            return c == '_' || Character.isLetterOrDigit(c);
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }

    /** Loki's template functions. */
    static final class Functions {
        private static final java.util.Set<String> NAMES =
                java.util.Set.of(
                        "__line__",
                        "__timestamp__",
                        "ToLower",
                        "ToUpper",
                        "Replace",
                        "Trim",
                        "TrimLeft",
                        "TrimRight",
                        "TrimPrefix",
                        "TrimSuffix",
                        "TrimSpace",
                        "lower",
                        "upper",
                        "title",
                        "trunc",
                        "substr",
                        "contains",
                        "hasPrefix",
                        "hasSuffix",
                        "indent",
                        "nindent",
                        "replace",
                        "repeat",
                        "trim",
                        "trimAll",
                        "trimPrefix",
                        "trimSuffix",
                        "regexReplaceAll",
                        "regexReplaceAllLiteral",
                        "count",
                        "urlencode",
                        "urldecode",
                        "b64enc",
                        "b64dec",
                        "unixEpoch",
                        "unixEpochMillis",
                        "unixEpochNanos",
                        "unixToTime",
                        "toDate",
                        "date",
                        "alignLeft",
                        "alignRight",
                        "default",
                        "printf",
                        "print",
                        "len",
                        "eq",
                        "ne",
                        "lt",
                        "le",
                        "gt",
                        "ge",
                        "and",
                        "or",
                        "not",
                        "int",
                        "float64",
                        "add",
                        "sub",
                        "mul",
                        "div",
                        "mod",
                        "addf",
                        "subf",
                        "mulf",
                        "divf",
                        "max",
                        "min",
                        "maxf",
                        "minf",
                        "ceil",
                        "floor",
                        "round",
                        "fromJson",
                        "now");

        private Functions() {}

        static boolean exists(String name) {
            return NAMES.contains(name);
        }

        static Object call(String name, List<Object> a, Data d) {
            switch (name) {
                case "__line__":
                    return d.line();
                case "__timestamp__":
                    return Instant.ofEpochSecond(0, d.timestampNs());
                case "now":
                    return Instant.now();
                default:
                    break;
            }
            return switch (name) {
                case "ToLower", "lower" -> str(a, 0, 1).toLowerCase(Locale.ROOT);
                case "ToUpper", "upper" -> str(a, 0, 1).toUpperCase(Locale.ROOT);
                case "title" -> title(str(a, 0, 1));
                case "TrimSpace" -> str(a, 0, 1).strip();
                case "Trim" -> trimCut(str(a, 0, 2), str(a, 1, 2), true, true);
                case "TrimLeft" -> trimCut(str(a, 0, 2), str(a, 1, 2), true, false);
                case "TrimRight" -> trimCut(str(a, 0, 2), str(a, 1, 2), false, true);
                case "TrimPrefix" -> trimPrefix(str(a, 0, 2), str(a, 1, 2));
                case "TrimSuffix" -> trimSuffix(str(a, 0, 2), str(a, 1, 2));
                case "trim" -> str(a, 0, 1).strip();
                case "trimAll" -> trimCut(str(a, 1, 2), str(a, 0, 2), true, true);
                case "trimPrefix" -> trimPrefix(str(a, 1, 2), str(a, 0, 2));
                case "trimSuffix" -> trimSuffix(str(a, 1, 2), str(a, 0, 2));
                case "Replace" ->
                        goReplace(str(a, 0, 4), str(a, 1, 4), str(a, 2, 4), (int) num(a, 3, 4));
                case "replace" -> str(a, 2, 3).replace(str(a, 0, 3), str(a, 1, 3));
                case "contains" -> str(a, 1, 2).contains(str(a, 0, 2));
                case "hasPrefix" -> str(a, 1, 2).startsWith(str(a, 0, 2));
                case "hasSuffix" -> str(a, 1, 2).endsWith(str(a, 0, 2));
                case "repeat" -> str(a, 1, 2).repeat(Math.max(0, (int) num(a, 0, 2)));
                case "trunc" -> trunc(str(a, 1, 2), (int) num(a, 0, 2));
                case "substr" -> substr(str(a, 2, 3), (int) num(a, 0, 3), (int) num(a, 1, 3));
                case "indent" -> indent((int) num(a, 0, 2), str(a, 1, 2));
                case "nindent" -> "\n" + indent((int) num(a, 0, 2), str(a, 1, 2));
                case "regexReplaceAll" ->
                        regex(str(a, 0, 3)).matcher(str(a, 1, 3)).replaceAll(str(a, 2, 3));
                case "regexReplaceAllLiteral" ->
                        regex(str(a, 0, 3))
                                .matcher(str(a, 1, 3))
                                .replaceAll(com.google.re2j.Matcher.quoteReplacement(str(a, 2, 3)));
                case "count" -> (long) countMatches(regex(str(a, 0, 2)), str(a, 1, 2));
                case "urlencode" -> URLEncoder.encode(str(a, 0, 1), StandardCharsets.UTF_8);
                case "urldecode" -> URLDecoder.decode(str(a, 0, 1), StandardCharsets.UTF_8);
                case "b64enc" ->
                        Base64.getEncoder()
                                .encodeToString(str(a, 0, 1).getBytes(StandardCharsets.UTF_8));
                case "b64dec" ->
                        new String(
                                Base64.getDecoder().decode(str(a, 0, 1)), StandardCharsets.UTF_8);
                case "unixEpoch" -> time(a, 0, 1).getEpochSecond();
                case "unixEpochMillis" -> time(a, 0, 1).toEpochMilli();
                case "unixEpochNanos" -> {
                    Instant t = time(a, 0, 1);
                    yield t.getEpochSecond() * 1_000_000_000L + t.getNano();
                }
                case "unixToTime" -> unixToTime(str(a, 0, 1));
                case "toDate" -> toDate(str(a, 0, 2), str(a, 1, 2));
                case "date" -> goDate(str(a, 0, 2), time(a, 1, 2).atZone(ZoneOffset.UTC));
                case "alignLeft" -> align(str(a, 1, 2), (int) num(a, 0, 2), true);
                case "alignRight" -> align(str(a, 1, 2), (int) num(a, 0, 2), false);
                case "default" -> {
                    arity(a, 2, "default");
                    yield truth(a.get(1)) ? a.get(1) : a.get(0);
                }
                case "printf" -> printf(a);
                case "print" -> {
                    StringBuilder sb = new StringBuilder();
                    for (Object o : a) {
                        sb.append(print(o));
                    }
                    yield sb.toString();
                }
                case "len" -> (long) str(a, 0, 1).getBytes(StandardCharsets.UTF_8).length;
                case "eq" -> {
                    if (a.size() < 2) {
                        throw new IllegalArgumentException("missing argument for comparison");
                    }
                    boolean any = false;
                    for (int k = 1; k < a.size(); k++) {
                        any |= compare(a.get(0), a.get(k)) == 0;
                    }
                    yield any;
                }
                case "ne" -> compare(arg(a, 0, 2), arg(a, 1, 2)) != 0;
                case "lt" -> compare(arg(a, 0, 2), arg(a, 1, 2)) < 0;
                case "le" -> compare(arg(a, 0, 2), arg(a, 1, 2)) <= 0;
                case "gt" -> compare(arg(a, 0, 2), arg(a, 1, 2)) > 0;
                case "ge" -> compare(arg(a, 0, 2), arg(a, 1, 2)) >= 0;
                case "and" -> {
                    Object r = null;
                    for (Object o : a) {
                        r = o;
                        if (!truth(o)) {
                            break;
                        }
                    }
                    yield r;
                }
                case "or" -> {
                    Object r = null;
                    for (Object o : a) {
                        r = o;
                        if (truth(o)) {
                            break;
                        }
                    }
                    yield r;
                }
                case "not" -> !truth(arg(a, 0, 1));
                case "int" -> (long) toDouble(arg(a, 0, 1));
                case "float64" -> toDouble(arg(a, 0, 1));
                case "add" -> (long) toDouble(arg(a, 0, 2)) + (long) toDouble(arg(a, 1, 2));
                case "sub" -> (long) toDouble(arg(a, 0, 2)) - (long) toDouble(arg(a, 1, 2));
                case "mul" -> (long) toDouble(arg(a, 0, 2)) * (long) toDouble(arg(a, 1, 2));
                case "div" -> {
                    long b = (long) toDouble(arg(a, 1, 2));
                    if (b == 0) {
                        throw new IllegalArgumentException("runtime error: integer divide by zero");
                    }
                    yield (long) toDouble(arg(a, 0, 2)) / b;
                }
                case "mod" -> {
                    long b = (long) toDouble(arg(a, 1, 2));
                    if (b == 0) {
                        throw new IllegalArgumentException("runtime error: integer divide by zero");
                    }
                    yield (long) toDouble(arg(a, 0, 2)) % b;
                }
                case "addf" -> toDouble(arg(a, 0, 2)) + toDouble(arg(a, 1, 2));
                case "subf" -> toDouble(arg(a, 0, 2)) - toDouble(arg(a, 1, 2));
                case "mulf" -> toDouble(arg(a, 0, 2)) * toDouble(arg(a, 1, 2));
                case "divf" -> toDouble(arg(a, 0, 2)) / toDouble(arg(a, 1, 2));
                case "max" -> (long) Math.max(toDouble(arg(a, 0, 2)), toDouble(arg(a, 1, 2)));
                case "min" -> (long) Math.min(toDouble(arg(a, 0, 2)), toDouble(arg(a, 1, 2)));
                case "maxf" -> Math.max(toDouble(arg(a, 0, 2)), toDouble(arg(a, 1, 2)));
                case "minf" -> Math.min(toDouble(arg(a, 0, 2)), toDouble(arg(a, 1, 2)));
                case "ceil" -> Math.ceil(toDouble(arg(a, 0, 1)));
                case "floor" -> Math.floor(toDouble(arg(a, 0, 1)));
                case "round" -> {
                    double v = toDouble(arg(a, 0, a.size()));
                    int p = a.size() > 1 ? (int) toDouble(a.get(1)) : 0;
                    double f = Math.pow(10, p);
                    yield Math.round(v * f) / f;
                }
                case "fromJson" -> str(a, 0, 1);
                default ->
                        throw new IllegalArgumentException(
                                "function " + GoStrings.quote(name) + " not defined");
            };
        }

        private static Object arg(List<Object> a, int i, int n) {
            if (a.size() != n) {
                throw new IllegalArgumentException(
                        "wrong number of args: want " + n + " got " + a.size());
            }
            return a.get(i);
        }

        private static void arity(List<Object> a, int n, String name) {
            if (a.size() != n) {
                throw new IllegalArgumentException(
                        "wrong number of args for " + name + ": want " + n + " got " + a.size());
            }
        }

        private static String str(List<Object> a, int i, int n) {
            return print(arg(a, i, n));
        }

        private static double num(List<Object> a, int i, int n) {
            return toDouble(arg(a, i, n));
        }

        static double toDouble(Object o) {
            if (o instanceof Long l) {
                return l;
            }
            if (o instanceof Double d) {
                return d;
            }
            if (o instanceof Boolean b) {
                return b ? 1 : 0;
            }
            if (o == null) {
                return 0;
            }
            String s = print(o);
            try {
                return Values.parseFloat(s);
            } catch (IllegalArgumentException e) {
                return 0;
            }
        }

        private static int compare(Object x, Object y) {
            if ((x instanceof Long || x instanceof Double)
                    && (y instanceof Long || y instanceof Double)) {
                return Double.compare(toDouble(x), toDouble(y));
            }
            if (x instanceof Boolean || y instanceof Boolean) {
                return Boolean.compare(truth(x), truth(y));
            }
            return GoStrings.BYTE_ORDER.compare(print(x), print(y));
        }

        private static Instant time(List<Object> a, int i, int n) {
            Object o = arg(a, i, n);
            if (o instanceof Instant t) {
                return t;
            }
            if (o instanceof Long l) {
                return Instant.ofEpochSecond(l);
            }
            throw new IllegalArgumentException("expected a time, got " + GoStrings.quote(print(o)));
        }

        private static Pattern regex(String re) {
            try {
                RegexLimits.check(re);
                return Pattern.compile(re);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }

        private static int countMatches(Pattern p, String s) {
            com.google.re2j.Matcher m = p.matcher(s);
            int n = 0;
            while (m.find()) {
                n++;
            }
            return n;
        }

        private static String title(String s) {
            StringBuilder sb = new StringBuilder(s.length());
            boolean start = true;
            for (char c : s.toCharArray()) {
                sb.append(start ? Character.toTitleCase(c) : c);
                start = Character.isWhitespace(c);
            }
            return sb.toString();
        }

        private static String trimCut(String s, String cutset, boolean left, boolean right) {
            int b = 0;
            int e = s.length();
            while (left && b < e && cutset.indexOf(s.charAt(b)) >= 0) {
                b++;
            }
            while (right && e > b && cutset.indexOf(s.charAt(e - 1)) >= 0) {
                e--;
            }
            return s.substring(b, e);
        }

        private static String trimPrefix(String s, String p) {
            return s.startsWith(p) ? s.substring(p.length()) : s;
        }

        private static String trimSuffix(String s, String p) {
            return s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s;
        }

        private static String goReplace(String s, String old, String nw, int n) {
            if (n < 0) {
                return s.replace(old, nw);
            }
            StringBuilder sb = new StringBuilder();
            int from = 0;
            for (int k = 0; k < n; k++) {
                int at = s.indexOf(old, from);
                if (at < 0) {
                    break;
                }
                sb.append(s, from, at).append(nw);
                from = at + old.length();
                if (old.isEmpty()) {
                    if (from < s.length()) {
                        sb.append(s.charAt(from));
                    }
                    from++;
                }
            }
            if (from <= s.length()) {
                sb.append(s.substring(Math.min(from, s.length())));
            }
            return sb.toString();
        }

        private static String trunc(String s, int n) {
            if (n < 0) {
                return s.length() + n > 0 ? s.substring(s.length() + n) : "";
            }
            return s.length() > n ? s.substring(0, n) : s;
        }

        private static String substr(String s, int start, int end) {
            if (start < 0) {
                return s.substring(0, Math.min(s.length(), Math.max(0, end)));
            }
            if (end < 0 || end > s.length()) {
                return start > s.length() ? "" : s.substring(start);
            }
            return start > end ? "" : s.substring(start, end);
        }

        private static String indent(int n, String s) {
            String pad = " ".repeat(Math.max(0, n));
            return pad + s.replace("\n", "\n" + pad);
        }

        private static String align(String s, int n, boolean left) {
            if (n < 0) {
                throw new IllegalArgumentException("alignment width must be >= 0");
            }
            if (s.length() >= n) {
                return s.substring(0, n);
            }
            String pad = " ".repeat(n - s.length());
            return left ? s + pad : pad + s;
        }

        private static Instant unixToTime(String s) {
            long v;
            try {
                v = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("unable to parse " + GoStrings.quote(s));
            }
            return switch (s.length()) {
                case 5 -> Instant.ofEpochSecond(v * 86400);
                case 10 -> Instant.ofEpochSecond(v);
                case 13 -> Instant.ofEpochMilli(v);
                case 16 -> Instant.ofEpochSecond(0, v * 1000);
                case 19 -> Instant.ofEpochSecond(0, v);
                default ->
                        throw new IllegalArgumentException(
                                "unable to parse time " + GoStrings.quote(s));
            };
        }

        private static Instant toDate(String layout, String value) {
            java.time.format.DateTimeFormatter f =
                    java.time.format.DateTimeFormatter.ofPattern(javaPattern(layout), Locale.ROOT)
                            .withZone(ZoneOffset.UTC);
            try {
                return java.time.ZonedDateTime.parse(value, f).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                try {
                    return java.time.LocalDate.parse(value, f)
                            .atStartOfDay()
                            .toInstant(ZoneOffset.UTC);
                } catch (java.time.format.DateTimeParseException e2) {
                    throw new IllegalArgumentException(
                            "parsing time " + GoStrings.quote(value) + ": " + e.getMessage());
                }
            }
        }

        /** Go's reference-time layout tokens to a java.time pattern. */
        static String javaPattern(String layout) {
            String[][] map = {
                {"2006", "uuuu"},
                {"January", "MMMM"},
                {"Jan", "MMM"},
                {"01", "MM"},
                {"Monday", "EEEE"},
                {"Mon", "EEE"},
                {"02", "dd"},
                {"_2", "ppd"},
                {"15", "HH"},
                {"03", "hh"},
                {"04", "mm"},
                {"05", "ss"},
                {"PM", "a"},
                {"-07:00", "xxx"},
                {"-0700", "xx"},
                {"Z07:00", "XXX"},
                {"MST", "zzz"},
                {".000000000", ".SSSSSSSSS"},
                {".999999999", ".SSSSSSSSS"},
                {".000000", ".SSSSSS"},
                {".999999", ".SSSSSS"},
                {".000", ".SSS"},
                {".999", ".SSS"},
                {"06", "uu"},
                {"1", "M"},
                {"2", "d"},
                {"3", "h"},
                {"4", "m"},
                {"5", "s"}
            };
            StringBuilder sb = new StringBuilder();
            int k = 0;
            outer:
            while (k < layout.length()) {
                for (String[] m : map) {
                    if (layout.startsWith(m[0], k)) {
                        sb.append(m[1]);
                        k += m[0].length();
                        continue outer;
                    }
                }
                char c = layout.charAt(k++);
                if (Character.isLetter(c) || c == '\'') {
                    sb.append('\'').append(c == '\'' ? "''" : String.valueOf(c)).append('\'');
                } else {
                    sb.append(c);
                }
            }
            return sb.toString();
        }

        static String goDate(String layout, ZonedDateTime t) {
            String out =
                    java.time.format.DateTimeFormatter.ofPattern(javaPattern(layout), Locale.ROOT)
                            .format(t);
            if (layout.contains(".999999999")) {
                // Go trims trailing zeros (and the dot) of .999... fractions.
                int dot = out.indexOf('.');
                if (dot >= 0) {
                    int e = dot + 10;
                    String frac =
                            out.substring(dot + 1, Math.min(e, out.length())).replaceAll("0+$", "");
                    out =
                            out.substring(0, dot)
                                    + (frac.isEmpty() ? "" : "." + frac)
                                    + out.substring(Math.min(e, out.length()));
                }
            }
            return out.replace("+0000 Z", "+0000 UTC");
        }

        /** Go's {@code %v} of a float64 ({@code strconv.FormatFloat(f, 'g', -1, 64)}). */
        static String formatG(double d) {
            if (Double.isNaN(d)) {
                return "NaN";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "+Inf" : "-Inf";
            }
            if (d == 0) {
                return "0";
            }
            double ad = Math.abs(d);
            if (ad >= 1e21 || ad < 1e-4) {
                String s = String.format(Locale.ROOT, "%s", Double.toString(d));
                int e = s.indexOf('E');
                String mant = s.substring(0, e).replaceAll("\\.0$", "");
                int exp = Integer.parseInt(s.substring(e + 1));
                return mant
                        + "e"
                        + (exp < 0 ? "-" : "+")
                        + (Math.abs(exp) < 10 ? "0" : "")
                        + Math.abs(exp);
            }
            return Values.formatFloat(d);
        }

        private static String printf(List<Object> a) {
            if (a.isEmpty()) {
                throw new IllegalArgumentException("wrong number of args for printf: want 1 got 0");
            }
            String f = print(a.get(0));
            StringBuilder sb = new StringBuilder();
            int arg = 1;
            for (int k = 0; k < f.length(); k++) {
                char c = f.charAt(k);
                if (c != '%') {
                    sb.append(c);
                    continue;
                }
                int start = k;
                k++;
                while (k < f.length() && "+-# 0123456789.".indexOf(f.charAt(k)) >= 0) {
                    k++;
                }
                if (k >= f.length()) {
                    sb.append("%!(NOVERB)");
                    break;
                }
                char verb = f.charAt(k);
                String flags = f.substring(start + 1, k);
                if (verb == '%') {
                    sb.append('%');
                    continue;
                }
                if (arg >= a.size()) {
                    sb.append("%!").append(verb).append("(MISSING)");
                    continue;
                }
                Object v = a.get(arg++);
                sb.append(formatVerb(verb, flags, v));
            }
            if (arg < a.size()) {
                sb.append("%!(EXTRA ");
                for (int k = arg; k < a.size(); k++) {
                    sb.append(k > arg ? ", " : "")
                            .append(typeName(a.get(k)))
                            .append('=')
                            .append(print(a.get(k)));
                }
                sb.append(')');
            }
            return sb.toString();
        }

        private static String typeName(Object v) {
            if (v instanceof Long) {
                return "int";
            }
            if (v instanceof Double) {
                return "float64";
            }
            if (v instanceof Boolean) {
                return "bool";
            }
            return "string";
        }

        private static String formatVerb(char verb, String flags, Object v) {
            String jf = flags.replace("#", "");
            return switch (verb) {
                case 'v', 's' ->
                        String.format(
                                Locale.ROOT, "%" + jf.replaceAll("\\.\\d+", "") + "s", print(v));
                case 'q' -> GoStrings.quote(print(v));
                case 'd' ->
                        v instanceof Long || v instanceof Double
                                ? String.format(Locale.ROOT, "%" + jf + "d", (long) toDouble(v))
                                : "%!d(" + typeName(v) + "=" + print(v) + ")";
                case 'f', 'F' ->
                        v instanceof Long || v instanceof Double
                                ? String.format(Locale.ROOT, "%" + jf + "f", toDouble(v))
                                : "%!f(" + typeName(v) + "=" + print(v) + ")";
                case 'e' -> String.format(Locale.ROOT, "%" + jf + "e", toDouble(v));
                case 'g' -> formatG(toDouble(v));
                case 'x' ->
                        v instanceof Long l
                                ? Long.toHexString(l)
                                : hex(print(v).getBytes(StandardCharsets.UTF_8));
                case 't' -> String.valueOf(truth(v));
                default -> "%!" + verb + "(" + typeName(v) + "=" + print(v) + ")";
            };
        }

        private static String hex(byte[] b) {
            StringBuilder sb = new StringBuilder();
            for (byte x : b) {
                sb.append(String.format(Locale.ROOT, "%02x", x & 0xff));
            }
            return sb.toString();
        }
    }
}
