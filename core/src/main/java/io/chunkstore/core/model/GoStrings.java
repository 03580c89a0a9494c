package io.chunkstore.core.model;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Go strings in Java: their bytes, their order, and Go's quoting ({@code strconv.Quote}) and
 * unquoting, which Cortex and Loki use in series IDs, label strings and query literals.
 *
 * <p><b>Bytes that are not UTF-8.</b> A Go string is any sequence of bytes; a label value written
 * by Go may hold bytes that are not valid UTF-8 (Prometheus 2 accepted them in label values).
 * chunkstore carries such a byte in a Java string as the lone low surrogate {@code U+DC80..U+DCFF}
 * (the byte plus {@code 0xDC00}, the "surrogate escape" of PEP 383): {@link #fromBytes} decodes
 * valid UTF-8 as usual and maps each byte that Go's {@code utf8.DecodeRune} would see as invalid (a
 * rune error of width 1) to its escape, and {@link #bytes} turns the escapes back into the original
 * bytes. Valid UTF-8 never decodes to a lone surrogate, so the mapping is one to one: a label value
 * read from an index entry or a chunk's metadata and written again is the same bytes, so series
 * IDs, fingerprints, index entries and chunk checksums stay Cortex's.
 *
 * <p><b>Order.</b> Go compares strings by their bytes; {@link #BYTE_ORDER} is that order ({@link
 * String#compareTo} compares UTF-16 units, which differs for characters above U+FFFF and for
 * escaped bytes).
 */
public final class GoStrings {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final char ESCAPE_BASE = 0xDC00;

    /**
     * Go's string order: by the strings' bytes ({@link #bytes}), as {@code sort.Strings} and {@code
     * <} compare them.
     */
    public static final Comparator<String> BYTE_ORDER = GoStrings::compareBytes;

    private GoStrings() {}

    /**
     * The bytes of a Go string: UTF-8, with each escaped byte ({@code U+DC80..U+DCFF} not preceded
     * by a high surrogate) written as itself; any other lone surrogate has no bytes in Go and
     * becomes U+FFFD's.
     */
    public static byte[] bytes(String s) {
        if (!hasSurrogate(s)) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 8);
        for (int i = 0; i < s.length(); ) {
            int escaped = escapedByteAt(s, i);
            if (escaped >= 0) {
                out.write(escaped);
                i++;
                continue;
            }
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp <= 0xFFFF && Character.isSurrogate((char) cp)) {
                cp = 0xFFFD;
            }
            writeUtf8(out, cp);
        }
        return out.toByteArray();
    }

    /** A Go string from its bytes: UTF-8, each byte of an invalid sequence kept as its escape. */
    public static String fromBytes(byte[] b) {
        return fromBytes(b, 0, b.length);
    }

    /** {@link #fromBytes(byte[])} of {@code len} bytes at {@code off}. */
    public static String fromBytes(byte[] b, int off, int len) {
        StringBuilder sb = null;
        int i = off;
        int end = off + len;
        int plain = off;
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int n = validSequenceLength(b, i, end);
            if (n > 0) {
                i += n;
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(len + 8);
            }
            sb.append(new String(b, plain, i - plain, StandardCharsets.UTF_8))
                    .append((char) (ESCAPE_BASE | c));
            i++;
            plain = i;
        }
        if (sb == null) {
            return new String(b, off, len, StandardCharsets.UTF_8);
        }
        return sb.append(new String(b, plain, end - plain, StandardCharsets.UTF_8)).toString();
    }

    /** Whether a string holds bytes that are not UTF-8 (escaped bytes). */
    public static boolean hasEscapedBytes(String s) {
        if (!hasSurrogate(s)) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (escapedByteAt(s, i) >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The raw byte escaped at {@code i} ({@code 0x80..0xFF}), or -1 when the char there is not an
     * escape: a low surrogate in {@code U+DC80..U+DCFF} that does not end a surrogate pair.
     */
    public static int escapedByteAt(String s, int i) {
        char c = s.charAt(i);
        if (c < 0xDC80 || c > 0xDCFF) {
            return -1;
        }
        if (i > 0 && Character.isHighSurrogate(s.charAt(i - 1))) {
            return -1;
        }
        return c & 0xFF;
    }

    private static boolean hasSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The length of the valid UTF-8 sequence that starts at {@code i} with a byte {@code >= 0x80},
     * or 0 when it is not valid (Go's {@code utf8.DecodeRune} rules: no overlong forms, no
     * surrogates, nothing above U+10FFFF).
     */
    private static int validSequenceLength(byte[] b, int i, int end) {
        int c = b[i] & 0xFF;
        int n;
        int lo = 0x80;
        int hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            if (c == 0xE0) {
                lo = 0xA0;
            } else if (c == 0xED) {
                hi = 0x9F;
            }
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            if (c == 0xF0) {
                lo = 0x90;
            } else if (c == 0xF4) {
                hi = 0x8F;
            }
        } else {
            return 0;
        }
        if (i + n > end) {
            return 0;
        }
        int second = b[i + 1] & 0xFF;
        if (second < lo || second > hi) {
            return 0;
        }
        for (int k = 2; k < n; k++) {
            int cont = b[i + k] & 0xFF;
            if (cont < 0x80 || cont > 0xBF) {
                return 0;
            }
        }
        return n;
    }

    private static void writeUtf8(ByteArrayOutputStream out, int cp) {
        if (cp < 0x80) {
            out.write(cp);
        } else if (cp < 0x800) {
            out.write(0xC0 | (cp >> 6));
            out.write(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out.write(0xE0 | (cp >> 12));
            out.write(0x80 | ((cp >> 6) & 0x3F));
            out.write(0x80 | (cp & 0x3F));
        } else {
            out.write(0xF0 | (cp >> 18));
            out.write(0x80 | ((cp >> 12) & 0x3F));
            out.write(0x80 | ((cp >> 6) & 0x3F));
            out.write(0x80 | (cp & 0x3F));
        }
    }

    private static int compareBytes(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char ca = a.charAt(i);
            char cb = b.charAt(i);
            if (ca == cb) {
                continue;
            }
            if (!Character.isSurrogate(ca) && !Character.isSurrogate(cb)) {
                // Below U+D800 and from U+E000 up, UTF-16 order is code point order, which is UTF-8
                // byte order.
                return ca - cb;
            }
            // Surrogate pairs and escaped bytes: compare the rest as bytes, from the start of the
            // character.
            int from = i > 0 && Character.isHighSurrogate(a.charAt(i - 1)) ? i - 1 : i;
            return Arrays.compareUnsigned(bytes(a.substring(from)), bytes(b.substring(from)));
        }
        if (a.length() == b.length()) {
            return 0;
        }
        // One is a prefix of the other, so it is smaller: unless it ends in a lone high surrogate
        // (U+FFFD's bytes
        // in Go) that the longer one pairs up into another character.
        if (n == 0 || !Character.isHighSurrogate(a.charAt(n - 1))) {
            return a.length() - b.length();
        }
        return Arrays.compareUnsigned(bytes(a.substring(n - 1)), bytes(b.substring(n - 1)));
    }

    /**
     * Go's {@code strconv.Quote}; an escaped byte is written {@code \xNN}, as Go writes an invalid
     * byte.
     */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); ) {
            int escaped = escapedByteAt(s, i);
            if (escaped >= 0) {
                sb.append("\\x").append(HEX[escaped >> 4]).append(HEX[escaped & 0xf]);
                i++;
                continue;
            }
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
                    // A lone surrogate has no UTF-8 form; Go would see the replacement character's
                    // bytes.
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

    /**
     * Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII
     * space.
     */
    public static boolean isPrint(int r) {
        if (r == ' ') {
            return true;
        }
        return switch (Character.getType(r)) {
            case Character.UPPERCASE_LETTER,
                    Character.LOWERCASE_LETTER,
                    Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER,
                    Character.OTHER_LETTER,
                    Character.NON_SPACING_MARK,
                    Character.ENCLOSING_MARK,
                    Character.COMBINING_SPACING_MARK,
                    Character.DECIMAL_DIGIT_NUMBER,
                    Character.LETTER_NUMBER,
                    Character.OTHER_NUMBER,
                    Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION,
                    Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION,
                    Character.MATH_SYMBOL,
                    Character.CURRENCY_SYMBOL,
                    Character.MODIFIER_SYMBOL,
                    Character.OTHER_SYMBOL ->
                    true;
            default -> false;
        };
    }

    /** Whether {@code c} opens a string literal: {@code "}, {@code '} or a backquote. */
    public static boolean isQuote(char c) {
        return c == '"' || c == '\'' || c == '`';
    }

    /**
     * Finds the end of the string literal that opens at {@code start} in a longer text (a query, a
     * selector, a template): a {@code "..."} or {@code '...'} literal ends at the first quote of
     * its kind not escaped by a backslash, a raw {@code `...`} one at the next backquote. It only
     * finds the end; {@link #unquote} of {@code text.substring(start, end)} then reads the escapes.
     * The one scanner of the parsers that read literals inside other text ({@code Selectors},
     * LogQL, Go templates).
     *
     * @return the index after the closing quote, or -1 when the text ends before it
     * @throws IllegalArgumentException when the char at {@code start} is not a quote ({@link
     *     #isQuote})
     */
    public static int literalEnd(CharSequence text, int start) {
        char q = text.charAt(start);
        if (!isQuote(q)) {
            throw new IllegalArgumentException(
                    "not the start of a quoted string: " + q + " at offset " + start);
        }
        int i = start + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\' && q != '`') {
                i += 2;
                continue;
            }
            i++;
            if (c == q) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Unquotes a Go / PromQL string literal: {@code "..."} and {@code '...'} with Go escapes, or
     * {@code `...`} raw.
     *
     * @throws IllegalArgumentException with the position of the problem when the literal is
     *     malformed
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
                throw new IllegalArgumentException(
                        "unescaped "
                                + (c == '\n' ? "newline" : String.valueOf(c))
                                + " at offset "
                                + (i + 1)
                                + " in "
                                + literal);
            }
            if (c != '\\') {
                int escaped = escapedByteAt(body, i);
                if (escaped >= 0) {
                    out.write(escaped);
                    i++;
                    continue;
                }
                int cp = body.codePointAt(i);
                i += Character.charCount(cp);
                writeUtf8(out, cp <= 0xFFFF && Character.isSurrogate((char) cp) ? 0xFFFD : cp);
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
                        throw new IllegalArgumentException(
                                "invalid escape \\" + e + " in " + literal);
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
                        throw new IllegalArgumentException(
                                "invalid code point \\"
                                        + e
                                        + body.substring(i, i + n)
                                        + " in "
                                        + literal);
                    }
                    i += n;
                    writeUtf8(out, cp);
                }
                case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                    if (i + 2 > body.length()) {
                        throw new IllegalArgumentException("short octal escape in " + literal);
                    }
                    int v = 0;
                    for (int k = i - 1; k < i + 2; k++) {
                        char d = body.charAt(k);
                        if (d < '0' || d > '7') {
                            throw new IllegalArgumentException(
                                    "invalid octal escape in " + literal);
                        }
                        v = v * 8 + (d - '0');
                    }
                    if (v > 255) {
                        throw new IllegalArgumentException(
                                "octal escape out of range in " + literal);
                    }
                    out.write(v);
                    i += 2;
                }
                default ->
                        throw new IllegalArgumentException(
                                "invalid escape \\" + e + " in " + literal);
            }
        }
        return fromBytes(out.toByteArray());
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
