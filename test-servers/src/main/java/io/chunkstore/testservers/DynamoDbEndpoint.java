package io.chunkstore.testservers;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * How to reach a DynamoDB-compatible server for tests: an HTTP endpoint to override the SDK's with,
 * a region and credentials (dummy ones for DynamoDB Local, which runs with {@code -sharedDb} so any
 * credentials see the same tables).
 */
public record DynamoDbEndpoint(
        URI endpoint, String region, String accessKeyId, String secretAccessKey) {

    /**
     * The server as Cortex's {@code dynamodb_url} names it: {@code http://key:secret@host:port},
     * key and secret percent-encoded, for a config's {@code aws.dynamodb.dynamodb_url}.
     */
    public String dynamodbUrl() {
        return endpoint.getScheme()
                + "://"
                + encode(accessKeyId)
                + ":"
                + encode(secretAccessKey)
                + "@"
                + endpoint.getHost()
                + (endpoint.getPort() >= 0 ? ":" + endpoint.getPort() : "");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
