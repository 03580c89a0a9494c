package io.chunkstore.testservers;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * How to reach a Cassandra cluster for tests: CQL native-protocol contact points and the local
 * datacenter name the driver must be given ({@code datacenter1} for the servers started here).
 *
 * <pre>{@code
 * CqlSession.builder().addContactPoints(ep.contactPoints()).withLocalDatacenter(ep.localDatacenter()).build();
 * }</pre>
 */
public record CassandraEndpoint(List<InetSocketAddress> contactPoints, String localDatacenter) {
    public CassandraEndpoint {
        contactPoints = List.copyOf(contactPoints);
        if (contactPoints.isEmpty()) {
            throw new IllegalArgumentException("at least one contact point is needed");
        }
    }

    /** Host of the first contact point. */
    public String host() {
        return contactPoints.get(0).getHostString();
    }

    /** CQL port of the first contact point. */
    public int port() {
        return contactPoints.get(0).getPort();
    }
}
