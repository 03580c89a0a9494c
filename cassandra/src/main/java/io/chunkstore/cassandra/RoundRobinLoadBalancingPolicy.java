package io.chunkstore.cassandra;

import com.datastax.oss.driver.api.core.context.DriverContext;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.session.Request;
import com.datastax.oss.driver.api.core.session.Session;
import com.datastax.oss.driver.internal.core.loadbalancing.BasicLoadBalancingPolicy;
import com.datastax.oss.driver.internal.core.loadbalancing.helper.InferringLocalDcHelper;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@code host_selection_policy: round-robin} (Cortex's default, gocql's {@code
 * RoundRobinHostPolicy}): every statement goes to the next node of the local datacenter in turn,
 * without regard to which nodes own its partition. The local datacenter is {@code
 * local_datacenter}, or inferred from the contact points when that is empty. Instantiated by the
 * driver by class name.
 */
public class RoundRobinLoadBalancingPolicy extends BasicLoadBalancingPolicy {

    public RoundRobinLoadBalancingPolicy(DriverContext context, String profileName) {
        super(context, profileName);
    }

    @Override
    protected Optional<String> discoverLocalDc(Map<UUID, Node> nodes) {
        return new InferringLocalDcHelper(context, profile, logPrefix).discoverLocalDc(nodes);
    }

    @Override
    protected Set<Node> getReplicas(Request request, Session session) {
        return Set.of();
    }
}
