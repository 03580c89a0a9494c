package io.chunkstore.cli.common;

import io.chunkstore.core.chunk.Sample;

/**
 * How the cli prints a sample value that is not a finite number, so that output keeps what the
 * chunk holds: the stale marker and any other NaN payload stay apart from the plain NaN, and {@code
 * chunk encode} reads each back.
 */
public final class SampleValues {
    /** The plain NaN's name, for Java's canonical NaN (0x7ff8000000000000). */
    public static final String NAN = "NaN";

    /** Prometheus' stale marker ({@link Sample#STALE_NAN_BITS}). */
    public static final String STALE_NAN = "StaleNaN";

    private SampleValues() {}

    /**
     * {@code "+Inf"}, {@code "-Inf"}, {@value #STALE_NAN}, {@value #NAN}, or {@code "NaN(0x<16 hex
     * digits>)"} for any other NaN bits; null for a finite value (print it as a number).
     */
    public static String nonFiniteName(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (!Double.isNaN(v)) {
            return null;
        }
        long bits = Double.doubleToRawLongBits(v);
        if (bits == Sample.STALE_NAN_BITS) {
            return STALE_NAN;
        }
        return bits == Double.doubleToRawLongBits(Double.NaN)
                ? NAN
                : String.format("NaN(0x%016x)", bits);
    }

    /** The value as text: {@link #nonFiniteName} or Java's shortest decimal form. */
    public static String text(double v) {
        String name = nonFiniteName(v);
        return name != null ? name : Double.toString(v);
    }
}
