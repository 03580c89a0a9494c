package io.chunkstore.testservers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** S3Mock starts and answers the real AWS SDK v2 S3 client. */
@RealServer
class S3SmokeTest {

    @Test
    void createsABucketPutsAndGetsAnObjectWithTheRealSdk() {
        S3Endpoint ep = TestServers.s3();
        assertThat(ep.pathStyle()).isTrue();
        try (S3Client s3 =
                S3Client.builder()
                        .endpointOverride(ep.endpoint())
                        .region(Region.of(ep.region()))
                        .forcePathStyle(ep.pathStyle())
                        .credentialsProvider(
                                StaticCredentialsProvider.create(
                                        AwsBasicCredentials.create(
                                                ep.accessKeyId(), ep.secretAccessKey())))
                        .build()) {
            s3.createBucket(b -> b.bucket("smoke-chunks"));
            byte[] body = new byte[100 * 1024];
            new Random(42).nextBytes(body);
            s3.putObject(
                    b -> b.bucket("smoke-chunks").key("fake/1234/abc:1:2:3"),
                    RequestBody.fromBytes(body));

            byte[] got =
                    s3.getObjectAsBytes(b -> b.bucket("smoke-chunks").key("fake/1234/abc:1:2:3"))
                            .asByteArray();
            assertThat(got).isEqualTo(body);
            assertThat(s3.listObjectsV2(b -> b.bucket("smoke-chunks").prefix("fake/")).contents())
                    .extracting(S3Object::key)
                    .containsExactly("fake/1234/abc:1:2:3");
        }
    }
}
