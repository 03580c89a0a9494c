package io.chunkstore.core.chunk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The chunk metadata JSON (Cortex's pkg/chunk/chunk.go and json_helpers.go): written by hand so the
 * bytes are exactly Go's, read with Jackson's streaming parser so times and fingerprints are parsed
 * exactly from their decimal text.
 */
final class MetadataJson {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** The members of the metadata object. */
    record Metadata(
            String userId,
            long fingerprint,
            long from,
            long through,
            Labels labels,
            int encoding) {}

    private MetadataJson() {}

    /** The JSON object followed by "\n", as Go's encoder writes it. */
    static byte[] write(Metadata m, MetadataStyle style) {
        boolean go = style == MetadataStyle.GO_ENCODING_JSON;
        Out out = new Out();
        out.ascii("{\"fingerprint\":").ascii(Long.toUnsignedString(m.fingerprint()));
        out.ascii(",\"userID\":").string(m.userId(), false);
        out.ascii(",\"from\":")
                .ascii(go ? formatSecondsGo(m.from()) : formatSecondsJsoniter(m.from()));
        out.ascii(",\"through\":")
                .ascii(go ? formatSecondsGo(m.through()) : formatSecondsJsoniter(m.through()));
        out.ascii(",\"metric\":{");
        boolean first = true;
        for (Label l : m.labels()) {
            if (!first) {
                out.ascii(",");
            }
            first = false;
            out.string(l.name(), go).ascii(":").string(l.value(), go);
        }
        out.ascii("},\"encoding\":").ascii(Integer.toString(m.encoding())).ascii("}\n");
        return out.toByteArray();
    }

    /**
     * Cortex's time encoder: whole seconds, then — only when the milliseconds are not whole — '.'
     * and the remainder zero-padded to 3 digits; negative times get '-' and the magnitude.
     */
    static String formatSecondsJsoniter(long ms) {
        StringBuilder sb = new StringBuilder(24);
        if (ms < 0) {
            sb.append('-');
        }
        // Unsigned arithmetic keeps Long.MIN_VALUE's magnitude (2^63) right.
        long magnitude = ms < 0 ? -ms : ms;
        sb.append(Long.toUnsignedString(Long.divideUnsigned(magnitude, 1000)));
        int fraction = (int) Long.remainderUnsigned(magnitude, 1000);
        if (fraction != 0) {
            sb.append('.');
            if (fraction < 100) {
                sb.append('0');
            }
            if (fraction < 10) {
                sb.append('0');
            }
            sb.append(fraction);
        }
        return sb.toString();
    }

    /**
     * Go's {@code strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)} (Prometheus' {@code
     * model.Time.String()}): the shortest decimal that reads back as the same float64, in plain
     * notation.
     */
    static String formatSecondsGo(long ms) {
        double d = (double) ms / 1000.0;
        if (d == 0) {
            return "0";
        }
        BigDecimal exact = new BigDecimal(d);
        for (int digits = 1; digits <= 17; digits++) {
            BigDecimal r = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (r.doubleValue() == d) {
                return r.stripTrailingZeros().toPlainString();
            }
        }
        return exact.stripTrailingZeros().toPlainString();
    }

    /**
     * A JSON number of seconds as milliseconds, exactly: the decimal text moved three places and
     * truncated toward zero (what Go's {@code int64(f*1000)} means, without its float rounding).
     *
     * @throws IllegalArgumentException when it is not a number or does not fit
     */
    static long parseSeconds(String text) {
        if (text.length() > 64) {
            throw new IllegalArgumentException(
                    "time \"" + text.substring(0, 20) + "...\" is too long");
        }
        try {
            BigDecimal v = new BigDecimal(text).movePointRight(3);
            int integerDigits = v.precision() - v.scale();
            if (integerDigits <= 0) {
                return 0;
            }
            if (integerDigits > 19) {
                throw new IllegalArgumentException("time " + text + " s is out of range");
            }
            return v.setScale(0, RoundingMode.DOWN).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(
                    "time " + text + " is not a number of seconds that fits", e);
        }
    }

    /** Thrown inside the reader when the JSON text ends before the object does. */
    private static final class Incomplete extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Incomplete() {
            super("metadata JSON ends before the object does", null, false, false);
        }
    }

    /**
     * Reads the first JSON value of {@code json} as chunk metadata: members in any order, names
     * matched ignoring case (as Go does), unknown members skipped, labels sorted; what follows the
     * object is ignored.
     *
     * @throws IllegalArgumentException saying what does not parse, including an object cut short
     */
    static Metadata read(byte[] json) {
        Metadata m = readIfComplete(json);
        if (m == null) {
            throw new IllegalArgumentException("metadata JSON ends before the object does");
        }
        return m;
    }

    /**
     * {@link #read}, but null when the text ends before the object does (so more input may complete
     * it), the way Go's streaming decoder asks its reader for more.
     */
    static Metadata readIfComplete(byte[] json) {
        String userId = "";
        long fingerprint = 0;
        long from = 0;
        long through = 0;
        Labels labels = Labels.EMPTY;
        int encoding = 0;
        // A non-blocking parser fed everything but never told the input ended answers NOT_AVAILABLE
        // where more
        // bytes could continue the text: that is how we tell "cut short" from "wrong".
        try (JsonParser p = JSON.createNonBlockingByteArrayParser()) {
            byte[] text = escapeInvalidUtf8(json);
            ((ByteArrayFeeder) p.getNonBlockingInputFeeder()).feedInput(text, 0, text.length);
            if (next(p) != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("metadata is not a JSON object");
            }
            JsonToken t;
            while ((t = next(p)) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = next(p);
                if (name.equalsIgnoreCase("fingerprint")) {
                    fingerprint = unsigned(p, v);
                } else if (name.equalsIgnoreCase("userID")) {
                    userId = v == JsonToken.VALUE_NULL ? "" : string(p, v, "userID");
                } else if (name.equalsIgnoreCase("from")) {
                    from = time(p, v, "from");
                } else if (name.equalsIgnoreCase("through")) {
                    through = time(p, v, "through");
                } else if (name.equalsIgnoreCase("metric")) {
                    labels = labels(p, v);
                } else if (name.equalsIgnoreCase("encoding")) {
                    encoding = encodingByte(p, v);
                } else {
                    skip(p, v);
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new IllegalArgumentException("unexpected " + t + " in the metadata object");
            }
        } catch (Incomplete e) {
            return null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "metadata is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "metadata is not readable JSON: " + e.getMessage(), e);
        }
        return new Metadata(userId, fingerprint, from, through, labels, encoding);
    }

    /**
     * The JSON text with every byte that is not part of valid UTF-8 replaced by the JSON escape of
     * its {@link GoStrings} escape (a JSON {@code u}-escape of U+DCNN), or the same array when it
     * is all valid. Cortex's jsoniter writes label values' bytes as they are, so a value Go held
     * with such bytes arrives here with them; the escape keeps them through the parser, and {@link
     * Out#string} writes them back as the same bytes.
     */
    static byte[] escapeInvalidUtf8(byte[] json) {
        String decoded = GoStrings.fromBytes(json);
        if (!GoStrings.hasEscapedBytes(decoded)) {
            return json;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 32);
        for (int i = 0; i < decoded.length(); i++) {
            int escaped = GoStrings.escapedByteAt(decoded, i);
            if (escaped >= 0) {
                out.writeBytes(
                        ("\\udc" + (char) HEX[escaped >> 4] + (char) HEX[escaped & 0xF])
                                .getBytes(StandardCharsets.US_ASCII));
            } else {
                int cp = decoded.codePointAt(i);
                if (Character.charCount(cp) == 2) {
                    i++;
                }
                out.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    private static JsonToken next(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null || t == JsonToken.NOT_AVAILABLE) {
            throw new Incomplete();
        }
        return t;
    }

    private static void skip(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
            int depth = 1;
            while (depth > 0) {
                JsonToken t = next(p);
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    depth++;
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                }
            }
        }
    }

    private static long unsigned(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT) {
            throw new IllegalArgumentException(
                    "fingerprint is not an unsigned integer: " + p.getText());
        }
        try {
            String text = p.getText();
            if (text.startsWith("-")) {
                throw new NumberFormatException();
            }
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "fingerprint " + p.getText() + " is not an unsigned 64-bit integer");
        }
    }

    private static long time(JsonParser p, JsonToken v, String what) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new IllegalArgumentException(what + " is not a number: " + p.getText());
        }
        return parseSeconds(p.getText());
    }

    private static int encodingByte(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT) {
            String text = p.getText();
            if (text.length() <= 3 && !text.startsWith("-")) {
                int e = Integer.parseInt(text);
                if (e <= 255) {
                    return e;
                }
            }
        }
        throw new IllegalArgumentException("encoding " + p.getText() + " is not a byte");
    }

    private static String string(JsonParser p, JsonToken v, String what) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException(what + " is not a string: " + p.getText());
        }
        return p.getText();
    }

    private static Labels labels(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return Labels.EMPTY;
        }
        if (v != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("metric is not an object");
        }
        List<Label> out = new ArrayList<>();
        JsonToken t;
        while ((t = next(p)) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            String value = string(p, next(p), "value of label " + name);
            out.add(new Label(name, value));
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IllegalArgumentException("unexpected " + t + " in metric");
        }
        try {
            return Labels.of(out);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("metric: " + e.getMessage(), e);
        }
    }

    /** A growing byte buffer with the two string writers Go's encoders use. */
    private static final class Out extends ByteArrayOutputStream {
        Out() {
            super(256);
        }

        Out ascii(String s) {
            for (int i = 0; i < s.length(); i++) {
                write(s.charAt(i));
            }
            return this;
        }

        /**
         * A JSON string. jsoniter's {@code WriteString} escapes {@code "}, {@code \}, {@code \n},
         * {@code \r}, {@code \t} and other control characters as six-character {@code u00XX}
         * escapes; Go's encoding/json ({@code htmlSafe}) also escapes {@code <}, {@code >}, {@code
         * &}, U+2028 and U+2029. An escaped byte ({@link GoStrings}) is written as that byte, as
         * jsoniter writes a Go string's bytes; other lone surrogates become U+FFFD.
         */
        Out string(String s, boolean htmlSafe) {
            write('"');
            for (int i = 0; i < s.length(); ) {
                int escaped = GoStrings.escapedByteAt(s, i);
                if (escaped >= 0) {
                    write(escaped);
                    i++;
                    continue;
                }
                int cp = s.codePointAt(i);
                i += Character.charCount(cp);
                if (cp < 0x80) {
                    switch (cp) {
                        case '"', '\\' -> {
                            write('\\');
                            write(cp);
                        }
                        case '\n' -> ascii("\\n");
                        case '\r' -> ascii("\\r");
                        case '\t' -> ascii("\\t");
                        default -> {
                            if (cp < 0x20 || (htmlSafe && (cp == '<' || cp == '>' || cp == '&'))) {
                                ascii("\\u00");
                                write(HEX[cp >> 4]);
                                write(HEX[cp & 0xF]);
                            } else {
                                write(cp);
                            }
                        }
                    }
                } else if (htmlSafe && (cp == 0x2028 || cp == 0x2029)) {
                    ascii(cp == 0x2028 ? "\\u2028" : "\\u2029");
                } else {
                    if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
                        cp = 0xFFFD;
                    }
                    byte[] utf8 =
                            new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                    write(utf8, 0, utf8.length);
                }
            }
            write('"');
            return this;
        }
    }
}
