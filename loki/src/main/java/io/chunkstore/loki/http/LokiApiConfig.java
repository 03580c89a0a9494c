package io.chunkstore.loki.http;

import io.chunkstore.core.model.TenantIds;
import io.chunkstore.loki.query.TailOptions;
import java.time.Clock;
import java.util.Objects;

/**
 * Settings of the Loki read API.
 *
 * @param defaultTenant the tenant of requests without {@code X-Scope-OrgID} (Loki's single-tenant
 *     mode uses {@code fake}); null makes the header required (401 without it)
 * @param maxEntriesLimit the largest {@code limit} a query may ask for (Loki's {@code
 *     max_entries_limit_per_query}, 5000)
 * @param tail the tail's delay and window; {@code delay_for} can only lengthen the delay
 * @param skipCorrupt whether queries skip corrupt chunks and blocks by default (reported as
 *     warnings); a request can ask for it with {@code skip_corrupt=true}
 * @param lokiVersion the version {@code /loki/api/v1/status/buildinfo} reports, which Grafana reads
 *     to pick features
 * @param clock the clock for default times and the tail
 */
public record LokiApiConfig(
        String defaultTenant,
        int maxEntriesLimit,
        TailOptions tail,
        boolean skipCorrupt,
        String lokiVersion,
        Clock clock) {
    public static final int DEFAULT_MAX_ENTRIES_LIMIT = 5000;

    /**
     * The Loki release whose read API this one matches, reported by buildinfo: the log-query API
     * (query_range, query, labels, label values, series, tail) of Loki 2.7, checked against logcli
     * 2.7.5. Grafana picks features by this version, so it must not claim a newer API than we
     * answer (metric queries, index stats and volume came later). The one difference: label values
     * honour the {@code query} parameter, as Loki 2.8+ does.
     */
    public static final String DEFAULT_LOKI_VERSION = "2.7.5";

    public static final LokiApiConfig DEFAULT =
            new LokiApiConfig(
                    null,
                    DEFAULT_MAX_ENTRIES_LIMIT,
                    TailOptions.DEFAULT,
                    false,
                    DEFAULT_LOKI_VERSION,
                    Clock.systemUTC());

    public LokiApiConfig {
        Objects.requireNonNull(tail, "tail");
        Objects.requireNonNull(lokiVersion, "lokiVersion");
        Objects.requireNonNull(clock, "clock");
        if (maxEntriesLimit < 1) {
            throw new IllegalArgumentException(
                    "maxEntriesLimit must be at least 1, got " + maxEntriesLimit);
        }
        if (defaultTenant != null && defaultTenant.isEmpty()) {
            defaultTenant = null;
        }
        if (defaultTenant != null) {
            TenantIds.validate(defaultTenant);
        }
    }

    public LokiApiConfig withDefaultTenant(String tenant) {
        return new LokiApiConfig(tenant, maxEntriesLimit, tail, skipCorrupt, lokiVersion, clock);
    }

    public LokiApiConfig withClock(Clock c) {
        return new LokiApiConfig(defaultTenant, maxEntriesLimit, tail, skipCorrupt, lokiVersion, c);
    }

    public LokiApiConfig withTail(TailOptions t) {
        return new LokiApiConfig(
                defaultTenant, maxEntriesLimit, t, skipCorrupt, lokiVersion, clock);
    }

    public LokiApiConfig withSkipCorrupt(boolean s) {
        return new LokiApiConfig(defaultTenant, maxEntriesLimit, tail, s, lokiVersion, clock);
    }

    public LokiApiConfig withMaxEntriesLimit(int n) {
        return new LokiApiConfig(defaultTenant, n, tail, skipCorrupt, lokiVersion, clock);
    }
}
