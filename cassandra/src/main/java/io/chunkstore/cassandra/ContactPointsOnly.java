package io.chunkstore.cassandra;

import com.datastax.oss.driver.api.core.loadbalancing.NodeDistance;
import com.datastax.oss.driver.api.core.loadbalancing.NodeDistanceEvaluator;
import com.datastax.oss.driver.api.core.metadata.EndPoint;
import com.datastax.oss.driver.api.core.metadata.Node;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code disable_initial_host_lookup}: talk only to the configured addresses, never to peers the
 * cluster reports (for managed services such as Azure Cosmos DB or Amazon Keyspaces whose peer
 * tables do not describe reachable hosts). Nodes outside the contact points are ignored; a null
 * verdict leaves the rest to the load-balancing policy.
 */
final class ContactPointsOnly implements NodeDistanceEvaluator {
    private final Set<InetSocketAddress> allowed = new HashSet<>();

    ContactPointsOnly(List<CassandraConfig.HostAndPort> contactPoints) {
        for (CassandraConfig.HostAndPort hp : contactPoints) {
            try {
                for (InetAddress a : InetAddress.getAllByName(hp.host())) {
                    allowed.add(new InetSocketAddress(a, hp.port()));
                }
            } catch (UnknownHostException e) {
                allowed.add(InetSocketAddress.createUnresolved(hp.host(), hp.port()));
            }
        }
    }

    @Override
    public NodeDistance evaluateDistance(Node node, String localDc) {
        EndPoint ep = node.getEndPoint();
        SocketAddress a = ep.resolve();
        return a instanceof InetSocketAddress isa && allowed.contains(isa)
                ? null
                : NodeDistance.IGNORED;
    }
}
