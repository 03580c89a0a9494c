package io.chunkstore.spi.support;

import io.chunkstore.spi.ConfigException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A Cortex AWS storage URL taken apart ({@code dynamodb_url}, the {@code s3} URL): {@code
 * scheme://[key:secret@] region-or-host[:port][/path]}, as Cortex reads them with Go's {@code
 * url.Parse} (Cortex {@code pkg/chunk/aws/dynamodb_storage_client.go} and {@code
 * s3_storage_client.go}). The key and secret are percent-decoded ({@code +} stays {@code +}, as in
 * Go's user info); host names may contain {@code _} (docker-compose services), which {@link
 * java.net.URI} would not take as a host. What a URL means (which schemes a service takes, where
 * its region comes from) stays with the service; the parts, the endpoint-or-region rule and the
 * redaction of secrets in messages are here, once for both.
 *
 * @param scheme lower-cased ({@code dynamodb}, {@code s3}, {@code http}, {@code https}, ...)
 * @param accessKeyId from the user info, or null when there is none
 * @param secretAccessKey from the user info ("" when only a key is given), or null when there is no
 *     user info
 * @param host the region or the endpoint's host; never empty
 * @param port the port, or -1
 * @param path the percent-decoded path without its leading slash, query and fragment ("" when
 *     absent)
 */
public record AwsUrl(
        String scheme,
        String accessKeyId,
        String secretAccessKey,
        String host,
        int port,
        String path) {

    @Override
    public String toString() {
        return "AwsUrl{scheme="
                + scheme
                + ", accessKeyId="
                + accessKeyId
                + ", secretAccessKey="
                + (secretAccessKey == null ? "null" : "<secret>")
                + ", host="
                + host
                + ", port="
                + port
                + ", path="
                + path
                + "}";
    }

    /**
     * @param text the URL
     * @param key the config key it was read from, for messages ({@code aws.dynamodb.dynamodb_url})
     * @throws ConfigException naming the key when it is no URL, names no host, has a bad port or a
     *     bad %-escape; the message never shows the secret
     */
    public static AwsUrl parse(String text, String key) {
        int sep = text.indexOf("://");
        if (sep <= 0) {
            throw new ConfigException(
                    key
                            + " '"
                            + redact(text)
                            + "' is not a URL: it has no scheme"
                            + " (scheme://[key:secret@]region-or-host[:port][/path])");
        }
        if (text.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new ConfigException(
                    key
                            + " '"
                            + redact(text)
                            + "' is not a URL: it contains a space or a control"
                            + " character (percent-encode them, and '/' and '@', in a secret key)");
        }
        String scheme = text.substring(0, sep).toLowerCase(Locale.ROOT);
        String rest = text.substring(sep + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        for (char end : new char[] {'?', '#'}) {
            int i = path.indexOf(end);
            if (i >= 0) {
                path = path.substring(0, i);
            }
        }
        String id = null;
        String secret = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            id = unescape(colon < 0 ? userInfo : userInfo.substring(0, colon), key + " (its key)");
            secret =
                    colon < 0 ? "" : unescape(userInfo.substring(colon + 1), key + " (its secret)");
        }
        String host = authority;
        int port = -1;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && !authority.endsWith("]")) {
            host = authority.substring(0, colon);
            try {
                port = Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new ConfigException(
                        key
                                + " '"
                                + redact(text)
                                + "' has a bad port '"
                                + authority.substring(colon + 1)
                                + "'");
            }
        }
        if (host.isEmpty()) {
            throw new ConfigException(
                    key
                            + " '"
                            + redact(text)
                            + "' names no region or host (such as"
                            + " "
                            + scheme
                            + "://us-east-1 or http://localhost:8000)");
        }
        return new AwsUrl(scheme, id, secret, host, port, unescape(path, key + " (its path)"));
    }

    /**
     * Whether the host is an endpoint to call rather than a region: it has a dot or a port, or is
     * localhost.
     */
    public boolean namesEndpoint() {
        return host.contains(".") || port >= 0 || host.equalsIgnoreCase("localhost");
    }

    /** {@code host[:port]}. */
    public String hostAndPort() {
        return port < 0 ? host : host + ":" + port;
    }

    /** The URL with its user info replaced by {@code <credentials>}, for messages and logs. */
    public static String redact(String url) {
        int sep = url.indexOf("://");
        int at = url.lastIndexOf('@');
        if (sep >= 0 && at > sep) {
            return url.substring(0, sep + 3) + "<credentials>" + url.substring(at);
        }
        return url;
    }

    /** Percent-decoding as Go's URL user info and path decoding do ({@code +} stays {@code +}). */
    private static String unescape(String s, String what) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%') {
                if (i + 2 >= in.length
                        || Character.digit(in[i + 1], 16) < 0
                        || Character.digit(in[i + 2], 16) < 0) {
                    throw new ConfigException(what + " has a malformed %-escape");
                }
                out.write(Character.digit(in[i + 1], 16) * 16 + Character.digit(in[i + 2], 16));
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
