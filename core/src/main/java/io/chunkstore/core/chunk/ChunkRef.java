package io.chunkstore.core.chunk;

import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidChunkException.Reason;
import java.util.Objects;

/**
 * A chunk's identity, as its external key carries it (Cortex's pkg/chunk/chunk.go): tenant, series
 * fingerprint (an unsigned 64-bit number kept in a long), the time range in milliseconds and, for
 * chunks written since Cortex added checksums, the CRC-32C of the encoded bytes.
 *
 * @param userId the tenant; it cannot contain '/', which separates it from the rest of the key
 *     (Cortex's tenant IDs never do)
 * @param fingerprint the series fingerprint, unsigned
 * @param from first sample time, ms
 * @param through last sample time, ms
 * @param checksum CRC-32C of the encoded chunk (unsigned); 0 when {@code checksumSet} is false
 * @param checksumSet false for pre-checksum (legacy) chunks
 */
public record ChunkRef(
        String userId,
        long fingerprint,
        long from,
        long through,
        int checksum,
        boolean checksumSet) {
    public ChunkRef {
        checkTenant(userId);
        if (!checksumSet) {
            checksum = 0;
        }
    }

    /**
     * @throws IllegalArgumentException for a tenant that cannot be part of an external key
     */
    static void checkTenant(String userId) {
        Objects.requireNonNull(userId, "userId");
        if (userId.indexOf('/') >= 0) {
            throw new IllegalArgumentException(
                    "tenant \"" + userId + "\" contains '/', which no external key can hold");
        }
    }

    /** A reference with a checksum. */
    public static ChunkRef of(
            String userId, long fingerprint, long from, long through, int checksum) {
        return new ChunkRef(userId, fingerprint, from, through, checksum, true);
    }

    /** A legacy (pre-checksum) reference. */
    public static ChunkRef legacy(String userId, long fingerprint, long from, long through) {
        return new ChunkRef(userId, fingerprint, from, through, 0, false);
    }

    /** The same reference with this checksum set. */
    public ChunkRef withChecksum(int newChecksum) {
        return new ChunkRef(userId, fingerprint, from, through, newChecksum, true);
    }

    /**
     * Cortex's {@code ParseExternalKey(userID, key)}, extended to Loki's v12 form and to the legacy
     * storage form: no {@code /} is the legacy index form (decimal, the user is {@code userId});
     * one {@code /} is the current form (four hex numbers) or the legacy storage form (three
     * decimal numbers); two are Loki's v12 form.
     *
     * @param userId the tenant the key is expected to belong to; null accepts any tenant (then the
     *     legacy index form, which carries none, is an error)
     * @throws InvalidChunkException INVALID_KEY when the key does not parse, WRONG_METADATA when it
     *     names another tenant
     */
    public static ChunkRef parse(String userId, String externalKey) {
        Objects.requireNonNull(externalKey, "externalKey");
        int slash1 = externalKey.indexOf('/');
        if (slash1 < 0) {
            if (userId == null) {
                throw invalid(
                        externalKey,
                        "a legacy chunk ID <fp>:<from>:<through> carries no tenant; give one");
            }
            String[] parts = externalKey.split(":", -1);
            if (parts.length != 3) {
                throw invalid(
                        externalKey,
                        "a key without '/' must be the legacy form <fp>:<from>:<through>");
            }
            return legacyFrom(userId, externalKey, parts);
        }
        String user = externalKey.substring(0, slash1);
        if (userId != null && !userId.equals(user)) {
            throw new InvalidChunkException(
                    Reason.WRONG_METADATA,
                    externalKey,
                    "the key belongs to tenant \"" + user + "\", not \"" + userId + "\"");
        }
        String rest = externalKey.substring(slash1 + 1);
        int slash2 = rest.indexOf('/');
        if (slash2 < 0) {
            String[] parts = rest.split(":", -1);
            if (parts.length == 4) {
                return new ChunkRef(
                        user,
                        parseUnsignedHex(externalKey, "fingerprint", parts[0]),
                        parseSignedHex(externalKey, "from", parts[1]),
                        parseSignedHex(externalKey, "through", parts[2]),
                        parseChecksum(externalKey, parts[3]),
                        true);
            }
            if (parts.length == 3) {
                return legacyFrom(user, externalKey, parts);
            }
            throw invalid(externalKey, "expected <user>/<fp>:<from>:<through>:<checksum>");
        }
        if (rest.indexOf('/', slash2 + 1) >= 0) {
            throw invalid(externalKey, "too many '/'");
        }
        String fp = rest.substring(0, slash2);
        String[] parts = rest.substring(slash2 + 1).split(":", -1);
        if (parts.length != 3) {
            throw invalid(
                    externalKey, "expected the v12 form <user>/<fp>/<from>:<through>:<checksum>");
        }
        return new ChunkRef(
                user,
                parseUnsignedHex(externalKey, "fingerprint", fp),
                parseSignedHex(externalKey, "from", parts[0]),
                parseSignedHex(externalKey, "through", parts[1]),
                parseChecksum(externalKey, parts[2]),
                true);
    }

    /** {@link #parse(String, String)} for keys that carry their tenant. */
    public static ChunkRef parse(String externalKey) {
        return parse(null, externalKey);
    }

    private static ChunkRef legacyFrom(String user, String key, String[] parts) {
        return new ChunkRef(
                user,
                parseUnsigned(key, "fingerprint", parts[0], 10),
                parseSigned(key, "from", parts[1], 10),
                parseSigned(key, "through", parts[2], 10),
                0,
                false);
    }

    /**
     * Cortex's {@code ExternalKey()}: the current form when the checksum is set, else the legacy
     * storage form.
     */
    public String externalKey() {
        return externalKey(KeyFormat.CURRENT);
    }

    /**
     * The key in the given form. {@link KeyFormat#CURRENT} falls back to the legacy storage form
     * for a reference without checksum, as Cortex does.
     *
     * @throws IllegalStateException for {@link KeyFormat#V12} without a checksum (Loki never wrote
     *     such keys)
     */
    public String externalKey(KeyFormat format) {
        return switch (format) {
            case LEGACY_INDEX -> legacyId();
            case LEGACY -> userId + "/" + legacyId();
            case CURRENT ->
                    checksumSet
                            ? userId
                                    + "/"
                                    + Long.toHexString(fingerprint)
                                    + ":"
                                    + signedHex(from)
                                    + ":"
                                    + signedHex(through)
                                    + ":"
                                    + Integer.toHexString(checksum)
                            : userId + "/" + legacyId();
            case V12 -> {
                if (!checksumSet) {
                    throw new IllegalStateException(
                            "a chunk without checksum has no v12 external key: " + this);
                }
                yield userId
                        + "/"
                        + Long.toHexString(fingerprint)
                        + "/"
                        + signedHex(from)
                        + ":"
                        + signedHex(through)
                        + ":"
                        + Integer.toHexString(checksum);
            }
        };
    }

    private String legacyId() {
        return Long.toUnsignedString(fingerprint) + ":" + from + ":" + through;
    }

    /** Go's {@code %x} of an int64: lowercase hex of the magnitude, '-' in front of negatives. */
    static String signedHex(long v) {
        // For Long.MIN_VALUE, -v is itself and toHexString (unsigned) prints its magnitude
        // 8000000000000000.
        return v < 0 ? "-" + Long.toHexString(-v) : Long.toHexString(v);
    }

    /** The fingerprint as Go prints a uint64 in decimal. */
    public String fingerprintString() {
        return Long.toUnsignedString(fingerprint);
    }

    @Override
    public String toString() {
        return "ChunkRef{"
                + userId
                + ", fp="
                + fingerprintString()
                + ", from="
                + from
                + ", through="
                + through
                + (checksumSet ? ", checksum=" + Integer.toHexString(checksum) : ", no checksum")
                + "}";
    }

    private static InvalidChunkException invalid(String key, String detail) {
        return new InvalidChunkException(Reason.INVALID_KEY, key, detail);
    }

    private static long parseUnsignedHex(String key, String what, String s) {
        return parseUnsigned(key, what, s, 16);
    }

    private static long parseSignedHex(String key, String what, String s) {
        return parseSigned(key, what, s, 16);
    }

    private static int parseChecksum(String key, String s) {
        long v = parseUnsigned(key, "checksum", s, 16);
        if (Long.compareUnsigned(v, 0xFFFF_FFFFL) > 0) {
            throw invalid(key, "checksum \"" + s + "\" does not fit 32 bits");
        }
        return (int) v;
    }

    /** Go's strconv.ParseUint: digits only, no sign. */
    private static long parseUnsigned(String key, String what, String s, int radix) {
        if (s.isEmpty() || s.charAt(0) == '+' || s.charAt(0) == '-') {
            throw invalid(
                    key, what + " \"" + s + "\" is not an unsigned " + base(radix) + " number");
        }
        try {
            return Long.parseUnsignedLong(s, radix);
        } catch (NumberFormatException e) {
            throw invalid(
                    key,
                    what + " \"" + s + "\" is not an unsigned 64-bit " + base(radix) + " number");
        }
    }

    /** Go's strconv.ParseInt: an optional sign, then digits. */
    private static long parseSigned(String key, String what, String s, int radix) {
        try {
            return Long.parseLong(s, radix);
        } catch (NumberFormatException e) {
            throw invalid(key, what + " \"" + s + "\" is not a 64-bit " + base(radix) + " number");
        }
    }

    private static String base(int radix) {
        return radix == 16 ? "hex" : "decimal";
    }
}
