package io.chunkstore.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.UnavailableException;
import io.chunkstore.spi.support.Backoff;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * DynamoDB on a closed port of this machine (127.0.0.1:1, nothing listens there): the health check
 * fails at once naming the endpoint, and a request that keeps failing stops retrying at {@code
 * backoff_config.max_retry_time} even when {@code max_retries} is 0 (retry forever), where before
 * it retried until the retries ran out (20 waits of up to 50 s by default: over 5 minutes).
 */
class DynamoUnreachableTest {
    static final URI CLOSED = URI.create("http://127.0.0.1:1");

    @Test
    void theHealthCheckNamesTheEndpointAtOnce() {
        try (DynamoBackend b =
                DynamoBackend.open(
                        "aws-dynamo",
                        DynamoConfig.forEndpoint(CLOSED, "us-east-1", "k", "s"),
                        new SimpleMeterRegistry(),
                        n -> n,
                        null)) {
            long start = System.nanoTime();
            assertThatThrownBy(b::checkHealth)
                    .isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("DynamoDB at http://127.0.0.1:1")
                    .hasMessageContaining("aws-dynamo");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(DynamoBackend.HEALTH_CHECK_SECONDS + 5));
        }
    }

    @Test
    void aFailingRequestStopsRetryingAtTheRetryTimeLimit() {
        Backoff.Config forever =
                new Backoff.Config(
                        Duration.ofMillis(50), Duration.ofMillis(200), 0, Duration.ofSeconds(2));
        try (DynamoBackend b =
                DynamoBackend.open(
                        "aws-dynamo",
                        DynamoConfig.forEndpoint(CLOSED, "us-east-1", "k", "s")
                                .withBackoff(forever),
                        new SimpleMeterRegistry(),
                        n -> n,
                        null)) {
            long start = System.nanoTime();
            // Before the limit this retried forever: the time-out turns that into a failure.
            assertTimeoutPreemptively(
                    Duration.ofMinutes(3),
                    () ->
                            assertThatThrownBy(() -> b.tableClient().listTables())
                                    .isInstanceOf(StorageException.class));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            // The limit bounds the retrying; one attempt in flight when it is reached still runs
            // to its end (at most the SDK's api call time-out), so the upper bound is loose.
            assertThat(took)
                    .isBetween(
                            Duration.ofMillis(1900),
                            DynamoBackend.API_CALL_TIMEOUT.plus(Duration.ofSeconds(30)));
        }
    }

    @Test
    void theConfigDefaultBoundsRetriesToOneMinute() {
        assertThat(DynamoConfig.DEFAULT_BACKOFF.maxRetryTime()).isEqualTo(Duration.ofMinutes(1));
    }
}
