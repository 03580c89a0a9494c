package io.chunkstore.loki.logql;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.LabelMatcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A LogQL log pipeline after the leading line filters: parsers ({@code json}, {@code logfmt},
 * {@code regexp}, {@code pattern}, {@code unpack}), label filters, line filters, {@code
 * line_format}, {@code label_format}, {@code drop}, {@code keep} and {@code decolorize}, applied in
 * order to each line and its labels, with Loki's semantics (grafana/loki {@code
 * pkg/logql/log/pipeline.go}, {@code parser.go}, {@code fmt.go}, {@code label_filter.go}, {@code
 * drop_labels.go}, {@code keep_labels.go}). Immutable and thread-safe; the per-line state is a
 * {@link Line}.
 *
 * @param stages the stages in order
 */
public record Pipeline(List<Stage> stages) {
    /** The empty pipeline. */
    public static final Pipeline EMPTY = new Pipeline(List.of());

    private static final JsonFactory JSON = new JsonFactory();

    public Pipeline {
        stages = List.copyOf(stages);
    }

    /** Whether the pipeline has no stages. */
    public boolean isEmpty() {
        return stages.isEmpty();
    }

    /** Whether a stage may change the labels (a parser, formatter, drop/keep or label filter). */
    public boolean changesLabels() {
        for (Stage s : stages) {
            if (!(s instanceof LineFilterStage)
                    && !(s instanceof Decolorize)
                    && !(s instanceof LineFormat)) {
                return true;
            }
        }
        return false;
    }

    /** One line in flight: its bytes (or text once a stage made it text) and labels. */
    public static final class Line {
        private final long timestampNs;
        private byte[] bytes;
        private String text;
        private final LabelsBuilder labels;

        /** A line of a stream. */
        public Line(long timestampNs, byte[] bytes, LabelsBuilder labels) {
            this.timestampNs = timestampNs;
            this.bytes = bytes;
            this.labels = labels;
        }

        /** The entry's time. */
        public long timestampNs() {
            return timestampNs;
        }

        /** The line's bytes. */
        public byte[] bytes() {
            if (bytes == null) {
                bytes = GoStrings.bytes(text);
            }
            return bytes;
        }

        /** The line as text. */
        public String text() {
            if (text == null) {
                text = GoStrings.fromBytes(bytes);
            }
            return text;
        }

        /** Replaces the line. */
        public void setText(String t) {
            text = t;
            bytes = null;
        }

        /** The labels. */
        public LabelsBuilder labels() {
            return labels;
        }
    }

    /** Runs every stage; false when a stage drops the line. */
    public boolean process(Line line) {
        for (Stage s : stages) {
            if (!s.process(line)) {
                return false;
            }
        }
        return true;
    }

    /** One stage. */
    public sealed interface Stage
            permits LineFilterStage,
                    Json,
                    Logfmt,
                    Regexp,
                    PatternStage,
                    Unpack,
                    LabelFilterStage,
                    LineFormat,
                    LabelFormat,
                    Drop,
                    Keep,
                    Decolorize {
        /** Processes a line; false drops it. */
        boolean process(Line line);
    }

    /** A line filter after another stage. */
    public record LineFilterStage(LineFilter filter) implements Stage {
        @Override
        public boolean process(Line line) {
            return filter.test(line.bytes());
        }
    }

    /** A label filter expression. */
    public record LabelFilterStage(LabelFilter filter) implements Stage {
        @Override
        public boolean process(Line line) {
            return filter.test(line.labels());
        }
    }

    /**
     * {@code | json} (every leaf of nested objects, names joined by {@code _}, arrays skipped) or
     * {@code | json a="x.y", b="z[0]"} (the values at the paths; objects and arrays as JSON text).
     * Invalid JSON records {@code __error__="JSONParserErr"}.
     *
     * @param params label name to path; empty for the whole object
     */
    public record Json(List<Map.Entry<String, List<Object>>> params) implements Stage {
        /** Loki's error. */
        public static final String ERROR = "JSONParserErr";

