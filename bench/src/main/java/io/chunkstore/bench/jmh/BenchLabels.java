package io.chunkstore.bench.jmh;

import io.chunkstore.core.model.Labels;

/** A realistic series for the benchmarks. */
final class BenchLabels {
    static final String USER = "tenant-1";
    static final Labels SERIES =
            Labels.of(
                    "__name__",
                    "http_requests_total",
                    "cluster",
                    "eu-west-1-prod",
                    "handler",
                    "/api/v1/query_range",
                    "instance",
                    "10.12.34.56:9090",
                    "job",
                    "api-gateway",
                    "method",
                    "GET",
                    "namespace",
                    "frontend",
                    "pod",
                    "api-gateway-7d9f8c6b5-x2k4q",
                    "status_code",
                    "200");

    private BenchLabels() {}
}
