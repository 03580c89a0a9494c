package io.chunkstore.core.schema;

import java.nio.charset.StandardCharsets;

/**
 * Cortex's {@code encodeTime}: a bucket-relative time in milliseconds as an unsigned 32-bit number,
 * big-endian, lowercase hex: exactly eight ASCII characters that sort like the numbers ({@code
 * 0036ee7f} = 3 599 999) and never contain {@code \0}.
 */
public final class HexTime {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private HexTime() {}

    /**
     * Encodes {@code t}, which must fit an unsigned 32-bit number.
     *
     * @throws IllegalArgumentException when it does not
     */
    public static String encode(long t) {
        if (t < 0 || t > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(
                    "time " + t + " does not fit an unsigned 32-bit number");
        }
        char[] out = new char[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = HEX[(int) (t & 0xf)];
            t >>>= 4;
        }
        return new String(out);
    }

    /** The eight ASCII bytes of {@link #encode(long)}. */
    public static byte[] encodeBytes(long t) {
        return encode(t).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Decodes eight hex characters.
     *
     * @throws IllegalArgumentException when the text is not eight hex digits
     */
    public static long decode(String hex) {
        if (hex.length() != 8) {
            throw new IllegalArgumentException(
                    "hex time must be 8 hex digits, not \"" + hex + "\"");
        }
        try {
            return Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "hex time must be 8 hex digits, not \"" + hex + "\"", e);
        }
    }
}
