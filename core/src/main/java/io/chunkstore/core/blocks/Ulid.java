package io.chunkstore.core.blocks;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * ULIDs, the names of TSDB block directories: 48 bits of Unix milliseconds then 80 random bits, in
 * 26 characters of Crockford's base32 (the spec at github.com/ulid/spec, used by
 * prometheus/prometheus {@code tsdb/compact.go} through oklog/ulid). Lexicographic order is time
 * order.
 */
public final class Ulid {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final Pattern FORM = Pattern.compile("[0-7][0-9A-HJKMNP-TV-Z]{25}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ulid() {}

    /** A new ULID for {@code unixMillis} (0 to 2^48-1) with 80 random bits. */
    public static String create(long unixMillis) {
        if (unixMillis < 0 || unixMillis >= 1L << 48) {
            throw new IllegalArgumentException("a ULID's time is 48 bits of ms, not " + unixMillis);
        }
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        return encode(unixMillis, random);
    }

    /** The ULID of a time and 10 random bytes. */
    static String encode(long unixMillis, byte[] random) {
        // 128 bits = 6 bytes of time + 10 random bytes, written as 26 base32 digits (130 bits, the
        // top two zero).
        byte[] b = new byte[16];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (unixMillis >>> (8 * (5 - i)));
        }
        System.arraycopy(random, 0, b, 6, 10);
        char[] out = new char[26];
        for (int i = 0; i < 26; i++) {
            int bitPos = 130 - 5 * (i + 1); // bit index (from the least significant) of the digit
            int v = 0;
            for (int k = 4; k >= 0; k--) {
                int bit = bitPos + k;
                int set = 0;
                if (bit < 128) {
                    int byteIdx = 15 - bit / 8;
                    set = (b[byteIdx] >>> (bit % 8)) & 1;
                }
                v = (v << 1) | set;
            }
            out[i] = ALPHABET[v];
        }
        return new String(out);
    }

    /** Whether {@code text} is a ULID in canonical (upper-case) form. */
    public static boolean isUlid(String text) {
        return text != null && FORM.matcher(text).matches();
    }

    /** The Unix ms of a ULID. */
    public static long timestamp(String ulid) {
        if (!isUlid(ulid)) {
            throw new IllegalArgumentException("not a ULID: '" + ulid + "'");
        }
        long t = 0;
        for (int i = 0; i < 10; i++) {
            t = (t << 5) | new String(ALPHABET).indexOf(ulid.charAt(i));
        }
        return t;
    }
}
