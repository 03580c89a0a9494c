package io.chunkstore.spi.support;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as Cortex and Loki configs write them (dskit's {@code flagext.Bytes}, which reads them
 * with alecthomas/units' {@code ParseBase2Bytes}): a number with a unit of powers of 1024, {@code
 * KB} and {@code KiB} alike ({@code 64KB}, {@code 1.5MiB}, {@code 2GB}), or a bare number of bytes.
 * Units are read in any case ({@code 64kb}).
 */
public final class ByteSize {
    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]*)");
    private static final Map<String, Long> UNITS =
            Map.ofEntries(
                    Map.entry("", 1L),
                    Map.entry("b", 1L),
                    Map.entry("kb", 1L << 10),
                    Map.entry("kib", 1L << 10),
                    Map.entry("mb", 1L << 20),
                    Map.entry("mib", 1L << 20),
                    Map.entry("gb", 1L << 30),
                    Map.entry("gib", 1L << 30),
                    Map.entry("tb", 1L << 40),
                    Map.entry("tib", 1L << 40),
                    Map.entry("pb", 1L << 50),
                    Map.entry("pib", 1L << 50),
                    Map.entry("eb", 1L << 60),
                    Map.entry("eib", 1L << 60));

    private ByteSize() {}

    /** The bytes of a size. @throws IllegalArgumentException saying what is wrong */
    public static long parse(String text) {
        String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Matcher m = FORM.matcher(s);
        Long unit = m.matches() ? UNITS.get(m.group(2)) : null;
        if (unit == null) {
            throw new IllegalArgumentException(
                    "invalid byte size \""
                            + text
                            + "\": write a number of bytes or a number with a unit (B, KB, MB, GB, TB; KiB, MiB, ... alike),"
                            + " like 65536, 64KB or 1.5MiB");
        }
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
        try {
            return bytes.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("byte size \"" + text + "\" is too large", e);
        }
    }
}
