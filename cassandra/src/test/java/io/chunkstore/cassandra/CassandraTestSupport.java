package io.chunkstore.cassandra;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.testservers.CassandraEndpoint;
import io.chunkstore.testservers.TestServers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Opens the backend against the test Cassandra (test-servers), each test class in a keyspace of its
 * own.
 */
final class CassandraTestSupport {
    private static final AtomicInteger SEQ = new AtomicInteger();

    private CassandraTestSupport() {}

    /** A keyspace name no other test uses. */
    static String freshKeyspace(String prefix) {
        return (prefix + "_" + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet())
                .toLowerCase(Locale.ROOT);
    }

    /** The {@code cassandra:} block for the test server: one node, so replication factor 1. */
    static Map<String, Object> block(String keyspace, Map<String, Object> extra) {
        CassandraEndpoint ep = TestServers.cassandra();
        Map<String, Object> m = new HashMap<>();
        m.put(
                "addresses",
                ep.contactPoints().stream()
                        .map(a -> a.getHostString() + ":" + a.getPort())
                        .collect(Collectors.joining(",")));
        m.put("keyspace", keyspace);
        m.put("replication_factor", 1);
        m.put("local_datacenter", ep.localDatacenter());
        m.put("protocol_version", "V5");
        m.put("timeout", "10s");
        m.putAll(extra);
        return m;
    }

    static CassandraBackend open(
            String keyspace, Map<String, Object> extra, MeterRegistry registry) {
        return (CassandraBackend)
                new CassandraStorageProvider()
                        .open(
                                new BackendContext(
                                        "cassandra",
                                        Map.of("cassandra", block(keyspace, extra)),
                                        registry,
                                        "cortex"));
    }

    static CassandraBackend open(String keyspace) {
        return open(keyspace, Map.of(), new SimpleMeterRegistry());
    }

    /** How many statements of this operation ran (all status codes). */
    static long requests(MeterRegistry registry, String operation) {
        return Search.in(registry)
                .name("cortex_cassandra_request_duration_seconds")
                .tag("operation", operation)
                .timers()
                .stream()
                .mapToLong(t -> t.count())
                .sum();
    }
}
