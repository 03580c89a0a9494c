package io.chunkstore.loki.query;

import io.chunkstore.loki.Direction;
import io.chunkstore.loki.logql.LogQuery;
import io.chunkstore.spi.InvalidQueryException;
import java.util.Objects;

/**
 * One log query: a tenant, a LogQL log query, the window {@code [startNs, endNs)} in Unix
 * nanoseconds, the direction and a limit on the entries returned. {@code intervalNs} > 0 keeps only
 * entries at least that far apart (Loki's {@code interval} parameter; 0 keeps all).
 */
public record LogQueryRequest(
        String userId,
        LogQuery query,
        long startNs,
        long endNs,
        Direction direction,
        int limit,
        long intervalNs) {
    /** Loki's HTTP default limit. */
    public static final int DEFAULT_LIMIT = 100;

    public LogQueryRequest {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(direction, "direction");
        if (userId.isEmpty()) {
            throw new InvalidQueryException("no tenant given");
        }
        if (endNs < startNs) {
            throw new InvalidQueryException(
                    "the end of the query ("
                            + endNs
                            + " ns) is before its start ("
                            + startNs
                            + " ns)");
        }
        if (limit < 0) {
            throw new InvalidQueryException("the limit must be 0 or more, got " + limit);
        }
        if (intervalNs < 0) {
            throw new InvalidQueryException(
                    "the interval must be 0 or more, got " + intervalNs + " ns");
        }
    }

    /** A request without interval. */
    public static LogQueryRequest of(
            String userId,
            LogQuery query,
            long startNs,
            long endNs,
            Direction direction,
            int limit) {
        return new LogQueryRequest(userId, query, startNs, endNs, direction, limit, 0);
    }
}
