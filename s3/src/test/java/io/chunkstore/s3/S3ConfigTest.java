package io.chunkstore.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.support.AwsUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every form of the S3 settings in Cortex and Loki configs, read from YAML as the config loader
 * reads it.
 */
class S3ConfigTest {
    private static final UnaryOperator<String> NO_ENV = k -> null;

    static Map<String, Object> yaml(String text) {
        try {
            return new ObjectMapper(new YAMLFactory())
                    .readValue(text, new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static S3Config read(String storageYaml) {
        return S3Config.fromStorageConfig(yaml(storageYaml), NO_ENV);
    }

    @Nested
    class UrlForm {
        @Test
        void regionBucketAndEscapedCredentials() {
            S3Config c =
                    read(
                            """
                    aws:
                      s3: s3://AKIAEXAMPLE:wJal%2FrXUtn%2BFEMI%40K7@eu-west-1/cortex-chunks
                    """);
            assertThat(c.buckets()).containsExactly("cortex-chunks");
            assertThat(c.region()).isEqualTo("eu-west-1");
            assertThat(c.endpoint()).isNull();
            assertThat(c.accessKeyId()).isEqualTo("AKIAEXAMPLE");
            assertThat(c.secretAccessKey()).isEqualTo("wJal/rXUtn+FEMI@K7");
            assertThat(c.forcePathStyle()).isFalse();
            assertThat(c.sse()).isNull();
        }

        @Test
        void withoutCredentialsTheDefaultChainIsUsed() {
            S3Config c = read("aws: {s3: 's3://us-east-2/chunks'}");
            assertThat(c.buckets()).containsExactly("chunks");
            assertThat(c.region()).isEqualTo("us-east-2");
            assertThat(c.accessKeyId()).isNull();
            assertThat(c.secretAccessKey()).isNull();
        }

        @Test
        void aHostWithADotOrAPortIsAnEndpointOverHttpUnlessTheSchemeIsHttps() {
            S3Config minio =
                    S3Config.fromStorageConfig(
                            yaml(
                                    "aws: {s3: 's3://minio:minio123@minio.example.com:9000/loki', s3forcepathstyle: true}"),
                            k -> k.equals("AWS_REGION") ? "eu-central-1" : null);
            assertThat(minio.endpoint()).isEqualTo(URI.create("http://minio.example.com:9000"));
            assertThat(minio.region()).isEqualTo("eu-central-1");
            assertThat(minio.buckets()).containsExactly("loki");
            assertThat(minio.accessKeyId()).isEqualTo("minio");
            assertThat(minio.secretAccessKey()).isEqualTo("minio123");
            assertThat(minio.forcePathStyle()).isTrue();

            S3Config https = read("aws: {s3: 'https://k:s@s3.example.com/b'}");
            assertThat(https.endpoint()).isEqualTo(URI.create("https://s3.example.com"));
            assertThat(https.region()).isEqualTo(S3Config.DEFAULT_ENDPOINT_REGION);

            S3Config localPort = read("aws: {s3: 's3://k:s@localhost:9090/b'}");
            assertThat(localPort.endpoint()).isEqualTo(URI.create("http://localhost:9090"));
        }

        @Test
        void explicitKeysOverrideTheUrl() {
            S3Config c =
                    read(
                            """
                    aws:
                      s3: s3://urlkey:urlsecret@us-west-1/url-bucket
                      bucketnames: b1,b2
                      region: ap-south-1
                      access_key_id: blockkey
                      secret_access_key: blocksecret
                    """);
            assertThat(c.buckets()).containsExactly("b1", "b2");
            assertThat(c.region()).isEqualTo("ap-south-1");
            assertThat(c.accessKeyId()).isEqualTo("blockkey");
            assertThat(c.secretAccessKey()).isEqualTo("blocksecret");
        }

        @Test
        void malformedUrlsAreRejectedWithoutEchoingTheSecret() {
            assertThatThrownBy(() -> read("aws: {s3: 'no-scheme-here'}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("aws.s3");
            assertThatThrownBy(() -> read("aws: {s3: 's3://key:topsecret@/bucket'}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("no region or host")
                    .hasMessageNotContaining("topsecret");
            assertThatThrownBy(() -> read("aws: {s3: 's3://key:top%zzsecret@us-east-1/bucket'}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("%-escape")
                    .hasMessageNotContaining("topsecret")
                    .hasMessageNotContaining("zz");
            assertThatThrownBy(() -> read("aws: {s3: 'inmemory:///bucket'}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("inmemory");
            assertThatThrownBy(() -> read("aws: {s3: 's3://us-east-1/a/b'}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("one bucket");
        }
    }

    @Nested
    class Keys {
        @Test
        void bucketnamesIsACommaSeparatedListInOrder() {
            S3Config c =
                    read("aws: {bucketnames: 'chunks-0, chunks-1,chunks-2', region: us-east-1}");
            assertThat(c.buckets()).containsExactly("chunks-0", "chunks-1", "chunks-2");
            assertThatThrownBy(() -> read("aws: {bucketnames: 'a,,b', region: us-east-1}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("aws.bucketnames");
        }

        @Test
        void aBucketIsRequired() {
            assertThatThrownBy(() -> read("aws: {region: us-east-1}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("bucket");
        }

        @Test
        void endpointWithPathStyleAndInsecureForAnS3CompatibleStore() {
            S3Config c =
                    read(
                            """
                    aws:
                      bucketnames: loki
                      endpoint: minio:9000
                      s3forcepathstyle: true
                      insecure: true
                      access_key_id: minio
                      secret_access_key: minio123
                    """);
            assertThat(c.endpoint()).isEqualTo(URI.create("http://minio:9000"));
            assertThat(c.forcePathStyle()).isTrue();
            assertThat(c.region()).isEqualTo(S3Config.DEFAULT_ENDPOINT_REGION);

            S3Config tls = read("aws: {bucketnames: b, endpoint: 'storage.example.com'}");
            assertThat(tls.endpoint()).isEqualTo(URI.create("https://storage.example.com"));
            S3Config explicit =
                    read("aws: {bucketnames: b, endpoint: 'http://10.0.0.5:9000', region: r1}");
            assertThat(explicit.endpoint()).isEqualTo(URI.create("http://10.0.0.5:9000"));
            assertThat(explicit.region()).isEqualTo("r1");
        }

        @Test
        void insecureWithoutAnEndpointUsesTheRegionsEndpointOverHttp() {
            S3Config c = read("aws: {bucketnames: b, region: eu-west-2, insecure: true}");
            assertThat(c.endpoint()).isEqualTo(URI.create("http://s3.eu-west-2.amazonaws.com"));
        }

        @Test
        void credentialsComeInPairs() {
            assertThatThrownBy(() -> read("aws: {bucketnames: b, access_key_id: only-the-id}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("access_key_id")
                    .hasMessageContaining("secret_access_key");
            assertThatThrownBy(
                            () -> read("aws: {bucketnames: b, secret_access_key: only-the-secret}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageNotContaining("only-the-secret");
            S3Config session =
                    read(
                            "aws: {bucketnames: b, access_key_id: a, secret_access_key: s, session_token: t}");
            assertThat(session.sessionToken()).isEqualTo("t");
        }

        @Test
        void httpConfigDurationsAreGoDurations() {
            S3Config c =
                    read(
                            """
                    aws:
                      bucketnames: b
                      http_config:
                        idle_conn_timeout: 1m30s
                        response_header_timeout: 2.5s
                        timeout: 20s
                        insecure_skip_verify: true
                    """);
            assertThat(c.http().idleConnTimeout()).isEqualTo(Duration.ofSeconds(90));
            assertThat(c.http().responseHeaderTimeout()).isEqualTo(Duration.ofMillis(2500));
            assertThat(c.http().timeout()).isEqualTo(Duration.ofSeconds(20));
            assertThat(c.http().insecureSkipVerify()).isTrue();
            assertThat(read("aws: {bucketnames: b}").http()).isEqualTo(S3Config.Http.DEFAULT);
            assertThatThrownBy(
                            () ->
                                    read(
                                            "aws: {bucketnames: b, http_config: {idle_conn_timeout: 5 minutes}}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("aws.http_config.idle_conn_timeout");
            assertThatThrownBy(() -> read("aws: {bucketnames: b, http_config: {timeout: -5s}}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("must not be negative");
            assertThat(
                            read("aws: {bucketnames: b, http_config: {idle_conn_timeout: 0}}")
                                    .http()
                                    .idleConnTimeout())
                    .isZero();
            assertThatThrownBy(
                            () -> read("aws: {bucketnames: b, http_config: {max_idle_conns: 5}}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("aws.http_config.max_idle_conns");
        }

        @Test
        void backoffConfigSetsTheRetries() {
            S3Config c =
                    read(
                            "aws: {bucketnames: b, backoff_config: {min_period: 50ms, max_period: 2s,"
                                    + " max_retries: 8}}");
            assertThat(c.retry())
                    .isEqualTo(new S3Config.Retry(Duration.ofMillis(50), Duration.ofSeconds(2), 8));
            assertThat(read("aws: {bucketnames: b}").retry()).isEqualTo(S3Config.Retry.DEFAULT);
            assertThatThrownBy(
                            () -> read("aws: {bucketnames: b, backoff_config: {max_retries: 0}}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("max_retries");
            assertThatThrownBy(
                            () ->
                                    read(
                                            "aws: {bucketnames: b, backoff_config: {min_period: 5s, max_period: 1s}}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("min_period");
        }

        @Test
        void signatureVersionV4IsAcceptedAndV2IsRejectedWithTheReason() {
            assertThat(read("aws: {bucketnames: b, signature_version: v4}").buckets())
                    .containsExactly("b");
            assertThatThrownBy(() -> read("aws: {bucketnames: b, signature_version: v2}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("v4 only");
        }

        @Test
        void storageClassMustBeAnS3StorageClass() {
            assertThat(read("aws: {bucketnames: b, storage_class: STANDARD_IA}").storageClass())
                    .isEqualTo("STANDARD_IA");
            assertThat(read("aws: {bucketnames: b}").storageClass()).isNull();
            assertThatThrownBy(() -> read("aws: {bucketnames: b, storage_class: CHEAP}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("aws.storage_class");
        }

        @Test
        void unknownKeysAreNamed() {
            assertThatThrownBy(() -> read("aws: {bucketnames: b, bucket_names: c}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("aws.bucket_names");
            assertThatThrownBy(() -> read("aws: {bucketnames: b, sse: {type: SSE-S3, key: x}}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("aws.sse.key");
            assertThatThrownBy(() -> read("aws: {bucketnames: b, backoff_config: {retries: 3}}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("aws.backoff_config.retries");
        }

        @Test
        void wrongTypesAreNamed() {
            assertThatThrownBy(() -> read("aws: {bucketnames: b, s3forcepathstyle: maybe}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("aws.s3forcepathstyle");
            assertThatThrownBy(() -> read("aws: {bucketnames: b, max_parallel_get_chunk: lots}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("aws.max_parallel_get_chunk");
            assertThatThrownBy(() -> read("aws: {bucketnames: b, max_parallel_get_chunk: 0}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("max_parallel_get_chunk");
            assertThatThrownBy(() -> read("aws: {bucketnames: b, http_config: 5}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("aws.http_config");
        }

        @Test
        void theDynamodbSubBlockBelongsToTheDynamoDbBackendAndIsSkipped() {
            S3Config c =
                    read(
                            """
                    aws:
                      dynamodb:
                        dynamodb_url: dynamodb://us-east-1
                        api_limit: 10
                      s3: s3://us-east-1/chunks
                    """);
            assertThat(c.buckets()).containsExactly("chunks");
            assertThatThrownBy(
                            () -> read("aws: {dynamodb: {dynamodb_url: 'dynamodb://us-east-1'}}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("needs S3 settings");
        }
    }

    @Nested
    class ServerSideEncryption {
        @Test
        void cortexsDeprecatedSseEncryptionMeansSseS3() {
            assertThat(read("aws: {bucketnames: b, sse_encryption: true}").sse())
                    .isEqualTo(new S3Config.Sse("SSE-S3", null, null));
            assertThat(read("aws: {bucketnames: b, sse_encryption: false}").sse()).isNull();
        }

        @Test
        void sseS3() {
            assertThat(read("aws: {bucketnames: b, sse: {type: SSE-S3}}").sse())
                    .isEqualTo(new S3Config.Sse("SSE-S3", null, null));
        }

        @Test
        void sseKmsWithKeyAndEncryptionContextBase64EncodedAsS3WantsIt() {
            S3Config c =
                    read(
                            """
                    aws:
                      bucketnames: b
                      sse:
                        type: SSE-KMS
                        kms_key_id: arn:aws:kms:us-east-1:123456789012:key/abcd
                        kms_encryption_context: '{"team":"observability"}'
                    """);
            assertThat(c.sse().type()).isEqualTo("SSE-KMS");
            assertThat(c.sse().kmsKeyId()).isEqualTo("arn:aws:kms:us-east-1:123456789012:key/abcd");
            assertThat(
                            new String(
                                    Base64.getDecoder().decode(c.sse().kmsEncryptionContext()),
                                    StandardCharsets.UTF_8))
                    .isEqualTo("{\"team\":\"observability\"}");
            assertThat(read("aws: {bucketnames: b, sse: {type: SSE-KMS, kms_key_id: k}}").sse())
                    .isEqualTo(new S3Config.Sse("SSE-KMS", "k", null));
        }

        @Test
        void sseTypeWinsOverSseEncryption() {
            assertThat(
                            read("aws: {bucketnames: b, sse_encryption: true, sse: {type: SSE-KMS, kms_key_id: k}}")
                                    .sse()
                                    .type())
                    .isEqualTo("SSE-KMS");
        }

        @Test
        void invalidSseSettingsAreRejected() {
            assertThatThrownBy(() -> read("aws: {bucketnames: b, sse: {type: SSE-KMS}}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("aws.sse.kms_key_id");
            assertThatThrownBy(() -> read("aws: {bucketnames: b, sse: {type: SSE-C}}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("SSE-C");
            assertThatThrownBy(
                            () -> read("aws: {bucketnames: b, sse: {type: SSE-S3, kms_key_id: k}}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("SSE-KMS only");
            assertThatThrownBy(
                            () ->
                                    read(
                                            "aws: {bucketnames: b, sse: {type: SSE-KMS, kms_key_id: k,"
                                                    + " kms_encryption_context: 'not json'}}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("aws.sse.kms_encryption_context");
        }
    }

    @Nested
    class LokiForms {
        @Test
        void storageConfigAwsWithLokisTopLevelObjectPrefixAndParallelism() {
            S3Config c =
                    read(
                            """
                    aws:
                      bucketnames: loki-chunks
                      region: eu-west-1
                      s3forcepathstyle: false
                    object_prefix: loki/
                    max_parallel_get_chunk: 300
                    boltdb_shipper:
                      shared_store: s3
                    """);
            assertThat(c.objectPrefix()).isEqualTo("loki/");
            assertThat(c.maxParallelGetChunk()).isEqualTo(300);
            assertThat(read("aws: {bucketnames: b}").maxParallelGetChunk())
                    .isEqualTo(S3Config.DEFAULT_MAX_PARALLEL_GET_CHUNK);
            assertThat(read("aws: {bucketnames: b}").objectPrefix()).isEmpty();
        }

        @Test
        void theBlocksOwnObjectPrefixAndParallelismWin() {
            S3Config c =
                    read(
                            """
                    aws: {bucketnames: b, object_prefix: mine/, max_parallel_get_chunk: 1000}
                    object_prefix: loki/
                    max_parallel_get_chunk: 150
                    """);
            assertThat(c.objectPrefix()).isEqualTo("mine/");
            assertThat(c.maxParallelGetChunk()).isEqualTo(1000);
        }

        @Test
        void lokisS3BlockOfCommonStorage() {
            S3Config c =
                    read(
                            """
                    s3:
                      endpoint: minio.loki.svc:9000
                      bucketnames: chunks
                      region: us-east-1
                      access_key_id: loki
                      secret_access_key: supersecret
                      s3forcepathstyle: true
                      insecure: true
                    """);
            assertThat(c.endpoint()).isEqualTo(URI.create("http://minio.loki.svc:9000"));
            assertThat(c.buckets()).containsExactly("chunks");
            assertThat(c.forcePathStyle()).isTrue();
            assertThat(c.accessKeyId()).isEqualTo("loki");
            assertThatThrownBy(() -> read("s3: {bucketnames: b, bucket: c}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("s3.bucket");
        }

        @Test
        void anS3BlockBesideADynamodbOnlyAwsBlockIsFine() {
            S3Config c =
                    read(
                            """
                    aws: {dynamodb: {dynamodb_url: 'dynamodb://us-east-1'}}
                    s3: {bucketnames: chunks, region: us-east-1}
                    """);
            assertThat(c.buckets()).containsExactly("chunks");
        }

        @Test
        void s3SettingsInBothBlocksAreRejected() {
            assertThatThrownBy(
                            () ->
                                    read(
                                            """
                    aws: {bucketnames: a}
                    s3: {bucketnames: b}
                    """))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("both");
        }

        @Test
        void noS3SettingsAtAll() {
            assertThatThrownBy(() -> read("cassandra: {addresses: x}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("aws:");
            assertThatThrownBy(() -> read("s3: 's3://us-east-1/b'"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("aws.s3");
        }
    }

    @Test
    void toStringNeverShowsTheSecrets() {
        S3Config c = read("aws: {s3: 's3://AKID:hunter2@us-east-1/b', session_token: tok3n}");
        assertThat(c.toString()).contains("AKID").doesNotContain("hunter2").doesNotContain("tok3n");
        assertThat(AwsUrl.redact("s3://AKID:hunter2@us-east-1/b"))
                .isEqualTo("s3://<credentials>@us-east-1/b");
    }

    @Test
    void configForToolsAndTests() {
        S3Config c =
                S3Config.of("b", URI.create("http://127.0.0.1:9000"), "us-east-1", "k", "s", true);
        assertThat(c.buckets()).isEqualTo(List.of("b"));
        assertThat(c.withObjectPrefix("p/").objectPrefix()).isEqualTo("p/");
    }
}
