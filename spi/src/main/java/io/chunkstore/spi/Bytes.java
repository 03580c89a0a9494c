package io.chunkstore.spi;

import java.util.Arrays;
import java.util.HexFormat;

/** Byte-string helpers shared by the contracts and every backend: unsigned order, prefixes, hex. */
public final class Bytes {
    /** The empty byte string; queries and entries use it for "not set" after normalisation. */
    public static final byte[] EMPTY = new byte[0];

    private static final HexFormat HEX = HexFormat.of();

    private Bytes() {}

    /** Null and empty mean the same everywhere in the SPI: both become {@link #EMPTY}. */
    public static byte[] orEmpty(byte[] b) {
        return b == null || b.length == 0 ? EMPTY : b;
    }

    public static boolean isEmpty(byte[] b) {
        return b == null || b.length == 0;
    }

    /** Unsigned lexicographic comparison; a longer string with an equal prefix is greater. */
    public static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(orEmpty(a), orEmpty(b));
    }

    public static boolean startsWith(byte[] value, byte[] prefix) {
        if (prefix.length > value.length) {
            return false;
        }
        return Arrays.equals(value, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * The smallest byte string greater than every string that starts with {@code prefix}, or {@code
     * null} when there is none (the prefix is empty or all 0xFF bytes). So "starts with prefix" is
     * exactly the range {@code [prefix, nextPrefix(prefix))}; unlike Cortex's {@code prefix ‖ 0xFF}
     * bound it keeps values whose byte after the prefix is 0xFF.
     */
    public static byte[] nextPrefix(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] next = Arrays.copyOf(prefix, i + 1);
                next[i]++;
                return next;
            }
        }
        return null;
    }

    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    /** Lowercase hex, "" for null or empty. */
    public static String hex(byte[] b) {
        return b == null ? "" : HEX.formatHex(b);
    }

    public static byte[] fromHex(String s) {
        return s == null || s.isEmpty() ? EMPTY : HEX.parseHex(s);
    }
}
