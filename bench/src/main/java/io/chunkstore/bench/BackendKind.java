package io.chunkstore.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The backends the bench knows how to compare with a raw-driver baseline, and the store name each
 * one is opened as by default.
 */
public enum BackendKind {
    LOCAL("local", "local", List.of("local")),
    CASSANDRA("cassandra", "cassandra", List.of("cassandra")),
    DYNAMODB("dynamodb", "aws-dynamo", List.of("aws-dynamo")),
    BIGTABLE(
            "bigtable", "bigtable-hashed", List.of("bigtable-hashed", "gcp-columnkey", "bigtable"));

    private final String id;
    private final String defaultStore;
    private final List<String> stores;

    BackendKind(String id, String defaultStore, List<String> stores) {
        this.id = id;
        this.defaultStore = defaultStore;
        this.stores = stores;
    }

    /** The name on the command line ({@code --backend}). */
    public String id() {
        return id;
    }

    /** The store name the backend is opened as when {@code --store} is not given. */
    public String defaultStore() {
        return defaultStore;
    }

    /** Store names of this backend the raw baseline can mirror (same physical layout). */
    public List<String> stores() {
        return stores;
    }

    /**
     * The backend named {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the known backends
     */
    public static BackendKind parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (BackendKind k : values()) {
            if (k.id.equals(n)) {
                return k;
            }
        }
        throw new IllegalArgumentException(
                "unknown backend '"
                        + name
                        + "'; known backends: "
                        + Arrays.stream(values())
                                .map(BackendKind::id)
                                .collect(Collectors.joining(", ")));
    }
}
