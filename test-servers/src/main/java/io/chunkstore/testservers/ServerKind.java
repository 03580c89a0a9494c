package io.chunkstore.testservers;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The real servers this module can provide to tests. {@link #id()} is the name used in properties
 * and folders.
 */
public enum ServerKind {
    /** Apache Cassandra 5.0. */
    CASSANDRA("cassandra"),
    /** DynamoDB Local. */
    DYNAMODB("dynamodb"),
    /** The Cloud Bigtable emulator (cbtemulator). */
    BIGTABLE("bigtable"),
    /** An S3-compatible server (S3Mock). */
    S3("s3");

    private final String id;

    ServerKind(String id) {
        this.id = id;
    }

    /** The lower-case name: {@code cassandra}, {@code dynamodb}, {@code bigtable}, {@code s3}. */
    public String id() {
        return id;
    }

    /** Parses an {@link #id()} (case-insensitive). */
    public static ServerKind fromId(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        for (ServerKind kind : values()) {
            if (kind.id.equals(wanted)) {
                return kind;
            }
        }
        throw new TestServerException(
                "Unknown test server '"
                        + id
                        + "'; known: "
                        + Arrays.stream(values())
                                .map(ServerKind::id)
                                .collect(Collectors.joining(", ")));
    }
}
