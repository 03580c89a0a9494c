package io.chunkstore.s3;

import io.chunkstore.spi.ConfigException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * Cortex's {@code s3:} URL: {@code s3://key:secret@region/bucket} (key and secret URL-escaped), {@code s3://region/bucket}
 * (credentials from the default chain), or {@code scheme://key:secret@host[:port]/bucket} naming an endpoint: a host
 * with a dot (or a port) is an endpoint, reached over https when the scheme is {@code https} and over http otherwise,
 * with the region from {@code AWS_REGION} (or {@code us-east-1}); a host without one is a region.
 *
 * @param endpoint        the endpoint, or null for the region's AWS endpoint
 * @param region          the region
 * @param accessKeyId     from the user info, or null
 * @param secretAccessKey from the user info, or null
 * @param bucket          the path without its leading slash ("" when absent)
 */
record S3Url(URI endpoint, String region, String accessKeyId, String secretAccessKey, String bucket) {

    @Override
    public String toString() {
        return "S3Url{endpoint=" + endpoint + ", region=" + region + ", accessKeyId=" + accessKeyId
                + ", secretAccessKey=" + (secretAccessKey == null ? "null" : "<secret>") + ", bucket=" + bucket + "}";
    }

    static S3Url parse(String url, String key, UnaryOperator<String> env) {
        int sep = url.indexOf("://");
        if (sep <= 0) {
            throw new ConfigException(key + " must be a URL such as s3://key:secret@region/bucket or"
                    + " s3://region/bucket (" + redact(url) + ")");
        }
        String scheme = url.substring(0, sep);
        if (scheme.equals("inmemory")) {
            throw new ConfigException(key + ": inmemory:// (Cortex's in-process mock) is not supported; use the"
                    + " inmemory store for tests, or point the endpoint at an S3-compatible server");
        }
        String rest = url.substring(sep + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        String id = null;
        String secret = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            id = unescape(colon < 0 ? userInfo : userInfo.substring(0, colon), key);
            secret = colon < 0 ? "" : unescape(userInfo.substring(colon + 1), key);
        }
        if (authority.isEmpty()) {
            throw new ConfigException(key + " has no region or host: " + redact(url));
        }
        String bucket = unescape(path, key);
        while (bucket.endsWith("/")) {
            bucket = bucket.substring(0, bucket.length() - 1);
        }
        if (bucket.contains("/")) {
            throw new ConfigException(key + ": the URL path must be one bucket name, not '" + bucket + "'");
        }
        boolean isEndpoint = authority.contains(".") || authority.contains(":");
        if (isEndpoint) {
            String region = env.apply("AWS_REGION");
            URI endpoint = S3Config.endpointUri((scheme.equals("https") ? "https://" : "http://") + authority, false,
                    key);
            return new S3Url(endpoint, region == null || region.isEmpty() ? S3Config.DEFAULT_ENDPOINT_REGION : region,
                    id, secret, bucket);
        }
        return new S3Url(null, authority, id, secret, bucket);
    }

    /** Percent-decoding as Go's URL user info and path decoding do ({@code +} stays {@code +}). */
    private static String unescape(String s, String key) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%') {
                if (i + 2 >= in.length || Character.digit(in[i + 1], 16) < 0 || Character.digit(in[i + 2], 16) < 0) {
                    throw new ConfigException(key + " has a malformed %-escape");
                }
                out.write(Character.digit(in[i + 1], 16) * 16 + Character.digit(in[i + 2], 16));
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The URL without its user info, for messages. */
    static String redact(String url) {
        int sep = url.indexOf("://");
        int at = url.lastIndexOf('@');
        if (sep >= 0 && at > sep) {
            return url.substring(0, sep + 3) + "<credentials>" + url.substring(at);
        }
        return url;
    }
}
