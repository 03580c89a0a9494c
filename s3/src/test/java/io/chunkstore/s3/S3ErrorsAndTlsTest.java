package io.chunkstore.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.ObjectNotFoundException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.ThrottledException;
import io.chunkstore.spi.UnavailableException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletionException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** How SDK failures become the spi's typed errors, and the TLS settings of the HTTP client. */
class S3ErrorsAndTlsTest {

    private static S3Exception s3Error(int status, String code) {
        return (S3Exception)
                S3Exception.builder()
                        .statusCode(status)
                        .awsErrorDetails(
                                AwsErrorDetails.builder()
                                        .errorCode(code)
                                        .errorMessage("msg " + code)
                                        .build())
                        .build();
    }

    private static StorageException map(Throwable t, boolean notFound) {
        return S3Errors.map(
                new CompletionException(t), "getting object", "bkt", "p/key", "key", notFound);
    }

    @Test
    void missingKeysAreObjectNotFoundWithTheCallersKey() {
        assertThat(map(NoSuchKeyException.builder().statusCode(404).build(), true))
                .isInstanceOf(ObjectNotFoundException.class)
                .satisfies(e -> assertThat(((ObjectNotFoundException) e).key()).isEqualTo("key"));
        // HEAD answers carry no error code, only the status
        assertThat(map(s3Error(404, null), true)).isInstanceOf(ObjectNotFoundException.class);
        assertThat(map(s3Error(404, null), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bucket");
    }

    @Test
    void aMissingBucketIsAConfigError() {
        assertThat(map(NoSuchBucketException.builder().statusCode(404).build(), true))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'bkt'");
    }

    @Test
    void throttlingAndServerErrorsAreRetryableTypes() {
        assertThat(map(s3Error(503, "SlowDown"), true))
                .isInstanceOf(ThrottledException.class)
                .hasMessageContaining("s3://bkt/p/key")
                .hasMessageContaining("HTTP 503 SlowDown");
        assertThat(map(s3Error(429, "TooManyRequests"), true))
                .isInstanceOf(ThrottledException.class);
        assertThat(map(s3Error(400, "RequestLimitExceeded"), true))
                .isInstanceOf(ThrottledException.class);
        assertThat(map(s3Error(500, "InternalError"), true))
                .isInstanceOf(UnavailableException.class);
        assertThat(map(s3Error(503, "ServiceUnavailable"), true))
                .isInstanceOf(UnavailableException.class)
                .isNotInstanceOf(ThrottledException.class);
        assertThat(map(SdkClientException.create("Connection reset"), true))
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("Connection reset");
        assertThat(map(s3Error(503, "SlowDown"), true).isRetryable()).isTrue();
    }

    @Test
    void deniedAndInvalidRequestsAreNotRetryable() {
        StorageException denied = map(s3Error(403, "AccessDenied"), true);
        assertThat(denied).hasMessageContaining("credentials").hasMessageContaining("AccessDenied");
        assertThat(denied.isRetryable()).isFalse();
        assertThat(map(s3Error(400, "InvalidArgument"), true))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(map(new IllegalStateException("boom"), true))
                .isExactlyInstanceOf(StorageException.class)
                .hasMessageContaining("boom");
    }

    @Test
    void caFileTrustsExactlyItsCertificates() throws URISyntaxException {
        Path pem = Path.of(getClass().getResource("/test-ca.pem").toURI());
        TrustManager[] tms = S3ObjectClient.trustManagers(pem.toString());
        X509Certificate[] issuers = ((X509TrustManager) tms[0]).getAcceptedIssuers();
        assertThat(issuers)
                .singleElement()
                .satisfies(
                        c ->
                                assertThat(c.getSubjectX500Principal().getName())
                                        .isEqualTo("CN=chunkstore test CA"));
    }

    @Test
    void aBadCaFileIsAConfigError() throws URISyntaxException {
        Path notCert = Path.of(getClass().getResource("/not-a-cert.pem").toURI());
        assertThatThrownBy(() -> S3ObjectClient.trustManagers(notCert.toString()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ca_file");
        assertThatThrownBy(() -> S3ObjectClient.trustManagers("/no/such/ca.pem"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/no/such/ca.pem");
    }

    @Test
    void clientsBuildWithEveryHttpSetting() throws URISyntaxException {
        Path pem = Path.of(getClass().getResource("/test-ca.pem").toURI());
        S3Config base =
                S3Config.of("b", URI.create("https://127.0.0.1:1"), "us-east-1", "k", "s", true);
        S3Config.Http tls =
                new S3Config.Http(
                        java.time.Duration.ofSeconds(5),
                        java.time.Duration.ofSeconds(2),
                        java.time.Duration.ofSeconds(10),
                        false,
                        pem.toString());
        S3Config.Http trustAll =
                new S3Config.Http(
                        java.time.Duration.ZERO,
                        java.time.Duration.ZERO,
                        java.time.Duration.ZERO,
                        true,
                        null);
        for (S3Config.Http h : new S3Config.Http[] {tls, trustAll}) {
            S3Config c =
                    new S3Config(
                            base.buckets(),
                            base.endpoint(),
                            base.region(),
                            "k",
                            "s",
                            "token",
                            true,
                            null,
                            h,
                            "STANDARD_IA",
                            base.retry(),
                            10,
                            "");
            try (S3ObjectClient client = S3ObjectClient.create(c)) {
                assertThat(client.config().http()).isEqualTo(h);
            }
        }
    }
}
