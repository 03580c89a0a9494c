package io.chunkstore.spi.support;

import io.chunkstore.spi.ConfigException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Binds a YAML block (already parsed into maps, lists and scalars) to a record whose components
 * carry {@link ConfigKey}s, with one rule per kind of value for every config of chunkstore:
 *
 * <ul>
 *   <li>a string is any scalar; {@link ConfigKey#oneOf()} lists the values it may take;
 *   <li>a whole number ({@code int}, {@code long}) is a YAML integer or a string of digits, or with
 *       {@link ConfigKey#bytes()} a {@link ByteSize}; a number ({@code double}) is any YAML number
 *       or numeric string;
 *   <li>a boolean is {@code true} or {@code false}, as a YAML boolean or a string in any case,
 *       nothing else;
 *   <li>a {@link Duration} is a {@link GoDuration} ({@code 2s}, {@code 1h30m}, {@code 7d}); a bare
 *       number other than 0 is refused, since its unit would be a guess; it is never negative;
 *   <li>a list of strings is a YAML list or one comma-separated string; a map has string keys;
 *   <li>a record is a nested block; {@code Object} takes any value (keys accepted for
 *       compatibility, unused);
 *   <li>a key that is absent or has no value takes its {@link ConfigKey#dflt() default}.
 * </ul>
 *
 * <p>Errors are {@link ConfigException}s that name the full key path ({@code
 * aws.dynamodb.backoff_config.max_period}) and what is allowed; unknown keys are refused with the
 * closest known key as a suggestion. The record's own constructor checks what spans keys. {@link
 * #describe} lists every key with its default and description.
 */
public final class ConfigBinder {

    private ConfigBinder() {}

    /**
     * Binds {@code block} to {@code type}.
     *
     * @param block the block as parsed: a map, or null for an absent block (every key at its
     *     default)
     * @param path the block's key path in messages, like {@code aws.dynamodb}
     * @throws ConfigException naming the key path, for an unknown key, a value of the wrong kind,
     *     or a record whose constructor refuses the values
     */
    public static <R extends Record> R bind(Class<R> type, Object block, String path) {
        Map<String, Object> map = mapping(block, path);
        Map<String, RecordComponent> byKey = keysOf(type);
        for (String k : new TreeSet<>(map.keySet())) {
            if (!byKey.containsKey(k)) {
                throw unknownKey(path, k, byKey.keySet());
            }
        }
        return construct(type, map, byKey, path);
    }

    /**
     * Binds a block that chunkstore shares with Cortex or Loki components it does not implement (a
     * limits block): keys other than the record's are accepted, unless one is so close to a key of
     * the record that it is surely a misspelling of it ({@code max_query_lenght}), which is
     * refused.
     */
    public static <R extends Record> R bindShared(Class<R> type, Object block, String path) {
        Map<String, Object> map = mapping(block, path);
        Map<String, RecordComponent> byKey = keysOf(type);
        for (String k : new TreeSet<>(map.keySet())) {
            if (!byKey.containsKey(k) && closest(k, byKey.keySet(), 2).isPresent()) {
                throw unknownKey(path, k, byKey.keySet());
            }
        }
        return construct(type, map, byKey, path);
    }

    /** "unknown key 'path.key'; did you mean 'close'? known keys: ..." */
    public static ConfigException unknownKey(String path, String key, Collection<String> known) {
        String suggestion =
                closest(key, known, Math.max(2, key.length() / 3))
                        .map(k -> "; did you mean '" + k + "'?")
                        .orElse(";");
        return new ConfigException(
                "unknown key '"
                        + join(path, key)
                        + "'"
                        + suggestion
                        + " known keys: "
                        + String.join(", ", new TreeSet<>(known)));
    }

    /** The known key nearest to {@code key} in edit distance, if within {@code maxDistance}. */
    static Optional<String> closest(String key, Collection<String> known, int maxDistance) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : new TreeSet<>(known)) {
            int d =
                    editDistance(
                            key.toLowerCase(java.util.Locale.ROOT),
                            k.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return bestDistance <= maxDistance ? Optional.of(best) : Optional.empty();
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * One key of a block for the docs.
     *
     * @param key the key path inside the block ({@code backoff_config.min_period})
     * @param kind what it takes: {@code string}, {@code duration}, {@code block}, ...
     * @param dflt the default as written in YAML ("" for the zero value)
     * @param description what it does, with the allowed values
     */
    public record KeyDoc(String key, String kind, String dflt, String description) {}

    /**
     * Every key of a record, nested blocks' keys after the block's own line, in declaration order.
     */
    public static List<KeyDoc> describe(Class<? extends Record> type) {
        List<KeyDoc> out = new ArrayList<>();
        describe(type, "", out);
        return out;
    }

    /** The keys a record's block takes. */
    public static List<String> keys(Class<? extends Record> type) {
        return List.copyOf(keysOf(type).keySet());
    }

    private static void describe(Class<?> type, String prefix, List<KeyDoc> out) {
        for (RecordComponent c : type.getRecordComponents()) {
            ConfigKey k = key(c);
            String doc = k.doc() + (k.oneOf().length == 0 ? "" : " One of: " + allowed(k) + ".");
            out.add(new KeyDoc(prefix + k.value(), kind(c.getGenericType(), k), k.dflt(), doc));
            if (c.getType().isRecord()) {
                describe(c.getType(), prefix + k.value() + ".", out);
            }
        }
    }

    /** The allowed values of a string key, the empty one written as "". */
    private static String allowed(ConfigKey k) {
        return String.join(
                ", ",
                java.util.Arrays.stream(k.oneOf()).map(v -> v.isEmpty() ? "\"\"" : v).toList());
    }

    private static String kind(Type t, ConfigKey k) {
        Class<?> c = raw(t);
        if (c == String.class) {
            return "string";
        }
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class) {
            return k.bytes() ? "bytes" : "int";
        }
        if (c == double.class || c == Double.class) {
            return "number";
        }
        if (c == boolean.class || c == Boolean.class) {
            return "boolean";
        }
        if (c == Duration.class) {
            return "duration";
        }
        if (c == List.class) {
            return "list of strings";
        }
        if (c == Map.class) {
            return "map of string to "
                    + kind(((ParameterizedType) t).getActualTypeArguments()[1], k);
        }
        if (c.isRecord()) {
            return "block";
        }
        return "any";
    }

    // ---- binding

    private static Map<String, RecordComponent> keysOf(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type + " is not a record");
        }
        Map<String, RecordComponent> byKey = new LinkedHashMap<>();
        for (RecordComponent c : type.getRecordComponents()) {
            byKey.put(key(c).value(), c);
        }
        return byKey;
    }

    private static ConfigKey key(RecordComponent c) {
        ConfigKey k = c.getAnnotation(ConfigKey.class);
        if (k == null) {
            throw new IllegalArgumentException(
                    c.getDeclaringRecord().getName() + "." + c.getName() + " has no @ConfigKey");
        }
        return k;
    }

    private static <R> R construct(
            Class<R> type,
            Map<String, Object> map,
            Map<String, RecordComponent> byKey,
            String path) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        int i = 0;
        for (Map.Entry<String, RecordComponent> e : byKey.entrySet()) {
            RecordComponent c = e.getValue();
            ConfigKey k = key(c);
            Object v = map.get(e.getKey());
            String where = join(path, e.getKey());
            args[i] =
                    v == null
                            ? defaultOf(c.getGenericType(), k, where)
                            : convert(c.getGenericType(), k, v, where);
            types[i] = c.getType();
            i++;
        }
        try {
            Constructor<R> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof ConfigException ce) {
                throw ce;
            }
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw new ConfigException(path + ": " + iae.getMessage(), iae);
            }
            throw new IllegalStateException("cannot build " + type.getName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getName(), e);
        }
    }

    private static Object defaultOf(Type t, ConfigKey k, String where) {
        Class<?> c = raw(t);
        if (c.isRecord()) {
            return construct(c, Map.of(), keysOf(c), where);
        }
        if (c == Object.class) {
            return null;
        }
        if (k.dflt().isEmpty()) {
            if (c == String.class) {
                return "";
            }
            if (c == List.class) {
                return List.of();
            }
            if (c == Map.class) {
                return Map.of();
            }
            if (c == Duration.class) {
                return Duration.ZERO;
            }
            if (c == boolean.class || c == Boolean.class) {
                return false;
            }
        }
        return convert(t, k, k.dflt().isEmpty() ? "0" : k.dflt(), where);
    }

    private static Object convert(Type t, ConfigKey k, Object v, String where) {
        Class<?> c = raw(t);
        if (c == Object.class) {
            return v;
        }
        if (c.isRecord()) {
            return construct(c, mapping(v, where), keysOfChecked(c, v, where), where);
        }
        if (c == String.class) {
            String s = scalar(v, where, "a string");
            if (k.oneOf().length > 0 && !List.of(k.oneOf()).contains(s)) {
                throw new ConfigException(
                        where + " must be one of " + allowed(k) + ", not '" + s + "'");
            }
            return s;
        }
        if (c == int.class || c == Integer.class) {
            long n = whole(v, k, where);
            if (n > Integer.MAX_VALUE || n < Integer.MIN_VALUE) {
                throw new ConfigException(
                        where
                                + " must be a whole number up to "
                                + Integer.MAX_VALUE
                                + ", not "
                                + v);
            }
            return (int) n;
        }
        if (c == long.class || c == Long.class) {
            return whole(v, k, where);
        }
        if (c == double.class || c == Double.class) {
            return number(v, k, where);
        }
        if (c == boolean.class || c == Boolean.class) {
            return bool(v, where);
        }
        if (c == Duration.class) {
            return duration(v, where);
        }
        if (c == List.class) {
            return strings(v, where);
        }
        if (c == Map.class) {
            Type valueType = ((ParameterizedType) t).getActualTypeArguments()[1];
            Map<String, Object> out = new LinkedHashMap<>();
            mapping(v, where)
                    .forEach(
                            (key, value) ->
                                    out.put(
                                            key,
                                            value == null
                                                    ? null
                                                    : convert(
                                                            valueType,
                                                            k,
                                                            value,
                                                            join(where, key))));
            return java.util.Collections.unmodifiableMap(out);
        }
        throw new IllegalArgumentException("no binding for " + t + " at " + where);
    }

    private static Map<String, RecordComponent> keysOfChecked(Class<?> c, Object v, String where) {
        Map<String, RecordComponent> byKey = keysOf(c);
        for (String key : new TreeSet<>(mapping(v, where).keySet())) {
            if (!byKey.containsKey(key)) {
                throw unknownKey(where, key, byKey.keySet());
            }
        }
        return byKey;
    }

    private static Class<?> raw(Type t) {
        return t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) t;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapping(Object v, String where) {
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new ConfigException(where + " must be a mapping, not " + describe(v));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((key, value) -> out.put(String.valueOf(key), value));
        return out;
    }

    private static String scalar(Object v, String where, String want) {
        if (v instanceof Map || v instanceof List) {
            throw new ConfigException(where + " must be " + want + ", not " + describe(v));
        }
        return v.toString();
    }

    private static long whole(Object v, ConfigKey k, String where) {
        long n;
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            n = ((Number) v).longValue();
        } else if (v instanceof BigInteger b && b.bitLength() < 64) {
            n = b.longValue();
        } else if (v instanceof String s && s.strip().matches("[+-]?\\d{1,18}")) {
            n = Long.parseLong(s.strip());
        } else if (v instanceof String s && k.bytes()) {
            try {
                n = ByteSize.parse(s);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + ": " + e.getMessage(), e);
            }
        } else {
            throw new ConfigException(
                    where
                            + " must be a whole number"
                            + (k.bytes() ? " of bytes or a size like 64KB" : "")
                            + ", not "
                            + describe(v));
        }
        if (n < k.min()) {
            throw new ConfigException(
                    where
                            + (k.min() == 0
                                    ? " must not be negative"
                                    : " must be at least " + k.min())
                            + ", got "
                            + n);
        }
        return n;
    }

    private static double number(Object v, ConfigKey k, String where) {
        double d;
        if (v instanceof Number n) {
            d = n.doubleValue();
        } else {
            try {
                d = Double.parseDouble(scalar(v, where, "a number").strip());
            } catch (NumberFormatException e) {
                throw new ConfigException(where + " must be a number, not " + describe(v));
            }
        }
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new ConfigException(where + " must be a finite number, not " + describe(v));
        }
        if (d < k.min()) {
            throw new ConfigException(where + " must be a number >= " + k.min() + ", got " + v);
        }
        return d;
    }

    private static boolean bool(Object v, String where) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s
                && (s.strip().equalsIgnoreCase("true") || s.strip().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s.strip());
        }
        throw new ConfigException(where + " must be true or false, not " + describe(v));
    }

    private static Duration duration(Object v, String where) {
        if (v instanceof Number n) {
            if (n.doubleValue() == 0) {
                return Duration.ZERO;
            }
            throw new ConfigException(
                    where
                            + ": "
                            + v
                            + " has no unit; write a duration with a unit, like 2s, 100ms,"
                            + " 1h30m or 7d");
        }
        Duration d;
        try {
            d = GoDuration.parse(scalar(v, where, "a duration like 2s or 1h30m"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": " + e.getMessage(), e);
        }
        if (d.isNegative()) {
            throw new ConfigException(where + " must not be negative, got " + v);
        }
        return d;
    }

    private static List<String> strings(Object v, String where) {
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i) == null) {
                    throw new ConfigException(where + "[" + i + "] has no value");
                }
                out.add(scalar(l.get(i), where + "[" + i + "]", "a string"));
            }
            return List.copyOf(out);
        }
        for (String part :
                scalar(v, where, "a list of strings or a comma-separated string").split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return List.copyOf(out);
    }

    private static String describe(Object v) {
        if (v instanceof Map) {
            return "a mapping";
        }
        if (v instanceof List) {
            return "a list";
        }
        return "'" + v + "'";
    }

    private static String join(String path, String key) {
        return path == null || path.isEmpty() ? key : path + "." + key;
    }
}
