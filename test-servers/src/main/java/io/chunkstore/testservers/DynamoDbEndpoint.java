package io.chunkstore.testservers;

import java.net.URI;

/**
 * How to reach a DynamoDB-compatible server for tests: an HTTP endpoint to override the SDK's with, a region and
 * credentials (dummy ones for DynamoDB Local, which runs with {@code -sharedDb} so any credentials see the same
 * tables).
 */
public record DynamoDbEndpoint(URI endpoint, String region, String accessKeyId, String secretAccessKey) {}
