package io.chunkstore.core.schema;

import io.chunkstore.core.model.GoStrings;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The value encodings of index keys: standard base64 without padding (Go's {@code RawStdEncoding})
 * for label values of v3-v5, and {@code sha256b64} (base64 of SHA-256) for label values of v9+ and
 * series IDs.
 */
public final class IndexEncoding {
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

    private IndexEncoding() {}

    /** Standard-alphabet base64 without padding. */
    public static String b64(byte[] bytes) {
        return B64.encodeToString(bytes);
    }

    /**
     * Standard-alphabet base64 without padding of the bytes of {@code s} (its Go bytes: {@link
     * GoStrings#bytes}).
     */
    public static String b64(String s) {
        return b64(GoStrings.bytes(s));
    }

    /**
     * Decodes unpadded standard base64 (as Go's {@code RawStdEncoding}: padding is not accepted).
     *
     * @throws IllegalArgumentException for bytes that are not unpadded standard base64
     */
    public static byte[] b64Decode(byte[] encoded) {
        for (byte b : encoded) {
            if (b == '=') {
                throw new IllegalArgumentException("unexpected padding in unpadded base64");
            }
        }
        if (encoded.length % 4 == 1) {
            throw new IllegalArgumentException("truncated base64 of length " + encoded.length);
        }
        return B64_DECODER.decode(encoded);
    }

    /** {@code b64(SHA-256(utf8(s)))}: always 43 ASCII characters. */
    public static String sha256b64(String s) {
        return b64(sha256(GoStrings.bytes(s)));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
