package io.chunkstore.cassandra;

import java.util.ArrayList;
import java.util.List;

/**
 * Validates {@code table_options}, the raw text Cortex appends to {@code CREATE TABLE ... WITH}.
 * Cortex concatenates it unchecked; here it must be a list of table properties that cannot change
 * anything but those properties:
 *
 * <pre>
 *   options  = option { "AND" option }
 *   option   = name "=" value
 *   value    = number | 'string' | true | false | map
 *   map      = "{" [ 'string' ":" scalar { "," 'string' ":" scalar } ] "}"
 *   scalar   = number | 'string' | true | false
 * </pre>
 *
 * for example {@code compaction = {'class': 'TimeWindowCompactionStrategy',
 * 'compaction_window_size': 7} AND default_time_to_live = 2592000}. Semicolons and comments are
 * rejected anywhere, even inside strings, and so are {@code CLUSTERING ORDER BY} and {@code COMPACT
 * STORAGE} (they would change Cortex's layout).
 */
final class TableOptions {
    static final String GRAMMAR =
            "table_options must be table properties like"
                    + " \"compaction = {'class': 'LeveledCompactionStrategy'} AND default_time_to_live = 86400\": name = value"
                    + " pairs joined by AND, where a value is a number, a 'quoted string', true/false, or a {'key': value}"
                    + " map of those; semicolons, comments, CLUSTERING ORDER and COMPACT STORAGE are not allowed";

    private final String text;
    private int pos;

    private TableOptions(String text) {
        this.text = text;
    }

    /**
     * Checks the options and returns them trimmed ({@code ""} when blank).
     *
     * @throws IllegalArgumentException saying what is wrong, where, and what is allowed
     */
    static String validate(String options) {
        if (options == null || options.isBlank()) {
            return "";
        }
        String t = options.trim();
        for (String bad : List.of(";", "--", "//", "/*", "*/")) {
            if (t.contains(bad)) {
                throw new IllegalArgumentException(
                        "table_options contains '" + bad + "'. " + GRAMMAR);
            }
        }
        TableOptions p = new TableOptions(t);
        p.options();
        return t;
    }

    /** The property names in the options, in order (for messages and tests). */
    static List<String> names(String options) {
        String t = validate(options);
        List<String> out = new ArrayList<>();
        if (t.isEmpty()) {
            return out;
        }
        TableOptions p = new TableOptions(t);
        p.options(out);
        return out;
    }

    private void options() {
        options(new ArrayList<>());
    }

    private void options(List<String> names) {
        do {
            skipSpace();
            names.add(option());
            skipSpace();
        } while (keyword("AND"));
        skipSpace();
        if (pos < text.length()) {
            throw error("expected AND or the end");
        }
    }

    private String option() {
        String name = identifier();
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("clustering") || lower.equals("compact")) {
            throw error("'" + name + "' would change the table's layout");
        }
        skipSpace();
        expect('=');
        skipSpace();
        value(true);
        return lower;
    }

    private void value(boolean mapAllowed) {
        if (pos >= text.length()) {
            throw error("expected a value");
        }
        char c = text.charAt(pos);
        if (c == '\'') {
            string();
        } else if (c == '{') {
            if (!mapAllowed) {
                throw error("maps cannot be nested");
            }
            map();
        } else if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) {
            number();
        } else if (!keyword("true") && !keyword("false")) {
            throw error("expected a number, a 'quoted string', true, false or a {map}");
        }
    }

    private void map() {
        expect('{');
        skipSpace();
        if (peek('}')) {
            pos++;
            return;
        }
        while (true) {
            skipSpace();
            if (!peek('\'')) {
                throw error("map keys must be 'quoted strings'");
            }
            string();
            skipSpace();
            expect(':');
            skipSpace();
            value(false);
            skipSpace();
            if (peek(',')) {
                pos++;
                continue;
            }
            expect('}');
            return;
        }
    }

    private void string() {
        expect('\'');
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '\'') {
                if (peek('\'')) {
                    pos++; // '' is an escaped quote
                    continue;
                }
                return;
            }
        }
        throw error("unterminated string");
    }

    private void number() {
        int start = pos;
        if (peek('-') || peek('+')) {
            pos++;
        }
        int digits = 0;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
            digits++;
        }
        if (peek('.')) {
            pos++;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
                digits++;
            }
        }
        if (digits == 0) {
            pos = start;
            throw error("malformed number");
        }
        if (peek('e') || peek('E')) {
            pos++;
            if (peek('-') || peek('+')) {
                pos++;
            }
            int exp = 0;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
                exp++;
            }
            if (exp == 0) {
                throw error("malformed number");
            }
        }
        if (pos < text.length() && Character.isLetterOrDigit(text.charAt(pos))) {
            throw error("malformed number");
        }
    }

    private String identifier() {
        int start = pos;
        if (pos < text.length()
                && (Character.isLetter(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
            while (pos < text.length()
                    && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                pos++;
            }
        }
        if (pos == start) {
            throw error("expected a property name");
        }
        String s = text.substring(start, pos);
        if (!s.chars().allMatch(ch -> ch < 128)) {
            pos = start;
            throw error("property names are ASCII letters, digits and underscores");
        }
        return s;
    }

    private boolean keyword(String word) {
        int end = pos + word.length();
        if (end <= text.length()
                && text.regionMatches(true, pos, word, 0, word.length())
                && (end == text.length()
                        || !(Character.isLetterOrDigit(text.charAt(end))
                                || text.charAt(end) == '_'))) {
            pos = end;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        String near =
                pos >= text.length()
                        ? "the end"
                        : "'" + text.substring(pos, Math.min(text.length(), pos + 20)) + "'";
        return new IllegalArgumentException(
                "invalid table_options \""
                        + text
                        + "\": "
                        + what
                        + " at "
                        + near
                        + " (position "
                        + pos
                        + "). "
                        + GRAMMAR);
    }
}
