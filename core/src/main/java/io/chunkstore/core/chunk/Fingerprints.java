package io.chunkstore.core.chunk;

import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.Labels;

/**
 * Series fingerprints as Cortex computes them: FNV-1a 64 over the UTF-8 label bytes, with the
 * separator byte 0xFF. Fingerprints are unsigned 64-bit numbers kept in a long; print them with
 * {@link Long#toUnsignedString(long)}.
 */
public final class Fingerprints {
    /** FNV-1a 64 offset basis (14695981039346656037). */
    static final long FNV_OFFSET = 0xcbf29ce484222325L;

    private static final long FNV_PRIME = 0x100000001b3L;
    private static final int SEPARATOR = 0xFF;

    private Fingerprints() {}

    /**
     * Cortex's {@code client.Fingerprint(labels)} (Prometheus' {@code labelSetToFingerprint}): one
     * FNV-1a 64 over {@code name 0xFF value 0xFF} for every label in sorted order. The empty set
     * gives the offset basis.
     */
    public static long fingerprint(Labels labels) {
        long h = FNV_OFFSET;
        for (Label l : labels) {
            h = add(h, l.name());
            h = addByte(h, SEPARATOR);
            h = add(h, l.value());
            h = addByte(h, SEPARATOR);
        }
        return h;
    }

    /**
     * Cortex's {@code client.FastFingerprint(labels)}, what ingesters use: the XOR over labels of
     * FNV-1a 64 of {@code name 0xFF value}. The empty set gives the offset basis.
     */
    public static long fastFingerprint(Labels labels) {
        if (labels.isEmpty()) {
            return FNV_OFFSET;
        }
        long result = 0;
        for (Label l : labels) {
            long h = add(FNV_OFFSET, l.name());
            h = addByte(h, SEPARATOR);
            result ^= add(h, l.value());
        }
        return result;
    }

    private static long add(long h, String s) {
        for (byte b : GoStrings.bytes(s)) {
            h = addByte(h, b & 0xFF);
        }
        return h;
    }

    private static long addByte(long h, int b) {
        return (h ^ b) * FNV_PRIME;
    }
}
