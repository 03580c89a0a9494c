package io.chunkstore.cassandra;

import io.chunkstore.conformance.ConformanceSuite;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.testservers.RealServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;

/**
 * The whole shared conformance suite against real Cassandra 5.0 (started by test-servers), with
 * Cortex's default settings except those a one-node test cluster needs (replication factor 1) and a
 * generous timeout for a busy build machine.
 */
@RealServer
class CassandraConformanceTest implements ConformanceSuite {

    @Override
    public StorageBackend openBackend() {
        return CassandraTestSupport.open(
                CassandraTestSupport.freshKeyspace("conformance"),
                Map.of(),
                new SimpleMeterRegistry());
    }
}
