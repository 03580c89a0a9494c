package io.chunkstore.core.model;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Go's string quoting ({@code strconv.Quote}) and unquoting, which Cortex and Loki use in series IDs, label strings
 * and query literals, reproduced exactly for valid Unicode input.
 */
public final class GoStrings {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoStrings() {
    }

    /** Go's {@code strconv.Quote}. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); ) {
            int r = s.codePointAt(i);
            i += Character.charCount(r);
            appendEscapedRune(sb, r);
        }
        return sb.append('"').toString();
    }

    private static void appendEscapedRune(StringBuilder sb, int r) {
        if (r == '"' || r == '\\') {
            sb.append('\\').appendCodePoint(r);
            return;
        }
        if (isPrint(r)) {
            sb.appendCodePoint(r);
            return;
        }
        switch (r) {
            case 0x07 -> sb.append("\\a");
            case '\b' -> sb.append("\\b");
            case '\f' -> sb.append("\\f");
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            case 0x0b -> sb.append("\\v");
            default -> {
                if (r < ' ' || r == 0x7f) {
                    sb.append("\\x").append(HEX[(r >> 4) & 0xf]).append(HEX[r & 0xf]);
                } else if (Character.isSurrogate((char) r) && r < 0x10000) {
                    // A lone surrogate has no UTF-8 form; Go would see the replacement character's bytes.
                    sb.append("\\ufffd");
                } else if (r < 0x10000) {
                    sb.append("\\u");
                    appendHex(sb, r, 4);
                } else {
                    sb.append("\\U");
                    appendHex(sb, r, 8);
                }
            }
        }
    }

    private static void appendHex(StringBuilder sb, int v, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            sb.append(HEX[(v >> shift) & 0xf]);
        }
    }

    /** Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII space. */
    public static boolean isPrint(int r) {
        if (r == ' ') {
            return true;
        }
        return switch (Character.getType(r)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
                    Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK, Character.DECIMAL_DIGIT_NUMBER,
                    Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
                    Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    /**
     * Unquotes a Go / PromQL string literal: {@code "..."} and {@code '...'} with Go escapes, or {@code `...`} raw.
     *
     * @throws IllegalArgumentException with the position of the problem when the literal is malformed
     */
    public static String unquote(String literal) {
        if (literal.length() < 2) {
            throw new IllegalArgumentException("not a quoted string: " + literal);
        }
        char q = literal.charAt(0);
        if (literal.charAt(literal.length() - 1) != q || (q != '"' && q != '\'' && q != '`')) {
            throw new IllegalArgumentException("not a quoted string: " + literal);
        }
        String body = literal.substring(1, literal.length() - 1);
        if (q == '`') {
            if (body.indexOf('`') >= 0) {
                throw new IllegalArgumentException("backquote inside a raw string: " + literal);
            }
            return body;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length());
        for (int i = 0; i < body.length(); ) {
            char c = body.charAt(i);
            if (c == q || c == '\n') {
                throw new IllegalArgumentException("unescaped " + (c == '\n' ? "newline" : String.valueOf(c))
                        + " at offset " + (i + 1) + " in " + literal);
            }
            if (c != '\\') {
                int cp = body.codePointAt(i);
                i += Character.charCount(cp);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            if (i + 1 >= body.length()) {
                throw new IllegalArgumentException("dangling backslash in " + literal);
            }
            char e = body.charAt(i + 1);
            i += 2;
            switch (e) {
                case 'a' -> out.write(0x07);
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'v' -> out.write(0x0b);
                case '\\' -> out.write('\\');
                case '"', '\'' -> {
                    if (e != q) {
                        throw new IllegalArgumentException("invalid escape \\" + e + " in " + literal);
                    }
                    out.write(e);
                }
                case 'x' -> {
                    out.write(parseHex(body, i, 2, literal));
                    i += 2;
                }
                case 'u', 'U' -> {
                    int n = e == 'u' ? 4 : 8;
                    int cp = parseHex(body, i, n, literal);
                    if (!Character.isValidCodePoint(cp) || (cp >= 0xD800 && cp <= 0xDFFF)) {
                        throw new IllegalArgumentException("invalid code point \\" + e + body.substring(i, i + n)
                                + " in " + literal);
                    }
                    i += n;
                    out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                }
                case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                    if (i + 2 > body.length()) {
                        throw new IllegalArgumentException("short octal escape in " + literal);
                    }
                    int v = 0;
                    for (int k = i - 1; k < i + 2; k++) {
                        char d = body.charAt(k);
                        if (d < '0' || d > '7') {
                            throw new IllegalArgumentException("invalid octal escape in " + literal);
                        }
                        v = v * 8 + (d - '0');
                    }
                    if (v > 255) {
                        throw new IllegalArgumentException("octal escape out of range in " + literal);
                    }
                    out.write(v);
                    i += 2;
                }
                default -> throw new IllegalArgumentException("invalid escape \\" + e + " in " + literal);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int parseHex(String s, int at, int n, String literal) {
        if (at + n > s.length()) {
            throw new IllegalArgumentException("short hex escape in " + literal);
        }
        int v = 0;
        for (int k = at; k < at + n; k++) {
            int d = Character.digit(s.charAt(k), 16);
            if (d < 0) {
                throw new IllegalArgumentException("invalid hex escape in " + literal);
            }
            v = v * 16 + d;
        }
        return v;
    }
}
