package io.chunkstore.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.ConfigException;
import org.junit.jupiter.api.Test;

class AwsUrlTest {

    @Test
    void aRegionWithCredentialsAndABucket() {
        AwsUrl u =
                AwsUrl.parse(
                        "s3://AKIAEXAMPLE:wJal%2FrXUtn%2BFEMI%40K7@eu-west-1/cortex-chunks",
                        "aws.s3");
        assertThat(u.scheme()).isEqualTo("s3");
        assertThat(u.accessKeyId()).isEqualTo("AKIAEXAMPLE");
        assertThat(u.secretAccessKey()).isEqualTo("wJal/rXUtn+FEMI@K7");
        assertThat(u.host()).isEqualTo("eu-west-1");
        assertThat(u.port()).isEqualTo(-1);
        assertThat(u.path()).isEqualTo("cortex-chunks");
        assertThat(u.namesEndpoint()).isFalse();
        assertThat(u.toString()).doesNotContain("wJal");
    }

    @Test
    void aPlusStaysAPlusAsInGoUserInfo() {
        assertThat(AwsUrl.parse("dynamodb://k:a+b@us-east-1", "x").secretAccessKey())
                .isEqualTo("a+b");
    }

    @Test
    void endpointsAreHostsWithADotAPortOrLocalhost() {
        assertThat(AwsUrl.parse("dynamodb://dynamodb.internal.example", "x").namesEndpoint())
                .isTrue();
        AwsUrl compose = AwsUrl.parse("dynamodb://dynamodb_local:8000", "x");
        assertThat(compose.host()).isEqualTo("dynamodb_local");
        assertThat(compose.port()).isEqualTo(8000);
        assertThat(compose.hostAndPort()).isEqualTo("dynamodb_local:8000");
        assertThat(compose.namesEndpoint()).isTrue();
        assertThat(AwsUrl.parse("s3://localhost/b", "x").namesEndpoint()).isTrue();
        assertThat(AwsUrl.parse("dynamodb://us-east-2/ignored?x=1#y", "x").path())
                .isEqualTo("ignored");
    }

    @Test
    void userInfoWithoutASecretAndNoUserInfo() {
        AwsUrl keyOnly = AwsUrl.parse("s3://key@us-east-1/b", "x");
        assertThat(keyOnly.accessKeyId()).isEqualTo("key");
        assertThat(keyOnly.secretAccessKey()).isEmpty();
        AwsUrl none = AwsUrl.parse("s3://us-east-1/b", "x");
        assertThat(none.accessKeyId()).isNull();
        assertThat(none.secretAccessKey()).isNull();
    }

    @Test
    void badUrlsNameTheKeyAndNeverTheSecret() {
        assertThatThrownBy(() -> AwsUrl.parse("no-scheme", "aws.s3"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("aws.s3")
                .hasMessageContaining("is not a URL");
        assertThatThrownBy(() -> AwsUrl.parse("s3://key:topsecret@/bucket", "aws.s3"))
                .hasMessageContaining("names no region or host")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> AwsUrl.parse("s3://key:top%zzsecret@us-east-1/b", "aws.s3"))
                .hasMessageContaining("%-escape")
                .hasMessageNotContaining("topsecret")
                .hasMessageNotContaining("zz");
        assertThatThrownBy(() -> AwsUrl.parse("dynamodb://key:se cret@us-east-1", "d"))
                .hasMessageContaining("is not a URL")
                .hasMessageNotContaining("se cret");
        assertThatThrownBy(() -> AwsUrl.parse("http://k:s@host:80a", "d"))
                .hasMessageContaining("bad port '80a'")
                .hasMessageNotContaining("k:s");
        assertThat(AwsUrl.redact("s3://AKID:hunter2@us-east-1/b"))
                .isEqualTo("s3://<credentials>@us-east-1/b");
        assertThat(AwsUrl.redact("s3://us-east-1/b")).isEqualTo("s3://us-east-1/b");
    }
}
