package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.testservers.RealServer;
import io.chunkstore.testservers.S3Endpoint;
import io.chunkstore.testservers.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code convert blocks} into an S3 bucket (S3Mock, a real S3 server from Maven Central) from a
 * {@code blocks_storage: {backend: s3}} config: the bucket holds Cortex's layout ({@code
 * <tenant>/<ULID>/meta.json, index, chunks/000001} and the progress objects), {@code --verify}
 * reads every block back from S3, and the blocks are byte for byte those a filesystem destination
 * gets (but for the block id in meta.json).
 */
@RealServer
class ConvertS3Test {
    @TempDir Path tmp;

    @Test
    void blocksInS3EqualBlocksInAFolder() throws Exception {
        ConvertFixture f = new ConvertFixture(tmp, 3);
        CliRun toFolder = CliRun.run(f.args());
        assertThat(toFolder.exit()).as(toFolder.toString()).isZero();

        S3Endpoint ep = TestServers.s3();
        String bucket =
                ("blocks-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
        try (S3AsyncClient s3 = client(ep)) {
            s3.createBucket(b -> b.bucket(bucket)).join();
            Path s3Dest =
                    CliRun.write(
                            tmp,
                            "dest-s3.yaml",
                            """
                            blocks_storage:
                              backend: s3
                              s3:
                                endpoint: %s
                                insecure: true
                                bucket_name: %s
                                region: %s
                                access_key_id: %s
                                secret_access_key: %s
                                bucket_lookup_type: path
                            """
                                    .formatted(
                                            ep.endpoint().getAuthority(),
                                            bucket,
                                            ep.region(),
                                            ep.accessKeyId(),
                                            ep.secretAccessKey()));
            String[] args = f.args("--verify", "--output", "json");
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals(f.destConfig.toString())) {
                    args[i] = s3Dest.toString();
                }
            }
            CliRun toS3 = CliRun.run(args);
            assertThat(toS3.exit()).as(toS3.toString()).isZero();
            assertThat(toS3.json().get("converted").asInt()).isEqualTo(6);

            List<String> keys = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2(b -> b.bucket(bucket)).join().contents()) {
                keys.add(o.key());
            }
            assertThat(keys)
                    .allMatch(
                            k ->
                                    k.matches(
                                            "t[12]/(chunkstore-convert/.+|[0-9A-Z]{26}/(meta\\.json|index|chunks/000001))"),
                            "Cortex's blocks layout or a progress object");
            assertThat(keys.stream().filter(k -> k.endsWith("/meta.json"))).hasSize(6);

            // Download the bucket and compare its blocks with the folder's, day by day.
            Path copy = tmp.resolve("from-s3");
            for (String k : keys) {
                ResponseBytes<GetObjectResponse> body =
                        s3.getObject(
                                        b -> b.bucket(bucket).key(k),
                                        AsyncResponseTransformer.toBytes())
                                .join();
                Path p = copy.resolve(k);
                Files.createDirectories(p.getParent());
                Files.write(p, body.asByteArray());
            }
            for (String tenant : ConvertFixture.TENANTS) {
                assertThat(ConvertResumeTest.byDay(copy.resolve(tenant)))
                        .hasSize(3)
                        .isEqualTo(ConvertResumeTest.byDay(f.destDir.resolve(tenant)));
            }

            // A rerun finds every unit done in the bucket.
            CliRun again = CliRun.run(args);
            assertThat(again.exit()).as(again.toString()).isZero();
            assertThat(again.json().get("alreadyDone").asInt()).isEqualTo(6);
        }
    }

    private static S3AsyncClient client(S3Endpoint ep) {
        return S3AsyncClient.builder()
                .endpointOverride(ep.endpoint())
                .region(Region.of(ep.region()))
                .forcePathStyle(ep.pathStyle())
                .credentialsProvider(
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(ep.accessKeyId(), ep.secretAccessKey())))
                .build();
    }
}
