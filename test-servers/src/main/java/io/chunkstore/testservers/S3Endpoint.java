package io.chunkstore.testservers;

import java.net.URI;

/**
 * How to reach an S3-compatible server for tests: an HTTP endpoint to override the SDK's with, a
 * region, credentials (any work with S3Mock) and whether path-style addressing ({@code
 * http://host:port/bucket/key}) must be forced, which it must for S3Mock.
 */
public record S3Endpoint(
        URI endpoint,
        String region,
        String accessKeyId,
        String secretAccessKey,
        boolean pathStyle) {}
