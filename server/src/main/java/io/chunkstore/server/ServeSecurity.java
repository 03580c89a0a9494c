package io.chunkstore.server;

import io.chunkstore.grpc.GrpcStoreServer;
import java.time.Duration;
import java.util.Objects;

/**
 * Who may use a {@link ChunkstoreServer} and how much of it: credentials on both ports, the
 * read-only mode and the table-deletion switch of the gRPC port, its request size cap, and the HTTP
 * port's limits on concurrent queries, concurrent tails and query time. See docs/operations.md,
 * "Security".
 *
 * @param credentials the accepted credentials, or null for no authentication
 * @param readOnly refuse every write, delete and table change on the gRPC port
 * @param allowTableDeletion accept DeleteTable on the gRPC port (when not read-only)
 * @param maxGrpcRequestBytes the largest gRPC request, refused from its frame header when larger
 * @param maxConcurrentQueries HTTP queries (everything but /ready, /metrics and tails) running at
 *     once; more are answered 429
 * @param maxConcurrentTails Loki tail websockets open at once; more are answered 429
 * @param queryTimeout how long one HTTP query may take before it is answered 504
 */
public record ServeSecurity(
        Credentials credentials,
        boolean readOnly,
        boolean allowTableDeletion,
        int maxGrpcRequestBytes,
        int maxConcurrentQueries,
        int maxConcurrentTails,
        Duration queryTimeout) {

    /** Default of {@link #maxConcurrentQueries}. */
    public static final int DEFAULT_MAX_CONCURRENT_QUERIES = 16;

    /** Default of {@link #maxConcurrentTails}: Loki's {@code max_concurrent_tail_requests}. */
    public static final int DEFAULT_MAX_CONCURRENT_TAILS = 10;

    /** Default of {@link #queryTimeout}: Loki's {@code query_timeout}. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofMinutes(1);

    /** No credentials, writes allowed, table deletion refused, and the default limits. */
    public static final ServeSecurity DEFAULT =
            new ServeSecurity(
                    null,
                    false,
                    false,
                    GrpcStoreServer.DEFAULT_MAX_INBOUND_MESSAGE_BYTES,
                    DEFAULT_MAX_CONCURRENT_QUERIES,
                    DEFAULT_MAX_CONCURRENT_TAILS,
                    DEFAULT_QUERY_TIMEOUT);

    public ServeSecurity {
        Objects.requireNonNull(queryTimeout, "queryTimeout");
        if (maxGrpcRequestBytes < 1024) {
            throw new IllegalArgumentException(
                    "the gRPC request size limit must be at least 1 KiB, got "
                            + maxGrpcRequestBytes);
        }
        if (maxConcurrentQueries < 1) {
            throw new IllegalArgumentException(
                    "the concurrent query limit must be at least 1, got " + maxConcurrentQueries);
        }
        if (maxConcurrentTails < 0) {
            throw new IllegalArgumentException(
                    "the concurrent tail limit must not be negative, got " + maxConcurrentTails);
        }
        if (queryTimeout.isNegative() || queryTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "the query time-out must be positive, got " + queryTimeout);
        }
    }

    public ServeSecurity withCredentials(Credentials c) {
        return new ServeSecurity(
                c,
                readOnly,
                allowTableDeletion,
                maxGrpcRequestBytes,
                maxConcurrentQueries,
                maxConcurrentTails,
                queryTimeout);
    }

    public ServeSecurity withReadOnly(boolean on) {
        return new ServeSecurity(
                credentials,
                on,
                allowTableDeletion,
                maxGrpcRequestBytes,
                maxConcurrentQueries,
                maxConcurrentTails,
                queryTimeout);
    }

    public ServeSecurity withAllowTableDeletion(boolean on) {
        return new ServeSecurity(
                credentials,
                readOnly,
                on,
                maxGrpcRequestBytes,
                maxConcurrentQueries,
                maxConcurrentTails,
                queryTimeout);
    }

    public ServeSecurity withMaxGrpcRequestBytes(int bytes) {
        return new ServeSecurity(
                credentials,
                readOnly,
                allowTableDeletion,
                bytes,
                maxConcurrentQueries,
                maxConcurrentTails,
                queryTimeout);
    }

    public ServeSecurity withMaxConcurrentQueries(int n) {
        return new ServeSecurity(
                credentials,
                readOnly,
                allowTableDeletion,
                maxGrpcRequestBytes,
                n,
                maxConcurrentTails,
                queryTimeout);
    }

    public ServeSecurity withMaxConcurrentTails(int n) {
        return new ServeSecurity(
                credentials,
                readOnly,
                allowTableDeletion,
                maxGrpcRequestBytes,
                maxConcurrentQueries,
                n,
                queryTimeout);
    }

    public ServeSecurity withQueryTimeout(Duration d) {
        return new ServeSecurity(
                credentials,
                readOnly,
                allowTableDeletion,
                maxGrpcRequestBytes,
                maxConcurrentQueries,
                maxConcurrentTails,
                d);
    }
}
