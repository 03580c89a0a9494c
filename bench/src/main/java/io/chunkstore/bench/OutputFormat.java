package io.chunkstore.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the bench prints its report. */
public enum OutputFormat {
    TEXT,
    JSON,
    MARKDOWN;

    /**
     * The format named {@code name}: {@code text}, {@code json} or {@code markdown}
     * (case-insensitive).
     *
     * @throws IllegalArgumentException naming the formats
     */
    public static OutputFormat parse(String name) {
        String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
        for (OutputFormat f : values()) {
            if (f.name().equals(n)) {
                return f;
            }
        }
        throw new IllegalArgumentException(
                "unknown output format '"
                        + name
                        + "'; use one of "
                        + Arrays.stream(values())
                                .map(f -> f.name().toLowerCase(Locale.ROOT))
                                .collect(Collectors.joining(", ")));
    }
}
