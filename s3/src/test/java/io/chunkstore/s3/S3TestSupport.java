package io.chunkstore.s3;

import io.chunkstore.testservers.S3Endpoint;
import io.chunkstore.testservers.TestServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3Mock (through test-servers), fresh bucket names, configs pointing at it, and a plain SDK client
 * that knows nothing of this module's naming, to check what actually lands in the buckets.
 */
final class S3TestSupport {
    private S3TestSupport() {}

    static S3Endpoint endpoint() {
        return TestServers.s3();
    }

    /** A bucket name no other test uses (S3Mock is shared by the whole test JVM). */
    static String freshBucket(String hint) {
        return (hint + "-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    }

    /** A config for S3Mock with these (already created) buckets. */
    static S3Config config(String... buckets) {
        S3Endpoint ep = endpoint();
        return S3Config.of(
                        buckets[0],
                        ep.endpoint(),
                        ep.region(),
                        ep.accessKeyId(),
                        ep.secretAccessKey(),
                        ep.pathStyle())
                .withBuckets(List.of(buckets));
    }

    /** The plain SDK client: no prefix, no sharding, no retries of ours. */
    static S3AsyncClient plainClient() {
        S3Endpoint ep = endpoint();
        return S3AsyncClient.builder()
                .endpointOverride(ep.endpoint())
                .region(Region.of(ep.region()))
                .forcePathStyle(ep.pathStyle())
                .credentialsProvider(
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(ep.accessKeyId(), ep.secretAccessKey())))
                .build();
    }

    static void createBuckets(S3AsyncClient plain, String... buckets) {
        for (String b : buckets) {
            plain.createBucket(r -> r.bucket(b)).join();
        }
    }

    static byte[] rawGet(S3AsyncClient plain, String bucket, String objectName) {
        return plain.getObject(
                        r -> r.bucket(bucket).key(objectName), AsyncResponseTransformer.toBytes())
                .join()
                .asByteArray();
    }

    static void rawPut(S3AsyncClient plain, String bucket, String objectName, byte[] data) {
        plain.putObject(r -> r.bucket(bucket).key(objectName), AsyncRequestBody.fromBytes(data))
                .join();
    }

    /** Every object name in a bucket. */
    static List<String> rawKeys(S3AsyncClient plain, String bucket) {
        List<String> keys = new ArrayList<>();
        plain.listObjectsV2Paginator(r -> r.bucket(bucket))
                .contents()
                .subscribe(o -> keys.add(o.key()))
                .join();
        return keys;
    }

    static List<String> keys(List<S3Object> objects) {
        return objects.stream().map(S3Object::key).toList();
    }
}
