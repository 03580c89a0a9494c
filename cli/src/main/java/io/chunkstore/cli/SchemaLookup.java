package io.chunkstore.cli;

import java.util.Arrays;
import java.util.Iterator;
import picocli.CommandLine;

/**
 * The lookups of {@code chunkstore schema queries}, named as in its output's {@code lookup} field.
 */
enum SchemaLookup {
    /** All series (or chunks, v1-v6) of a metric. */
    METRIC("metric"),
    /** Series of a metric that have a label. */
    LABEL("label"),
    /** Series of a metric with label = value. */
    LABELVALUE("labelvalue"),
    /** Chunks of a series (v9+). */
    CHUNKS("chunks"),
    /** Label names of a series (v11+). */
    LABELNAMES("labelnames");

    private final String label;

    SchemaLookup(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** Reads a lookup name. */
    static final class Converter implements CommandLine.ITypeConverter<SchemaLookup> {
        @Override
        public SchemaLookup convert(String s) {
            for (SchemaLookup l : values()) {
                if (l.label.equals(s)) {
                    return l;
                }
            }
            throw new CommandLine.TypeConversionException(
                    "unknown lookup '"
                            + s
                            + "' (use metric, label, labelvalue,"
                            + " chunks, labelnames)");
        }
    }

    /** The names, for the help text. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(values()).map(SchemaLookup::label).iterator();
        }
    }
}
