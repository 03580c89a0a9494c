package io.chunkstore.cli.common;

import io.chunkstore.spi.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Byte arguments ({@code --prefix}, {@code --start}, {@code --value-equal}): UTF-8 text, or {@code hex:...}. */
public final class CliBytes {
    private CliBytes() {
    }

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
                throw new IllegalArgumentException("'" + text + "' is not hex: " + e.getMessage()
                        + " (write hex:<even number of hex digits>, e.g. hex:003a00)", e);
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
        return io.chunkstore.core.model.GoStrings.quote(new String(b, StandardCharsets.UTF_8));
    }
}
