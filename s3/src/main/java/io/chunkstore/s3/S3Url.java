package io.chunkstore.s3;

import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.support.AwsUrl;
import java.net.URI;
import java.util.function.UnaryOperator;

/**
 * Cortex's {@code s3:} URL: {@code s3://key:secret@region/bucket} (key and secret URL-escaped),
 * {@code s3://region/bucket} (credentials from the default chain), or {@code
 * scheme://key:secret@host[:port]/bucket} naming an endpoint: a host {@link AwsUrl#namesEndpoint()
 * naming an endpoint} is reached over https when the scheme is {@code https} and over http
 * otherwise, with the region from {@code AWS_REGION} (or {@code us-east-1}); any other host is a
 * region. The URL is taken apart by spi's {@link AwsUrl}, as DynamoDB's is.
 *
 * @param endpoint the endpoint, or null for the region's AWS endpoint
 * @param region the region
 * @param accessKeyId from the user info, or null
 * @param secretAccessKey from the user info, or null
 * @param bucket the path without its leading slash ("" when absent)
 */
record S3Url(
        URI endpoint, String region, String accessKeyId, String secretAccessKey, String bucket) {

    @Override
    public String toString() {
        return "S3Url{endpoint="
                + endpoint
                + ", region="
                + region
                + ", accessKeyId="
                + accessKeyId
                + ", secretAccessKey="
                + (secretAccessKey == null ? "null" : "<secret>")
                + ", bucket="
                + bucket
                + "}";
    }

    static S3Url parse(String url, String key, UnaryOperator<String> env) {
        if (url.regionMatches(true, 0, "inmemory:", 0, 9)) {
            throw new ConfigException(
                    key
                            + ": inmemory:// (Cortex's in-process mock) is not supported; use the"
                            + " inmemory store for tests, or point the endpoint at an S3-compatible server");
        }
        AwsUrl u = AwsUrl.parse(url, key);
        String bucket = u.path();
        while (bucket.endsWith("/")) {
            bucket = bucket.substring(0, bucket.length() - 1);
        }
        if (bucket.contains("/")) {
            throw new ConfigException(
                    key + ": the URL path must be one bucket name, not '" + bucket + "'");
        }
        if (u.namesEndpoint()) {
            String region = env.apply("AWS_REGION");
            URI endpoint =
                    S3Config.endpointUri(
                            (u.scheme().equals("https") ? "https://" : "http://") + u.hostAndPort(),
                            false,
                            key);
            return new S3Url(
                    endpoint,
                    region == null || region.isEmpty() ? S3Config.DEFAULT_ENDPOINT_REGION : region,
                    u.accessKeyId(),
                    u.secretAccessKey(),
                    bucket);
        }
        return new S3Url(null, u.host(), u.accessKeyId(), u.secretAccessKey(), bucket);
    }
}
