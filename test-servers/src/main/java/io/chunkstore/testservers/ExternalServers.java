package io.chunkstore.testservers;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Endpoints of already running servers named by environment variables (or system properties).
 * Package-private.
 */
final class ExternalServers {
    static final String CASSANDRA_DATACENTER_ENV = "CASSANDRA_TEST_DATACENTER";

    private ExternalServers() {}

    static Started start(ServerKind kind) {
        String variable = Settings.externalVariable(kind);
        String value = Settings.get(variable);
        Object endpoint =
                switch (kind) {
                    case CASSANDRA -> cassandra(variable, value);
                    case DYNAMODB ->
                            new DynamoDbEndpoint(
                                    url(variable, value), region(), accessKey(), secretKey());
                    case BIGTABLE -> {
                        InetSocketAddress address = hostPort(variable, value, -1);
                        yield new BigtableEndpoint(
                                address.getHostString(),
                                address.getPort(),
                                LocalServers.BIGTABLE_PROJECT,
                                LocalServers.BIGTABLE_INSTANCE);
                    }
                    case S3 ->
                            new S3Endpoint(
                                    url(variable, value), region(), accessKey(), secretKey(), true);
                };
        return new Started(endpoint, null, () -> {});
    }

    private static CassandraEndpoint cassandra(String variable, String value) {
        List<InetSocketAddress> points = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                points.add(hostPort(variable, part.trim(), 9042));
            }
        }
        if (points.isEmpty()) {
            throw new TestServerException(
                    variable + " is '" + value + "'; expected host:port[,host:port]");
        }
        boolean any =
                points.stream().anyMatch(p -> Ports.accepts(p.getHostString(), p.getPort(), 3000));
        if (!any) {
            throw new TestServerException(
                    variable + "=" + value + " but no address accepts TCP connections");
        }
        String dc = Settings.get(CASSANDRA_DATACENTER_ENV);
        return new CassandraEndpoint(points, dc == null ? CassandraServer.DATACENTER : dc);
    }

    /**
     * host:port (port optional when {@code defaultPort} >= 0); the address must accept TCP
     * connections.
     */
    private static InetSocketAddress hostPort(String variable, String value, int defaultPort) {
        int colon = value.lastIndexOf(':');
        String host;
        int port;
        try {
            if (colon < 0) {
                if (defaultPort < 0) {
                    throw new NumberFormatException("no port");
                }
                host = value;
                port = defaultPort;
            } else {
                host = value.substring(0, colon);
                port = Integer.parseInt(value.substring(colon + 1));
            }
        } catch (NumberFormatException e) {
            throw new TestServerException(variable + " is '" + value + "'; expected host:port");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new TestServerException(
                    variable + " names host '" + host + "', which does not resolve");
        }
        // Several Cassandra contact points need only one to answer; the check is in cassandra().
        if (!variable.equals(Settings.CASSANDRA_ADDRESSES_ENV)
                && !Ports.accepts(host, port, 3000)) {
            throw new TestServerException(
                    variable + "=" + value + " but nothing accepts TCP connections there");
        }
        return address;
    }

    private static URI url(String variable, String value) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new TestServerException(
                    variable + " is '" + value + "'; expected a URL such as http://127.0.0.1:8000");
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new TestServerException(
                    variable + " is '" + value + "'; expected a URL such as http://127.0.0.1:8000");
        }
        int port =
                uri.getPort() >= 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
        if (!Ports.accepts(uri.getHost(), port, 3000)) {
            throw new TestServerException(
                    variable + "=" + value + " but nothing accepts TCP connections there");
        }
        return uri;
    }

    private static String region() {
        String region = Settings.get("AWS_REGION");
        return region == null ? LocalServers.REGION : region;
    }

    private static String accessKey() {
        String key = Settings.get("AWS_ACCESS_KEY_ID");
        return key == null ? "chunkstore" : key;
    }

    private static String secretKey() {
        String key = Settings.get("AWS_SECRET_ACCESS_KEY");
        return key == null ? "chunkstore" : key;
    }
}
