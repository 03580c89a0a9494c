package io.chunkstore.cli.common;

import io.chunkstore.core.model.GoStrings;
import io.chunkstore.spi.Bytes;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Byte arguments ({@code --prefix}, {@code --start}, {@code --value-equal}): UTF-8 text, or {@code
 * hex:...}.
 */
public final class CliBytes {
    private CliBytes() {}

    /**
     * {@code hex:003a39} as bytes, anything else as its UTF-8 bytes (so {@code "hex:"} itself needs
     * {@code hex:6865783a}).
     *
     * @throws IllegalArgumentException for malformed hex
     */
    public static byte[] parse(String text) {
        if (text == null) {
            return new byte[0];
        }
        if (text.startsWith("hex:")) {
            String hex = text.substring(4).replace(" ", "");
            try {
                return HexFormat.of().parseHex(hex);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "'"
                                + text
                                + "' is not hex: "
                                + e.getMessage()
                                + " (write hex:<even number of hex digits>, e.g. hex:003a00)",
                        e);
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Lowercase hex, "" for empty. */
    public static String hex(byte[] b) {
        return Bytes.hex(b);
    }

    /** Bytes for people: Go-quoted UTF-8, with {@code \x00} escapes for zero and invalid bytes. */
    public static String printable(byte[] b) {
        try {
            String text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(b))
                            .toString();
            return GoStrings.quote(text);
        } catch (CharacterCodingException e) {
            StringBuilder sb = new StringBuilder("\"");
            for (byte x : b) {
                int c = x & 0xff;
                if (c == '"' || c == '\\') {
                    sb.append('\\').append((char) c);
                } else if (c >= 0x20 && c < 0x7f) {
                    sb.append((char) c);
                } else {
                    sb.append(String.format("\\x%02x", c));
                }
            }
            return sb.append('"').toString();
        }
    }
}
