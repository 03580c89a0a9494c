package io.chunkstore.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The output contract of {@code chunkstore schema}: one JSON object per line, bytes as lowercase
 * hex, "" for empty.
 *
 * <pre>
 * {"kind":"entry","table":T,"hash":H,"range":HEX,"value":HEX}
 * {"kind":"query","lookup":KIND,"table":T,"hash":H,"prefix":HEX,"start":HEX,"valueEqual":HEX}
 * </pre>
 */
final class SchemaJsonLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SchemaJsonLines() {}

    static String entry(IndexEntry e) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kind", "entry");
        m.put("table", e.tableName());
        m.put("hash", e.hashValue());
        m.put("range", Bytes.hex(e.rangeValue()));
        m.put("value", Bytes.hex(e.value()));
        return write(m);
    }

    static String query(String lookup, IndexQuery q) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kind", "query");
        m.put("lookup", lookup);
        m.put("table", q.tableName());
        m.put("hash", q.hashValue());
        m.put("prefix", Bytes.hex(q.rangeValuePrefix()));
        m.put("start", Bytes.hex(q.rangeValueStart()));
        m.put("valueEqual", Bytes.hex(q.valueEqual()));
        return write(m);
    }

    static void print(PrintWriter out, Iterable<String> lines) {
        for (String line : lines) {
            out.println(line);
        }
        out.flush();
    }

    private static String write(Map<String, String> m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + m, e);
        }
    }
}
