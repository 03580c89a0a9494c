package io.chunkstore.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.testservers.BigtableEndpoint;
import io.chunkstore.testservers.CassandraEndpoint;
import io.chunkstore.testservers.DynamoDbEndpoint;
import io.chunkstore.testservers.TestServers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The storage block the backend is opened with: read from a config file, or built for a test server
 * or a folder.
 */
final class StorageConfigs {
    /** The keyspace the bench uses on a Cassandra it started. */
    static final String KEYSPACE = "chunkstore_bench";

    private StorageConfigs() {}

    /** A storage block and a line describing the server behind it. */
    record Storage(Map<String, Object> block, String server) {}

    /**
     * Reads the storage block of a YAML file: its {@code storage_config:} (Loki) or {@code
     * storage:} (Cortex) block, or the whole file when it has neither.
     *
     * @throws ConfigException when the file cannot be read or is not a YAML mapping
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> load(Path file) {
        Object tree;
        try {
            tree = new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), Object.class);
        } catch (IOException e) {
            throw new ConfigException(
                    "cannot read the bench config " + file + ": " + e.getMessage(), e);
        }
        if (!(tree instanceof Map<?, ?> map)) {
            throw new ConfigException("the bench config " + file + " is not a YAML mapping");
        }
        for (String key : new String[] {"storage_config", "storage"}) {
            Object block = map.get(key);
            if (block instanceof Map<?, ?> m) {
                return (Map<String, Object>) m;
            }
        }
        return (Map<String, Object>) map;
    }

    /**
     * The storage of the options: the config file's, a test server's, or a local folder under
     * {@code workDir}.
     */
    static Storage resolve(BenchOptions o, Path workDir) {
        if (o.configFile() != null) {
            return new Storage(load(o.configFile()), "as configured in " + o.configFile());
        }
        return switch (o.backend()) {
            case LOCAL ->
                    new Storage(
                            Map.of(
                                    "local",
                                    Map.of("directory", workDir.resolve("local").toString())),
                            "embedded, data in " + workDir.resolve("local"));
            case CASSANDRA -> {
                CassandraEndpoint c = TestServers.cassandra();
                Map<String, Object> block = new LinkedHashMap<>();
                block.put("addresses", c.host());
                block.put("port", c.port());
                block.put("keyspace", KEYSPACE);
                block.put("replication_factor", 1);
                block.put("local_datacenter", c.localDatacenter());
                // The test server is a small child JVM sharing the machine: give requests room for
                // load spikes.
                block.put("timeout", "10s");
                yield new Storage(
                        Map.of("cassandra", block),
                        "Apache Cassandra 5.0.9 started by test-servers at "
                                + c.host()
                                + ":"
                                + c.port()
                                + " (child JVM: -Xmx512m, SerialGC, C1 only; timeout 10s)");
            }
            case DYNAMODB -> {
                DynamoDbEndpoint d = TestServers.dynamodb();
                yield new Storage(
                        Map.of(
                                "aws",
                                Map.of(
                                        "dynamodb",
                                        Map.of("dynamodb_url", d.dynamodbUrl()),
                                        "region",
                                        d.region())),
                        "DynamoDB Local 2.6.1 (in-memory) started by test-servers at "
                                + d.endpoint()
                                + " (child JVM: -Xmx256m, SerialGC, C1 only)");
            }
            case BIGTABLE -> {
                BigtableEndpoint b = TestServers.bigtable();
                yield new Storage(
                        Map.of(
                                "bigtable",
                                Map.of(
                                        "project",
                                        b.projectId(),
                                        "instance",
                                        b.instanceId(),
                                        "emulator_host",
                                        b.hostAndPort())),
                        "Bigtable emulator (cbtemulator, emulator-core 0.220.0) started by test-servers at "
                                + b.hostAndPort());
            }
        };
    }

    /** The named sub-block, or an empty map. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> block(Map<String, Object> storage, String key) {
        Object v = storage.get(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?>)) {
            throw new ConfigException(
                    "storage config key '" + key + "' must be a mapping, not " + v);
        }
        return (Map<String, Object>) v;
    }
}
