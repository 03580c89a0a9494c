package io.chunkstore.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.loki.query.QueryLimits;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LokiApiMountLimitsTest {

    private static final String SCHEMA =
            "schema_config:\n  configs:\n  - {from: 2020-01-01, store: boltdb-shipper, object_store:"
                    + " filesystem, schema: v12, index: {prefix: index_, period: 24h}}\n";

    @Test
    void aLogQlQueryRunsUnderTheConfigsLimitsBlock() {
        ChunkstoreConfig config =
                ChunkstoreConfig.parse(
                        SCHEMA
                                + "limits_config: {query_timeout: 3m, max_query_series: 7,"
                                + " max_query_bytes_read: 1MB}\n",
                        "loki.yaml");
        QueryLimits limits =
                LokiApiMount.limitsFor(
                        QueryLimits.of(config.limitsConfig()), Duration.ofMinutes(10));
        assertThat(limits.queryTimeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(limits.maxQuerySeries()).isEqualTo(7);
        assertThat(limits.maxQueryBytesRead()).isEqualTo(1L << 20);
        assertThat(limits.maxPointsPerSeries()).isEqualTo(QueryLimits.DEFAULT.maxPointsPerSeries());
    }

    @Test
    void serveQueryTimeOutCapsTheQuerysOwnTimeOut() {
        ChunkstoreConfig config =
                ChunkstoreConfig.parse(SCHEMA + "limits_config: {query_timeout: 5m}\n", "l.yaml");
        assertThat(
                        LokiApiMount.limitsFor(
                                        QueryLimits.of(config.limitsConfig()),
                                        Duration.ofSeconds(30))
                                .queryTimeout())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(
                        LokiApiMount.limitsFor(QueryLimits.DEFAULT, Duration.ofMinutes(5))
                                .queryTimeout())
                .as("Loki's default 1m stays when serve allows longer")
                .isEqualTo(Duration.ofMinutes(1));
    }
}
