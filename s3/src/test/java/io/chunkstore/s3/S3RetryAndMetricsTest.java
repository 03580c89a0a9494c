package io.chunkstore.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.ObjectNotFoundException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.ThrottledException;
import io.chunkstore.spi.UnavailableException;
import io.chunkstore.testservers.AwsFaultInjector;
import io.chunkstore.testservers.RealServer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Retries and the request histogram, with S3Mock answering every request and an interceptor turning
 * chosen responses into the errors S3 sends: 503 SlowDown and 429 are retried and, when the
 * attempts run out, end as {@link ThrottledException}; 500 likewise as {@link
 * UnavailableException}; 4xx answers are not retried.
 */
@RealServer
class S3RetryAndMetricsTest {
    private static final String METRIC = "loki_s3_request_duration_seconds";
    private static final int ATTEMPTS = 4;

    private static S3AsyncClient plain;
    private static String bucket;

    private SimpleMeterRegistry registry;
    private AwsFaultInjector faults;
    private S3ObjectClient client;

    @BeforeAll
    static void createBucket() {
        plain = S3TestSupport.plainClient();
        bucket = S3TestSupport.freshBucket("retries");
        S3TestSupport.createBuckets(plain, bucket);
    }

    @AfterAll
    static void closePlain() {
        plain.close();
    }

    @BeforeEach
    void open() {
        registry = new SimpleMeterRegistry();
        faults = new AwsFaultInjector();
        client =
                S3ObjectClient.builder(
                                S3TestSupport.config(bucket)
                                        .withRetry(
                                                new S3Config.Retry(
                                                        Duration.ofMillis(5),
                                                        Duration.ofMillis(40),
                                                        ATTEMPTS)))
                        .addInterceptor(faults)
                        .metrics(registry, METRIC)
                        .build();
    }

    @AfterEach
    void close() {
        client.close();
    }

    private long count(String operation, String status) {
        Timer t =
                Search.in(registry)
                        .name(METRIC)
                        .tag("operation", operation)
                        .tag("status_code", status)
                        .timer();
        return t == null ? 0 : t.count();
    }

    @Test
    void aPutThrottledTwiceSucceedsOnTheThirdAttemptAndEveryAttemptIsMeasured() {
        faults.failNext(2, 503, "SlowDown");
        client.putObject("thr/put", new byte[] {1, 2, 3});

        assertThat(faults.injected()).isEqualTo(2);
        assertThat(S3TestSupport.rawGet(plain, bucket, "thr/put")).containsExactly(1, 2, 3);
        assertThat(count("S3.PutObject", "503")).isEqualTo(2);
        assertThat(count("S3.PutObject", "200")).isEqualTo(1);
    }

    @Test
    void aGetThrottledTwiceSucceedsWithTheObjectsBytes() {
        S3TestSupport.rawPut(plain, bucket, "thr/get", new byte[] {9, 8, 7});
        faults.failNext(2, 503, "SlowDown");
        assertThat(client.getObject("thr/get")).containsExactly(9, 8, 7);
        assertThat(faults.injected()).isEqualTo(2);
        assertThat(count("S3.GetObject", "503")).isEqualTo(2);
        assertThat(count("S3.GetObject", "200")).isEqualTo(1);
    }

    @Test
    void throttlingOnEveryAttemptEndsInThrottledExceptionAfterTheConfiguredAttempts() {
        faults.failNext(100, 503, "SlowDown");
        assertThatThrownBy(() -> client.putObject("thr/never", new byte[] {1}))
                .isInstanceOf(ThrottledException.class)
                .hasMessageContaining("SlowDown")
                .hasMessageContaining("s3://" + bucket + "/thr/never")
                .satisfies(e -> assertThat(((StorageException) e).isRetryable()).isTrue());
        assertThat(faults.injected()).isEqualTo(ATTEMPTS);
        assertThat(count("S3.PutObject", "503")).isEqualTo(ATTEMPTS);

        S3TestSupport.rawPut(plain, bucket, "thr/there", new byte[] {1});
        faults.failNext(100, 503, "SlowDown");
        assertThatThrownBy(() -> client.getObject("thr/there"))
                .isInstanceOf(ThrottledException.class);
        assertThat(faults.injected()).isEqualTo(2 * ATTEMPTS);
    }

