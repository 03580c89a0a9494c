package io.chunkstore.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.ConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class DynamoConfigTest {
    private static final UnaryOperator<String> NO_ENV = k -> null;

    private static Map<String, Object> aws(Map<String, Object> dynamodb) {
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("dynamodb", dynamodb);
        return aws;
    }

    private static DynamoConfig parse(String url) {
        return DynamoConfig.fromAwsBlock(aws(Map.of("dynamodb_url", url)), NO_ENV);
    }

    @Test
    void regionUrl() {
        DynamoConfig c = parse("dynamodb://us-west-2");
        assertThat(c.endpoint()).isNull();
        assertThat(c.region()).isEqualTo("us-west-2");
        assertThat(c.accessKeyId()).isNull();
        assertThat(c.secretAccessKey()).isNull();
    }

    @Test
    void staticCredentialsInTheUrl() {
        DynamoConfig c = parse("dynamodb://AKIAEXAMPLE:s3cr%2Ft@eu-central-1");
        assertThat(c.endpoint()).isNull();
        assertThat(c.region()).isEqualTo("eu-central-1");
        assertThat(c.accessKeyId()).isEqualTo("AKIAEXAMPLE");
        assertThat(c.secretAccessKey()).isEqualTo("s3cr/t"); // percent-decoded
    }

    @Test
    void theUrlPathIsIgnored() {
        assertThat(parse("dynamodb://us-east-2/some_table_prefix").region()).isEqualTo("us-east-2");
    }

    @Test
    void hostWithADotIsAnHttpEndpointAsInCortex() {
        DynamoConfig c = parse("dynamodb://key:secret@dynamodb.internal.example:8000");
        assertThat(c.endpoint()).isEqualTo(URI.create("http://dynamodb.internal.example:8000"));
        assertThat(c.region()).isEqualTo("us-east-1");
        assertThat(c.accessKeyId()).isEqualTo("key");
        assertThat(parse("dynamodb://localhost:8000").endpoint())
                .isEqualTo(URI.create("http://localhost:8000"));
        assertThat(parse("dynamodb://127.0.0.1").endpoint())
                .isEqualTo(URI.create("http://127.0.0.1"));
        assertThat(parse("dynamodb://dynamodb_local:8000").endpoint())
                .isEqualTo(URI.create("http://dynamodb_local:8000"));
    }

    @Test
    void httpAndHttpsEndpoints() {
        DynamoConfig c = parse("http://x:y@localhost:8000");
        assertThat(c.endpoint()).isEqualTo(URI.create("http://localhost:8000"));
        assertThat(c.accessKeyId()).isEqualTo("x");
        assertThat(c.secretAccessKey()).isEqualTo("y");
        assertThat(parse("https://dynamodb.eu-west-1.amazonaws.com").endpoint())
                .isEqualTo(URI.create("https://dynamodb.eu-west-1.amazonaws.com"));
    }

    @Test
    void endpointRegionFromConfigThenEnvironmentThenUsEast1() {
        Map<String, Object> withRegion = aws(Map.of("dynamodb_url", "http://localhost:8000"));
        withRegion.put("region", "ap-south-1");
        assertThat(DynamoConfig.fromAwsBlock(withRegion, k -> "eu-west-3").region())
                .isEqualTo("ap-south-1");
        assertThat(
                        DynamoConfig.fromAwsBlock(
                                        aws(Map.of("dynamodb_url", "http://localhost:8000")),
                                        k -> k.equals("AWS_REGION") ? "eu-west-3" : null)
                                .region())
                .isEqualTo("eu-west-3");
        assertThat(parse("http://localhost:8000").region()).isEqualTo(DynamoConfig.DEFAULT_REGION);
    }

    @Test
    void cortexDefaults() {
        DynamoConfig c = parse("dynamodb://us-east-1");
        assertThat(c.apiLimit()).isEqualTo(2.0);
        assertThat(c.throttleLimit()).isEqualTo(10.0);
        assertThat(c.chunkGangSize()).isEqualTo(10);
        assertThat(c.chunkGetMaxParallelism()).isEqualTo(32);
        assertThat(c.backoff().min()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.backoff().max()).isEqualTo(Duration.ofSeconds(50));
        assertThat(c.backoff().maxRetries()).isEqualTo(20);
        assertThat(c.kmsKeyId()).isEmpty();
        assertThat(c.queryParallelism()).isEqualTo(100);
        assertThat(c.writeParallelism()).isEqualTo(8);
        assertThat(c.consistentReads()).isFalse();
        assertThat(c.queryPageLimit()).isEqualTo(10_000);
    }

    @Test
    void everyKey() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("dynamodb_url", "dynamodb://us-east-1");
        d.put("api_limit", 5);
        d.put("throttle_limit", "12.5");
        d.put("chunk_gang_size", 4);
        d.put("chunk_get_max_parallelism", 8);
        d.put(
                "backoff_config",
                Map.of("min_period", "50ms", "max_period", "1m30s", "max_retries", 3));
        d.put("kms_key_id", "arn:aws:kms:us-east-1:111122223333:key/abc");
        d.put(
                "metrics",
                Map.of(
                        "url",
                        "",
                        "target_queue_length",
                        100000,
                        "scale_up_factor",
                        1.3,
                        "ignore_throttle_below",
                        1,
                        "queue_length_query",
                        "q",
                        "write_throttle_query",
                        "q",
                        "write_usage_query",
                        "q",
                        "read_usage_query",
                        "q",
                        "read_error_query",
                        "q"));
        d.put("query_parallelism", 16);
        d.put("write_parallelism", 2);
        d.put("consistent_reads", true);
        d.put("query_page_limit", 0);
        DynamoConfig c = DynamoConfig.fromAwsBlock(aws(d), NO_ENV);
        assertThat(c.apiLimit()).isEqualTo(5.0);
        assertThat(c.throttleLimit()).isEqualTo(12.5);
        assertThat(c.chunkGangSize()).isEqualTo(4);
        assertThat(c.chunkGetMaxParallelism()).isEqualTo(8);
        assertThat(c.backoff().min()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.backoff().max()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.backoff().maxRetries()).isEqualTo(3);
        assertThat(c.kmsKeyId()).isEqualTo("arn:aws:kms:us-east-1:111122223333:key/abc");
        assertThat(c.queryParallelism()).isEqualTo(16);
        assertThat(c.writeParallelism()).isEqualTo(2);
        assertThat(c.consistentReads()).isTrue();
        assertThat(c.queryPageLimit()).isZero();
        assertThat(DynamoConfig.wantsMetricsAutoscaling(aws(d))).isFalse();
        d.put("metrics", Map.of("url", "http://prometheus:9090"));
        assertThat(DynamoConfig.wantsMetricsAutoscaling(aws(d))).isTrue();
    }

    @Test
    void s3KeysOfTheAwsBlockAreLeftToTheS3Backend() {
        Map<String, Object> a = aws(Map.of("dynamodb_url", "dynamodb://us-east-1"));
        a.put("s3", "s3://us-east-1/bucket");
        a.put("bucketnames", "b1,b2");
        a.put("s3forcepathstyle", true);
        a.put("backoff_config", Map.of("min_period", "1s"));
        assertThat(DynamoConfig.fromAwsBlock(a, NO_ENV).region()).isEqualTo("us-east-1");
    }

    @Test
    void unknownKeysAreNamed() {
        assertThatThrownBy(
                        () ->
                                DynamoConfig.fromAwsBlock(
                                        aws(
                                                Map.of(
                                                        "dynamodb_url",
                                                        "dynamodb://us-east-1",
                                                        "chunk_gangsize",
                                                        3)),
                                        NO_ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("aws.dynamodb.chunk_gangsize");
        assertThatThrownBy(
                        () ->
                                DynamoConfig.fromAwsBlock(
                                        aws(
                                                Map.of(
                                                        "dynamodb_url",
                                                        "dynamodb://us-east-1",
                                                        "backoff_config",
                                                        Map.of("min", "1s"))),
                                        NO_ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("aws.dynamodb.backoff_config.min");
        assertThatThrownBy(
                        () ->
                                DynamoConfig.fromAwsBlock(
                                        aws(
                                                Map.of(
                                                        "dynamodb_url",
                                                        "dynamodb://us-east-1",
                                                        "metrics",
                                                        Map.of("urll", "x"))),
                                        NO_ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("aws.dynamodb.metrics.urll");
        Map<String, Object> misplaced = new LinkedHashMap<>();
        misplaced.put("dynamodb_url", "dynamodb://us-east-1");
        assertThatThrownBy(() -> DynamoConfig.fromAwsBlock(misplaced, NO_ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("aws.dynamodb_url belongs in the dynamodb block");
    }

    @Test
    void malformedValuesAreNamed() {
        assertThatThrownBy(() -> DynamoConfig.fromAwsBlock(aws(Map.of()), NO_ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dynamodb_url is required");
        assertThatThrownBy(
                        () ->
                                DynamoConfig.fromAwsBlock(
                                        aws(
                                                Map.of(
                                                        "dynamodb_url",
                                                        "dynamodb://us-east-1",
                                                        "api_limit",
                                                        "fast")),
                                        NO_ENV))
                .hasMessageContaining("aws.dynamodb.api_limit must be a number");
        assertThatThrownBy(
                        () ->
                                DynamoConfig.fromAwsBlock(
                                        aws(
                                                Map.of(
                                                        "dynamodb_url",
                                                        "dynamodb://us-east-1",
                                                        "chunk_gang_size",
                                                        2.5)),
                                        NO_ENV))
                .hasMessageContaining("chunk_gang_size must be a whole number");
        assertThatThrownBy(
                        () ->
                                DynamoConfig.fromAwsBlock(
                                        aws(
                                                Map.of(
                                                        "dynamodb_url",
                                                        "dynamodb://us-east-1",
                                                        "chunk_gang_size",
                                                        0)),
                                        NO_ENV))
                .hasMessageContaining("chunk_gang_size must be at least 1");
        assertThatThrownBy(
                        () ->
                                DynamoConfig.fromAwsBlock(
                                        aws(
                                                Map.of(
                                                        "dynamodb_url",
                                                        "dynamodb://us-east-1",
                                                        "throttle_limit",
                                                        -1)),
                                        NO_ENV))
                .hasMessageContaining("throttle_limit must be a number >= 0");
        assertThatThrownBy(
                        () ->
                                DynamoConfig.fromAwsBlock(
                                        aws(
                                                Map.of(
                                                        "dynamodb_url",
                                                        "dynamodb://us-east-1",
                                                        "backoff_config",
                                                        Map.of("min_period", 100))),
                                        NO_ENV))
                .hasMessageContaining("min_period: 100 has no unit");
        assertThatThrownBy(
                        () ->
                                DynamoConfig.fromAwsBlock(
                                        aws(
                                                Map.of(
                                                        "dynamodb_url",
                                                        "dynamodb://us-east-1",
                                                        "backoff_config",
                                                        Map.of("min_period", "10 s"))),
                                        NO_ENV))
                .hasMessageContaining("aws.dynamodb.backoff_config.min_period")
                .hasMessageContaining("invalid duration");
        assertThatThrownBy(
                        () ->
                                DynamoConfig.fromAwsBlock(
                                        aws(
                                                Map.of(
                                                        "dynamodb_url",
                                                        "dynamodb://us-east-1",
                                                        "backoff_config",
                                                        Map.of(
                                                                "min_period",
                                                                "2s",
                                                                "max_period",
                                                                "1s"))),
                                        NO_ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("backoff_config");
        assertThatThrownBy(
                        () ->
                                DynamoConfig.fromAwsBlock(
                                        aws(
                                                Map.of(
                                                        "dynamodb_url",
                                                        "dynamodb://us-east-1",
                                                        "consistent_reads",
                                                        "yes")),
                                        NO_ENV))
                .hasMessageContaining("consistent_reads must be true or false");
        assertThatThrownBy(
                        () ->
                                DynamoConfig.fromAwsBlock(
                                        Map.of("dynamodb", "dynamodb://us-east-1"), NO_ENV))
                .hasMessageContaining("aws.dynamodb must be a mapping");
    }

    @Test
    void badUrls() {
        assertThatThrownBy(() -> parse("inmemory:///table"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("in-process DynamoDB mock")
                .hasMessageContaining("DynamoDB Local");
        assertThatThrownBy(() -> parse("s3://us-east-1/bucket"))
                .hasMessageContaining("scheme 's3'");
        assertThatThrownBy(() -> parse("dynamodb://"))
                .hasMessageContaining("names no region or host");
        assertThatThrownBy(() -> parse("dynamodb://key:se cret@us-east-1"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not a URL")
                .hasMessageNotContaining("se cret");
    }

    @Test
    void toStringHidesTheSecret() {
        assertThat(parse("dynamodb://AKIAEXAMPLE:topsecret@eu-central-1").toString())
                .contains("AKIAEXAMPLE")
                .doesNotContain("topsecret");
    }
}