        public Json {
            params = List.copyOf(params);
        }

        @Override
        public boolean process(Line line) {
            byte[] b = line.bytes();
            try (JsonParser p = JSON.createParser(b)) {
                if (params.isEmpty()) {
                    if (p.nextToken() != JsonToken.START_OBJECT) {
                        throw new IOException(
                                "Value looks like object, but can't find closing '}' symbol");
                    }
                    flatten(p, "", line.labels());
                    if (p.nextToken() != null) {
                        throw new IOException("unexpected content after the JSON object");
                    }
                } else {
                    com.fasterxml.jackson.databind.JsonNode root = MAPPER.readTree(p);
                    if (root == null) {
                        throw new IOException("empty line");
                    }
                    for (Map.Entry<String, List<Object>> e : params) {
                        com.fasterxml.jackson.databind.JsonNode n = root;
                        for (Object step : e.getValue()) {
                            if (n == null) {
                                break;
                            }
                            n = step instanceof Integer i ? n.get(i) : n.get((String) step);
                        }
                        String v = "";
                        if (n != null && !n.isNull()) {
                            v = n.isValueNode() ? n.asText() : n.toString();
                        }
                        line.labels().setExtracted(e.getKey(), v);
                    }
                }
            } catch (IOException e) {
                line.labels().setError(ERROR, e.getMessage().split("\n")[0]);
            }
            return true;
        }

        private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
                new com.fasterxml.jackson.databind.ObjectMapper();

        private static void flatten(JsonParser p, String prefix, LabelsBuilder lbs)
                throws IOException {
            while (true) {
                JsonToken t = p.nextToken();
                if (t == JsonToken.END_OBJECT) {
                    return;
                }
                if (t != JsonToken.FIELD_NAME) {
                    throw new IOException("malformed JSON object");
                }
                String key = prefix + sanitize(p.currentName(), prefix.isEmpty());
                JsonToken v = p.nextToken();
                switch (v) {
                    case START_OBJECT -> flatten(p, key + "_", lbs);
                    case START_ARRAY -> p.skipChildren();
                    case VALUE_STRING -> lbs.setExtracted(key, p.getText());
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> lbs.setExtracted(key, p.getText());
                    case VALUE_TRUE -> lbs.setExtracted(key, "true");
                    case VALUE_FALSE -> lbs.setExtracted(key, "false");
                    case VALUE_NULL -> lbs.setExtracted(key, "");
                    default -> throw new IOException("malformed JSON value");
                }
            }
        }
    }

