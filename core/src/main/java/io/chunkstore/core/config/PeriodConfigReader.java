package io.chunkstore.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.support.GoDuration;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the period list of a schema config from a YAML tree, strictly: unknown keys are errors
 * naming the key.
 */
final class PeriodConfigReader {
    private static final Set<String> PERIOD_KEYS =
            Set.of("from", "store", "object_store", "schema", "index", "chunks", "row_shards");
    private static final Set<String> TABLE_KEYS = Set.of("prefix", "period", "tags");
    private static final Set<String> INDEX_KEYS = Set.of("prefix", "period", "tags", "path_prefix");
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);

    private PeriodConfigReader() {}

    /** Reads and validates {@code node} (the list under {@code keyPath}). */
    static SchemaConfig read(JsonNode node, String keyPath) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            throw new ConfigException(
                    keyPath + " is missing: a schema config needs at least one period config");
        }
        if (!node.isArray()) {
            throw new ConfigException(
                    keyPath + " must be a list of period configs, not " + kind(node));
        }
        List<PeriodConfig> periods = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            periods.add(readPeriod(node.get(i), keyPath, i));
        }
        return SchemaConfig.validated(periods, keyPath);
    }

    private static PeriodConfig readPeriod(JsonNode n, String keyPath, int i) {
        String bare = SchemaConfig.entryName(keyPath, i, null);
        if (!n.isObject()) {
            throw new ConfigException(
                    bare + " must be a mapping (from, store, schema, ...), not " + kind(n));
        }
        String fromText = n.has("from") ? scalar(n.get("from"), bare, "from") : "";
        LocalDate from = null;
        if (!fromText.isEmpty()) {
            try {
                from = LocalDate.parse(fromText, DAY);
            } catch (DateTimeParseException e) {
                throw new ConfigException(
                        bare + ": from \"" + fromText + "\" is not a day YYYY-MM-DD");
            }
        }
        String where = SchemaConfig.entryName(keyPath, i, from == null ? null : from.toString());
        checkKeys(n, PERIOD_KEYS, where, "");
        if (from == null) {
            throw new ConfigException(
                    where + ": from is missing (the first day of the period, YYYY-MM-DD)");
        }
        String schemaName = n.has("schema") ? scalar(n.get("schema"), where, "schema") : "";
        if (schemaName.isEmpty()) {
            throw new ConfigException(where + ": schema is missing (one of v1-v6, v9-v12)");
        }
        SchemaVersion schema;
        try {
            schema = SchemaVersion.parse(schemaName);
        } catch (ConfigException e) {
            throw new ConfigException(where + ": schema: " + e.getMessage(), e);
        }
        String store = n.has("store") ? scalar(n.get("store"), where, "store") : "";
        String objectStore =
                n.has("object_store") ? scalar(n.get("object_store"), where, "object_store") : "";
        PeriodicTableConfig index = readTables(n.get("index"), where, "index", INDEX_KEYS);
        PeriodicTableConfig chunks = readTables(n.get("chunks"), where, "chunks", TABLE_KEYS);
        int rowShards = readRowShards(n.get("row_shards"), where);
        return new PeriodConfig(from, store, objectStore, schema, index, chunks, rowShards);
    }

    private static PeriodicTableConfig readTables(
            JsonNode n, String where, String key, Set<String> allowed) {
        if (n == null || n.isNull()) {
            return PeriodicTableConfig.of("", Duration.ZERO);
        }
        if (!n.isObject()) {
            throw new ConfigException(
                    where
                            + ": "
                            + key
                            + " must be a mapping {prefix, period, tags}, not "
                            + kind(n));
        }
        checkKeys(n, allowed, where, key + ".");
        String prefix = n.has("prefix") ? scalar(n.get("prefix"), where, key + ".prefix") : "";
        Duration period = Duration.ZERO;
        if (n.has("period") && !n.get("period").isNull()) {
            String text = scalar(n.get("period"), where, key + ".period");
            try {
                period = GoDuration.parse(text);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + ": " + key + ".period: " + e.getMessage(), e);
            }
        }
        Map<String, String> tags = new LinkedHashMap<>();
        JsonNode t = n.get("tags");
        if (t != null && !t.isNull()) {
            if (!t.isObject()) {
                throw new ConfigException(
                        where
                                + ": "
                                + key
                                + ".tags must be a mapping of names to values, not "
                                + kind(t));
            }
            for (Map.Entry<String, JsonNode> e : t.properties()) {
                tags.put(e.getKey(), scalar(e.getValue(), where, key + ".tags." + e.getKey()));
            }
        }
        String pathPrefix =
                n.has("path_prefix")
                        ? scalar(n.get("path_prefix"), where, key + ".path_prefix")
                        : "";
        return new PeriodicTableConfig(prefix, period, tags, pathPrefix);
    }

    private static int readRowShards(JsonNode n, String where) {
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.isIntegralNumber()) {
            throw new ConfigException(
                    where + ": row_shards must be a whole number, not " + kind(n) + " " + n);
        }
        if (!n.canConvertToInt() || n.intValue() < 0) {
            throw new ConfigException(
                    where + ": row_shards " + n.asText() + " must be > 0 (and fit 32 bits)");
        }
        return n.intValue();
    }

    private static void checkKeys(JsonNode n, Set<String> allowed, String where, String keyPrefix) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new ConfigException(
                        where
                                + ": unknown key "
                                + keyPrefix
                                + k
                                + " (known: "
                                + String.join(", ", allowed.stream().sorted().toList())
                                + ")");
            }
        }
    }

    /** A scalar as text; YAML null as "". */
    static String scalar(JsonNode n, String where, String key) {
        if (n == null || n.isNull()) {
            return "";
        }
        if (!n.isValueNode()) {
            throw new ConfigException(
                    where + ": " + key + " must be a single value, not " + kind(n));
        }
        return n.asText();
    }

    static String kind(JsonNode n) {
        if (n.isObject()) {
            return "a mapping";
        }
        if (n.isArray()) {
            return "a list";
        }
        if (n.isNull()) {
            return "null";
        }
        return "a " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
