package io.chunkstore.loki.logql;

import java.util.Locale;

/**
 * Go's value parsers as LogQL uses them: {@code strconv.ParseFloat}, {@code time.ParseDuration},
 * Prometheus' {@code model.ParseDuration} and go-humanize's {@code ParseBytes} (the last cited by
 * grafana/loki {@code pkg/logql/log/label_filter.go}). Each throws {@link IllegalArgumentException}
 * with Go's message.
 */
public final class Values {
    private static final long NS = 1L;
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final long M = 60 * S;
    private static final long H = 60 * M;

    private Values() {}

    /** Go's {@code strconv.ParseFloat(s, 64)} for decimal forms, Inf and NaN. */
    public static double parseFloat(String s) {
        String t = s;
        int i = 0;
        if (!t.isEmpty() && (t.charAt(0) == '+' || t.charAt(0) == '-')) {
            i = 1;
        }
        String rest = t.substring(i).toLowerCase(Locale.ROOT);
        if (rest.equals("inf") || rest.equals("infinity")) {
            return t.charAt(0) == '-' ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (rest.equals("nan") && i == 0) {
            return Double.NaN;
        }
        boolean digits = false;
        boolean ok = !rest.isEmpty();
        int j = 0;
        while (j < rest.length() && Character.isDigit(rest.charAt(j))) {
            j++;
            digits = true;
        }
        if (j < rest.length() && rest.charAt(j) == '.') {
            j++;
            while (j < rest.length() && Character.isDigit(rest.charAt(j))) {
                j++;
                digits = true;
            }
        }
        if (j < rest.length() && rest.charAt(j) == 'e' && digits) {
            j++;
            if (j < rest.length() && (rest.charAt(j) == '+' || rest.charAt(j) == '-')) {
                j++;
            }
            int e0 = j;
            while (j < rest.length() && Character.isDigit(rest.charAt(j))) {
                j++;
            }
            ok = j > e0;
        }
        if (!ok || !digits || j != rest.length()) {
            throw new IllegalArgumentException(
                    "strconv.ParseFloat: parsing " + Quoting.go(s) + ": invalid syntax");
        }
        return Double.parseDouble(t);
    }

    /** Go's {@code time.ParseDuration}, in ns. */
    public static long goDurationNs(String s) {
        String orig = s;
        int i = 0;
        boolean neg = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            neg = s.charAt(0) == '-';
            i++;
        }
        if (s.substring(i).equals("0")) {
            return 0;
        }
        if (i == s.length()) {
            throw invalidDuration(orig);
        }
        double total = 0;
        while (i < s.length()) {
            int n0 = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            if (i == n0) {
                throw invalidDuration(orig);
            }
            String num = s.substring(n0, i);
            if (num.equals(".") || num.indexOf('.') != num.lastIndexOf('.')) {
                throw invalidDuration(orig);
            }
            int u0 = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String unit = s.substring(u0, i);
            long mult =
                    switch (unit) {
                        case "ns" -> NS;
                        case "us", "µs", "μs" -> US;
                        case "ms" -> MS;
                        case "s" -> S;
                        case "m" -> M;
                        case "h" -> H;
                        case "" ->
                                throw new IllegalArgumentException(
                                        "time: missing unit in duration " + Quoting.go(orig));
                        default ->
                                throw new IllegalArgumentException(
                                        "time: unknown unit "
                                                + Quoting.go(unit)
                                                + " in duration "
                                                + Quoting.go(orig));
                    };
            total += Double.parseDouble(num) * mult;
        }
        if (total > Long.MAX_VALUE) {
            throw new IllegalArgumentException("time: invalid duration " + Quoting.go(orig));
        }
        long ns = Math.round(total);
        return neg ? -ns : ns;
    }

    /**
     * A LogQL range or offset: Go's {@code time.ParseDuration}, or Prometheus' {@code
     * model.ParseDuration} with {@code d}, {@code w} and {@code y} (grafana/loki {@code
     * pkg/logql/syntax/lex.go} tries both).
     */
    public static long rangeDurationNs(String s) {
        try {
            return goDurationNs(s);
        } catch (IllegalArgumentException e) {
            long total = 0;
            int i = 0;
            if (s.isEmpty()) {
                throw e;
            }
            while (i < s.length()) {
                int n0 = i;
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                int u0 = i;
                while (i < s.length() && Character.isLetter(s.charAt(i))) {
                    i++;
                }
                if (n0 == u0 || u0 == i) {
                    throw e;
                }
                long n = Long.parseLong(s.substring(n0, u0));
                long mult =
                        switch (s.substring(u0, i)) {
                            case "ms" -> MS;
                            case "s" -> S;
                            case "m" -> M;
                            case "h" -> H;
                            case "d" -> 24 * H;
                            case "w" -> 7 * 24 * H;
                            case "y" -> 365 * 24 * H;
                            default -> throw e;
                        };
                total = Math.addExact(total, Math.multiplyExact(n, mult));
            }
            return total;
        }
    }

    /** go-humanize's {@code ParseBytes}: SI (kB = 1000) and IEC (KiB = 1024) units. */
    public static long bytes(String s) {
        int i = 0;
        while (i < s.length()
                && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.' || s.charAt(i) == ',')) {
            i++;
        }
        String num = s.substring(0, i).replace(",", "");
        String unit = s.substring(i).strip().toLowerCase(Locale.ROOT);
        double f;
        try {
            f = parseFloat(num);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "strconv.ParseFloat: parsing " + Quoting.go(num) + ": invalid syntax");
        }
        long m =
                switch (unit) {
                    case "", "b" -> 1L;
                    case "k", "kb" -> 1000L;
                    case "ki", "kib" -> 1L << 10;
                    case "m", "mb" -> 1000_000L;
                    case "mi", "mib" -> 1L << 20;
                    case "g", "gb" -> 1000_000_000L;
                    case "gi", "gib" -> 1L << 30;
                    case "t", "tb" -> 1000_000_000_000L;
                    case "ti", "tib" -> 1L << 40;
                    case "p", "pb" -> 1000_000_000_000_000L;
                    case "pi", "pib" -> 1L << 50;
                    case "e", "eb" -> 1000_000_000_000_000_000L;
                    case "ei", "eib" -> 1L << 60;
                    default ->
                            throw new IllegalArgumentException(
                                    "unhandled size name: " + s.substring(i).strip());
                };
        double v = f * m;
        if (v >= 0x1p63) {
            throw new IllegalArgumentException("too large: " + s);
        }
        return (long) v;
    }

    private static IllegalArgumentException invalidDuration(String s) {
        return new IllegalArgumentException("time: invalid duration " + Quoting.go(s));
    }

    /** Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}, as Prometheus writes sample values. */
    public static String formatFloat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    /** Quoting helper. */
    static final class Quoting {
        private Quoting() {}

        static String go(String s) {
            return io.chunkstore.core.model.GoStrings.quote(s);
        }
    }
}