    /**
     * Loki's {@code sanitizeLabelKey}: characters other than {@code [a-zA-Z0-9_]} become {@code _};
     * a leading digit of a top-level key gets a {@code _} in front.
     */
    public static String sanitize(String key, boolean prefix) {
        String k = key.strip();
        if (k.isEmpty()) {
            return k;
        }
        StringBuilder sb = new StringBuilder(k.length() + 1);
        if (prefix && k.charAt(0) >= '0' && k.charAt(0) <= '9') {
            sb.append('_');
        }
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || c == '_'
                            || (c >= '0' && c <= '9');
            sb.append(ok ? c : '_');
        }
        return sb.toString();
    }

    /**
     * {@code | logfmt} with {@code --strict} (stop at the first error and record {@code
     * __error__="LogfmtParserErr"}; without it, bad pairs are skipped) and {@code --keep-empty}
     * (keep a key without {@code =} as an empty label), and optional {@code a="key"} parameters.
     * Tokens follow go-logfmt's decoder.
     *
     * @param strict --strict
     * @param keepEmpty --keep-empty
     * @param params label name to logfmt key; empty for every key
     */
    public record Logfmt(boolean strict, boolean keepEmpty, List<Map.Entry<String, String>> params)
            implements Stage {
        /** Loki's error. */
        public static final String ERROR = "LogfmtParserErr";

        public Logfmt {
            params = List.copyOf(params);
        }

        @Override
        public boolean process(Line line) {
            String s = line.text();
            Map<String, String> wanted = null;
            if (!params.isEmpty()) {
                wanted = new HashMap<>();
                for (Map.Entry<String, String> e : params) {
                    wanted.put(e.getValue(), e.getKey());
                }
            }
            int i = 0;
            int n = s.length();
            while (i < n) {
                while (i < n && s.charAt(i) <= ' ') {
                    i++;
                }
                if (i >= n) {
                    break;
                }
                int k0 = i;
                String err = null;
                while (i < n && s.charAt(i) > ' ' && s.charAt(i) != '=' && s.charAt(i) != '"') {
                    i++;
                }
                String key = s.substring(k0, i);
                String value = null;
                if (i < n && s.charAt(i) == '"') {
                    err = "logfmt syntax error at pos " + (i + 1) + " on line 1: unexpected '\"'";
                    i++;
                    while (i < n && s.charAt(i) > ' ') {
                        i++;
                    }
                } else if (key.isEmpty()) {
                    err = "logfmt syntax error at pos " + (i + 1) + " on line 1: unexpected '='";
                    i++;
                    while (i < n && s.charAt(i) > ' ') {
                        i++;
                    }
                } else if (i < n && s.charAt(i) == '=') {
                    i++;
                    if (i < n && s.charAt(i) == '"') {
                        int q0 = i;
                        i++;
                        boolean closed = false;
                        while (i < n) {
                            char c = s.charAt(i);
                            if (c == '\\') {
                                i += 2;
                                continue;
                            }
                            i++;
                            if (c == '"') {
                                closed = true;
                                break;
                            }
                        }
                        if (!closed) {
                            err =
                                    "logfmt syntax error at pos "
                                            + (n + 1)
                                            + " on line 1: unterminated quoted value";
                        } else {
                            try {
                                value = GoStrings.unquote(s.substring(q0, i));
                            } catch (IllegalArgumentException e) {
                                err =
                                        "logfmt syntax error at pos "
                                                + (i + 1)
                                                + " on line 1: invalid quoted value";
                            }
                            if (err == null && i < n && s.charAt(i) > ' ') {
                                err =
                                        "logfmt syntax error at pos "
                                                + (i + 1)
                                                + " on line 1: unexpected '"
                                                + s.charAt(i)
                                                + "'";
                                while (i < n && s.charAt(i) > ' ') {
                                    i++;
                                }
                            }
                        }
                    } else {
                        int v0 = i;
                        while (i < n
                                && s.charAt(i) > ' '
                                && s.charAt(i) != '"'
                                && s.charAt(i) != '=') {
                            i++;
                        }
                        value = s.substring(v0, i);
                        if (i < n && s.charAt(i) > ' ') {
                            err =
                                    "logfmt syntax error at pos "
                                            + (i + 1)
                                            + " on line 1: unexpected '"
                                            + s.charAt(i)
                                            + "'";
                            while (i < n && s.charAt(i) > ' ') {
                                i++;
                            }
                        }
                    }
                }
                if (err != null) {
                    if (strict) {
                        line.labels().setError(ERROR, err);
                        return true;
                    }
                    continue;
                }
                if (value == null) {
                    if (!keepEmpty) {
                        continue;
                    }
                    value = "";
                }
                String name = sanitize(key, true);
                if (name.isEmpty()) {
                    continue;
                }
                if (wanted != null) {
                    String as = wanted.get(key);
                    if (as == null) {
                        continue;
                    }
                    name = as;
                }
                if (value.isEmpty() && !keepEmpty && wanted == null) {
                    continue;
                }
                line.labels().setExtracted(name, value);
            }
            return true;
        }
    }

    /**
     * {@code | regexp "(?P<name>re)"}: the named groups of the first match become labels; a line
     * that does not match gets none.
     *
     * @param pattern the RE2 pattern
     * @param names group index to label name
     */
    public record Regexp(Pattern pattern, Map<Integer, String> names) implements Stage {
        @Override
        public boolean process(Line line) {
            Matcher m = pattern.matcher(line.bytes());
            if (!m.find()) {
                return true;
            }
            for (Map.Entry<Integer, String> e : names.entrySet()) {
                String v = m.group(e.getKey());
                if (v != null) {
                    line.labels().setExtracted(e.getValue(), v);
                }
            }
            return true;
        }
    }

    /**
     * {@code | pattern "<ip> - <_> [<ts>] \"<method> ..."}: literals and captures, each capture up
     * to the next literal's first occurrence (grafana/loki {@code pkg/logql/log/pattern}); a line
     * that does not match gets no labels.
     *
     * @param parts literal strings and capture names ({@code null} name for {@code <_>}) in order
     */
    public record PatternStage(List<Object> parts) implements Stage {
        /** A capture; name null for {@code <_>}. */
        public record Capture(String name) {}

        @Override
        public boolean process(Line line) {
            String s = line.text();
            List<String[]> found = new ArrayList<>();
            int pos = 0;
            for (int i = 0; i < parts.size(); i++) {
                Object p = parts.get(i);
                if (p instanceof String lit) {
                    if (i == 0) {
                        if (!s.startsWith(lit)) {
                            return true;
                        }
                        pos = lit.length();
                    }
                    continue;
                }
                Capture c = (Capture) p;
                int end;
                String next = i + 1 < parts.size() ? (String) parts.get(i + 1) : null;
                if (next == null) {
                    end = s.length();
                } else {
                    end = s.indexOf(next, pos);
                    if (end < 0) {
                        return true;
                    }
                }
                if (c.name != null) {
                    found.add(new String[] {c.name, s.substring(pos, end)});
                }
                pos = next == null ? end : end + next.length();
            }
            for (String[] f : found) {
                line.labels().setExtracted(f[0], f[1]);
            }
            return true;
        }
    }

    /**
     * {@code | unpack}: the string values of a JSON object become labels, and its {@code _entry}
     * value replaces the line (Promtail's {@code pack} stage undone).
     */
    public record Unpack() implements Stage {
        @Override
        public boolean process(Line line) {
            try (JsonParser p = JSON.createParser(line.bytes())) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IOException(
                            "Value looks like object, but can't find closing '}' symbol");
                }
                String entry = null;
                List<String[]> labels = new ArrayList<>();
                while (true) {
                    JsonToken t = p.nextToken();
                    if (t == JsonToken.END_OBJECT) {
                        break;
                    }
                    if (t != JsonToken.FIELD_NAME) {
                        throw new IOException("malformed JSON object");
                    }
                    String key = p.currentName();
                    JsonToken v = p.nextToken();
                    if (v == JsonToken.VALUE_STRING) {
                        if (key.equals("_entry")) {
                            entry = p.getText();
                        } else {
                            labels.add(new String[] {key, p.getText()});
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                for (String[] l : labels) {
                    line.labels().setExtracted(l[0], l[1]);
                }
                if (entry != null) {
                    line.setText(entry);
                }
            } catch (IOException e) {
                line.labels().setError(Json.ERROR, e.getMessage().split("\n")[0]);
            }
            return true;
        }
    }

    /** {@code | line_format "{{.a}}"}. */
    public record LineFormat(GoTemplate template) implements Stage {
        /** Loki's error. */
        public static final String ERROR = "TemplateFormatErr";

        @Override
        public boolean process(Line line) {
            try {
                line.setText(
                        template.execute(
                                new GoTemplate.Data(
                                        line.labels().map(), line.text(), line.timestampNs())));
            } catch (IllegalArgumentException e) {
                line.labels().setError(ERROR, e.getMessage());
            }
            return true;
        }
    }

    /**
     * One {@code label_format} assignment: {@code dst=src} renames, {@code dst="{{...}}"} sets a
     * template's output.
     *
     * @param dst the label set
     * @param rename the source label for a rename, else null
     * @param template the template, else null
     */
    public record LabelAssignment(String dst, String rename, GoTemplate template) {}

    /** {@code | label_format a=b, c="{{.d}}"}. */
    public record LabelFormat(List<LabelAssignment> assignments) implements Stage {
        public LabelFormat {
            assignments = List.copyOf(assignments);
        }

        @Override
        public boolean process(Line line) {
            LabelsBuilder lbs = line.labels();
            Map<String, String> before = null;
            for (LabelAssignment a : assignments) {
                if (a.rename != null) {
                    String v = lbs.get(a.rename);
                    if (v != null) {
                        lbs.delete(a.rename);
                        lbs.set(a.dst, v);
                    }
                } else {
                    if (before == null) {
                        before = lbs.map();
                    }
                    try {
                        lbs.set(
                                a.dst,
                                a.template.execute(
                                        new GoTemplate.Data(
                                                before, line.text(), line.timestampNs())));
                    } catch (IllegalArgumentException e) {
                        lbs.setError(LineFormat.ERROR, e.getMessage());
                    }
                }
            }
            return true;
        }
    }

    /**
     * A name in {@code drop}/{@code keep}, optionally with a matcher.
     *
     * @param name the label
     * @param matcher a matcher on its value, or null
     */
    public record NamedMatcher(String name, LabelMatcher matcher) {}

    /** {@code | drop a, b="x"}: removes labels (only when the matcher matches). */
    public record Drop(List<NamedMatcher> labels) implements Stage {
        public Drop {
            labels = List.copyOf(labels);
        }

        @Override
        public boolean process(Line line) {
            LabelsBuilder lbs = line.labels();
            for (NamedMatcher m : labels) {
                String v = lbs.get(m.name);
                if (v == null) {
                    continue;
                }
                if (m.matcher == null || m.matcher.matches(v)) {
                    lbs.delete(m.name);
                }
            }
            return true;
        }
    }

    /** {@code | keep a, b="x"}: keeps only these labels (with a matcher, only if it matches). */
    public record Keep(List<NamedMatcher> labels) implements Stage {
        public Keep {
            labels = List.copyOf(labels);
        }

        @Override
        public boolean process(Line line) {
            LabelsBuilder lbs = line.labels();
            Map<String, String> all = lbs.map();
            lbs.keepOnly(
                    name -> {
                        for (NamedMatcher m : labels) {
                            if (m.name.equals(name)
                                    && (m.matcher == null || m.matcher.matches(all.get(name)))) {
                                return true;
                            }
                        }
                        return false;
                    });
            return true;
        }
    }

    /** {@code | decolorize}: removes ANSI escape sequences (CSI and two-byte escapes). */
    public record Decolorize() implements Stage {
        @Override
        public boolean process(Line line) {
            byte[] b = line.bytes();
            int esc = indexOf(b, (byte) 0x1b);
            if (esc < 0) {
                return true;
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(b.length);
            int i = 0;
            while (i < b.length) {
                if (b[i] == 0x1b && i + 1 < b.length && b[i + 1] == '[') {
                    int j = i + 2;
                    while (j < b.length && (b[j] & 0xff) >= 0x30 && (b[j] & 0xff) <= 0x3f) {
                        j++;
                    }
                    while (j < b.length && (b[j] & 0xff) >= 0x20 && (b[j] & 0xff) <= 0x2f) {
                        j++;
                    }
                    if (j < b.length && (b[j] & 0xff) >= 0x40 && (b[j] & 0xff) <= 0x7e) {
                        i = j + 1;
                        continue;
                    }
                }
                out.write(b[i]);
                i++;
            }
            line.setText(new String(out.toByteArray(), StandardCharsets.UTF_8));
            return true;
        }

        private static int indexOf(byte[] b, byte x) {
            for (int i = 0; i < b.length; i++) {
                if (b[i] == x) {
                    return i;
                }
            }
            return -1;
        }
    }
}
