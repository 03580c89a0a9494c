package io.chunkstore.core.tables;

import io.chunkstore.core.config.Durations;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.support.GoDuration;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads typed values out of a YAML block already parsed into maps, with messages that name the key path. */
final class YamlValues {

    private YamlValues() {
    }

    /** @throws ConfigException naming the unknown keys and the known ones */
    static void checkKeys(Map<?, ?> block, Set<String> known, String where) {
        Set<String> unknown = new TreeSet<>();
        for (Object k : block.keySet()) {
            if (!known.contains(String.valueOf(k))) {
                unknown.add(String.valueOf(k));
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown key" + (unknown.size() > 1 ? "s " : " ")
                    + unknown.stream().map(k -> where + "." + k).toList() + " (known: " + new TreeSet<>(known) + ")");
        }
    }

    static boolean bool(Map<?, ?> block, String key, boolean dflt, String where) {
        Object v = block.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new ConfigException(where + "." + key + " must be true or false, not " + describe(v));
    }

    static long integer(Map<?, ?> block, String key, long dflt, String where) {
        Object v = block.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof java.math.BigInteger) {
            try {
                return new BigDecimal(v.toString()).longValueExact();
            } catch (ArithmeticException e) {
                throw new ConfigException(where + "." + key + " is out of range: " + v, e);
            }
        }
        throw new ConfigException(where + "." + key + " must be an integer, not " + describe(v));
    }

    static double number(Map<?, ?> block, String key, double dflt, String where) {
        Object v = block.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new ConfigException(where + "." + key + " must be a number, not " + describe(v));
    }

    static String string(Map<?, ?> block, String key, String dflt, String where) {
        Object v = block.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof String s) {
            return s;
        }
        throw new ConfigException(where + "." + key + " must be a string, not " + describe(v));
    }

    static Map<?, ?> block(Map<?, ?> parent, String key, String where) {
        Object v = parent.get(key);
        if (v == null) {
            return Map.of();
        }
        if (v instanceof Map<?, ?> m) {
            return m;
        }
        throw new ConfigException(where + "." + key + " must be a mapping, not " + describe(v));
    }

    /**
     * A duration in Go's form ({@code 2m}, {@code 1h30m}, {@code 1.5h}, {@code 500ms}) or Prometheus' ({@code 1w},
     * {@code 7d}); a bare 0 is zero.
     */
    static Duration duration(Map<?, ?> block, String key, Duration dflt, String where) {
        Object v = block.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n && n.doubleValue() == 0) {
            return Duration.ZERO;
        }
        if (!(v instanceof String s)) {
            throw new ConfigException(where + "." + key + " must be a duration such as 2m, 10m or 168h, not "
                    + describe(v));
        }
        try {
            return parseDuration(s);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + "." + key + ": " + e.getMessage(), e);
        }
    }

    /** Prometheus' form first (it has days and weeks), then Go's ({@link GoDuration}). */
    static Duration parseDuration(String s) {
        try {
            return Durations.parse(s);
        } catch (IllegalArgumentException prometheusForm) {
            try {
                return GoDuration.parse(s);
            } catch (IllegalArgumentException goForm) {
                throw new IllegalArgumentException("not a valid duration: \"" + s
                        + "\" (use Go or Prometheus units, e.g. 2m, 1h30m, 168h, 1w)", goForm);
            }
        }
    }

    private static String describe(Object v) {
        return v instanceof String s ? "\"" + s + "\"" : v instanceof Map ? "a mapping"
                : v instanceof java.util.List ? "a list" : String.valueOf(v);
    }
}
