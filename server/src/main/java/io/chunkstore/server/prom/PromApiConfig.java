package io.chunkstore.server.prom;

import io.chunkstore.core.model.TenantIds;
import io.chunkstore.core.read.ReadLimits;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How serve answers Prometheus' APIs.
 *
 * @param defaultTenant the tenant of requests without {@code X-Scope-OrgID}, or null: such a
 *     request is then a 400
 * @param limits what one request may read (series, samples, chunk bytes)
 * @param maxFrameBytes the size a streamed remote-read frame is cut at (Prometheus' {@code
 *     --storage.remote.read-max-bytes-in-frame}, 1 MiB by default); a frame exceeds it by at most
 *     one chunk, as Prometheus' do
 * @param maxRequestBytes the largest decoded remote-read request accepted (Prometheus' read handler
 *     takes 32 MiB)
 * @param labelsLookback the range of the label and series endpoints when the request gives no
 *     {@code start}
 * @param clock the time of requests without {@code end}
 * @param queryTimeout how long one request may read before it stops with an error (serve's {@code
 *     --query-timeout}, whose guard has answered 504 by then), or null for no limit
 */
public record PromApiConfig(
        String defaultTenant,
        ReadLimits limits,
        int maxFrameBytes,
        int maxRequestBytes,
        Duration labelsLookback,
        Clock clock,
        Duration queryTimeout) {
    /** Prometheus' default frame size for streamed remote read: 1 MiB. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 20;

    /** Prometheus' limit on a decoded remote-read request: 32 MiB. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 32 << 20;

    /** No default tenant, {@link ReadLimits#DEFAULT}, 1 MiB frames, the last 24 h for labels. */
    public static final PromApiConfig DEFAULT =
            new PromApiConfig(
                    null,
                    ReadLimits.DEFAULT,
                    DEFAULT_MAX_FRAME_BYTES,
                    DEFAULT_MAX_REQUEST_BYTES,
                    Duration.ofHours(24),
                    Clock.systemUTC(),
                    null);

    public PromApiConfig {
        if (defaultTenant != null) {
            TenantIds.validate(defaultTenant);
        }
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(labelsLookback, "labelsLookback");
        Objects.requireNonNull(clock, "clock");
        if (maxFrameBytes < 1 || maxRequestBytes < 1) {
            throw new IllegalArgumentException(
                    "frame and request sizes must be positive: "
                            + maxFrameBytes
                            + ", "
                            + maxRequestBytes);
        }
    }

    public PromApiConfig withDefaultTenant(String tenant) {
        return new PromApiConfig(
                tenant,
                limits,
                maxFrameBytes,
                maxRequestBytes,
                labelsLookback,
                clock,
                queryTimeout);
    }

    public PromApiConfig withLimits(ReadLimits l) {
        return new PromApiConfig(
                defaultTenant,
                l,
                maxFrameBytes,
                maxRequestBytes,
                labelsLookback,
                clock,
                queryTimeout);
    }

    public PromApiConfig withMaxFrameBytes(int n) {
        return new PromApiConfig(
                defaultTenant, limits, n, maxRequestBytes, labelsLookback, clock, queryTimeout);
    }

    public PromApiConfig withQueryTimeout(Duration timeout) {
        return new PromApiConfig(
                defaultTenant,
                limits,
                maxFrameBytes,
                maxRequestBytes,
                labelsLookback,
                clock,
                timeout);
    }

    /** A fresh budget of one request: {@link #limits} and {@link #queryTimeout}. */
    public ReadLimits.Budget budget() {
        return queryTimeout == null ? limits.budget() : limits.budget(queryTimeout);
    }
}