    @Test
    void http429IsThrottlingToo() {
        faults.failNext(100, 429, "TooManyRequests");
        assertThatThrownBy(() -> client.putObject("thr/429", new byte[] {1}))
                .isInstanceOf(ThrottledException.class);
        assertThat(faults.injected()).isEqualTo(ATTEMPTS);
    }

    @Test
    void serverErrorsAreRetriedAndWhenTheyPersistBecomeUnavailable() {
        faults.failNext(1, 500, "InternalError");
        client.putObject("err/500-once", new byte[] {5});
        assertThat(faults.injected()).isEqualTo(1);
        assertThat(count("S3.PutObject", "500")).isEqualTo(1);

        faults.failNext(100, 500, "InternalError");
        assertThatThrownBy(() -> client.getObject("err/500-once"))
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("InternalError");
        assertThat(faults.injected()).isEqualTo(1 + ATTEMPTS);

        faults.failNext(100, 503, "ServiceUnavailable");
        assertThatThrownBy(() -> client.getObject("err/500-once"))
                .isInstanceOf(UnavailableException.class)
                .isNotInstanceOf(ThrottledException.class);
    }

    @Test
    void clientErrorsAreNotRetried() {
        faults.failNext(100, 400, "InvalidArgument");
        assertThatThrownBy(() -> client.putObject("err/400", new byte[] {1}))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("InvalidArgument");
        assertThat(faults.injected()).isEqualTo(1);
        faults.failNothing();

        faults.failNext(1, 404, "NoSuchKey");
        S3TestSupport.rawPut(plain, bucket, "err/there", new byte[] {1});
        assertThatThrownBy(() -> client.getObject("err/there"))
                .isInstanceOf(ObjectNotFoundException.class);
        assertThat(faults.injected()).isEqualTo(2);
    }

    @Test
    void aDeleteWhoseHeadIsThrottledRetriesAndDeletes() {
        S3TestSupport.rawPut(plain, bucket, "thr/del", new byte[] {1});
        faults.failNext(2, 503, "SlowDown");
        client.deleteObject("thr/del");
        assertThat(S3TestSupport.rawKeys(plain, bucket)).doesNotContain("thr/del");
        assertThat(count("S3.ObjectExists", "503")).isEqualTo(2);
        assertThat(count("S3.ObjectExists", "200")).isEqualTo(1);
        assertThat(count("S3.DeleteObject", "204")).isEqualTo(1);
    }

    @Test
    void listPagesAreMeasuredAsS3ListWithCortexBuckets() {
        client.putObject("met/a", new byte[] {1});
        client.list("met/", "/");
        Timer list =
                registry.get(METRIC).tags("operation", "S3.List", "status_code", "200").timer();
        assertThat(list.count()).isEqualTo(1);
        assertThat(list.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        double[] bounds =
                Arrays.stream(list.takeSnapshot().histogramCounts())
                        .mapToDouble(b -> b.bucket(TimeUnit.SECONDS))
                        .toArray();
        double[] expected = new double[9];
        for (int i = 0; i < 9; i++) {
            expected[i] = 0.001 * Math.pow(4, i);
        }
        assertThat(bounds).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(
                        registry.get(METRIC)
                                .tags("operation", "S3.PutObject", "status_code", "200")
                                .timer()
                                .count())
                .isEqualTo(1);
    }

    @Test
    void anUnreachableEndpointIsUnavailableAfterRetriesAndMeasuredAsError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        S3Config c =
                S3Config.of(
                                bucket,
                                URI.create("http://127.0.0.1:" + port),
                                "us-east-1",
                                "k",
                                "s",
                                true)
                        .withRetry(
                                new S3Config.Retry(Duration.ofMillis(5), Duration.ofMillis(20), 2));
        try (S3ObjectClient dead = S3ObjectClient.builder(c).metrics(registry, METRIC).build()) {
            assertThatThrownBy(() -> dead.getObject("x"))
                    .isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("could not reach S3");
        }
        assertThat(count("S3.GetObject", "error")).isEqualTo(1);
    }
}
