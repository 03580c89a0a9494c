package io.chunkstore.testservers;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The opt-in Testcontainers mode ({@code -Dchunkstore.testservers=testcontainers}): each server in
 * a Docker container.
 *
 * <p><b>Untested here:</b> the build machines have no Docker, so this code is compiled but has
 * never run against a container; only its "no Docker" failure is tested. Testcontainers' Ryuk
 * container removes the containers when the test JVM dies. This class is the only one that touches
 * Testcontainers and loads only in this mode; the module that chooses the mode must have {@code
 * org.testcontainers:testcontainers} (test scope) on its class path. Package-private.
 */
final class ContainerServers {
    static final String CASSANDRA_IMAGE = "cassandra:5.0";
    static final String DYNAMODB_IMAGE = "amazon/dynamodb-local:2.6.1";
    static final String BIGTABLE_IMAGE =
            "gcr.io/google.com/cloudsdktool/google-cloud-cli:emulators";
    static final String S3MOCK_IMAGE = "adobe/s3mock:5.2.0";

    private ContainerServers() {}

    static Started start(ServerKind kind) {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new TestServerException(
                    "Testcontainers mode is chosen ("
                            + Settings.MODE_PROPERTY
                            + " / "
                            + Settings.MODE_ENV
                            + ") but Docker is not available; unset it to start the servers locally, or set "
                            + Settings.externalVariable(kind)
                            + " to use a running "
                            + kind.id()
                            + " server");
        }
        return switch (kind) {
            case CASSANDRA -> cassandra();
            case DYNAMODB -> dynamodb();
            case BIGTABLE -> bigtable();
            case S3 -> s3();
        };
    }

    private static Started cassandra() {
        GenericContainer<?> c =
                new GenericContainer<>(DockerImageName.parse(CASSANDRA_IMAGE))
                        .withExposedPorts(9042)
                        .withEnv("MAX_HEAP_SIZE", "512M")
                        .withEnv("HEAP_NEWSIZE", "128M")
                        .withEnv(
                                "JVM_OPTS",
                                "-Dcassandra.skip_wait_for_gossip_to_settle=0 -Dcassandra.initial_token=0"
                                        + " -Dcassandra.memtable_row_overhead_computation_step=100 -Dcassandra.superuser_setup_delay_ms=0")
                        .waitingFor(
                                Wait.forLogMessage(".*Starting listening for CQL clients.*\\n", 1)
                                        .withStartupTimeout(CassandraServer.START_TIMEOUT));
        c.start();
        CassandraEndpoint endpoint =
                new CassandraEndpoint(
                        List.of(new InetSocketAddress(c.getHost(), c.getMappedPort(9042))),
                        CassandraServer.DATACENTER);
        return new Started(endpoint, null, c::stop);
    }

    private static Started dynamodb() {
        GenericContainer<?> c =
                new GenericContainer<>(DockerImageName.parse(DYNAMODB_IMAGE))
                        .withExposedPorts(8000)
                        .withCommand(
                                "-jar",
                                "DynamoDBLocal.jar",
                                "-inMemory",
                                "-sharedDb",
                                "-disableTelemetry")
                        .waitingFor(
                                Wait.forListeningPort()
                                        .withStartupTimeout(Duration.ofSeconds(120)));
        c.start();
        DynamoDbEndpoint endpoint =
                new DynamoDbEndpoint(
                        URI.create("http://" + c.getHost() + ":" + c.getMappedPort(8000)),
                        LocalServers.REGION,
                        "chunkstore",
                        "chunkstore");
        return new Started(endpoint, null, c::stop);
    }

    private static Started bigtable() {
        GenericContainer<?> c =
                new GenericContainer<>(DockerImageName.parse(BIGTABLE_IMAGE))
                        .withExposedPorts(9000)
                        .withCommand(
                                "/bin/sh",
                                "-c",
                                "gcloud beta emulators bigtable start --host-port 0.0.0.0:9000")
                        .waitingFor(
                                Wait.forLogMessage(".*running.*", 1)
                                        .withStartupTimeout(Duration.ofSeconds(120)));
        c.start();
        BigtableEndpoint endpoint =
                new BigtableEndpoint(
                        c.getHost(),
                        c.getMappedPort(9000),
                        LocalServers.BIGTABLE_PROJECT,
                        LocalServers.BIGTABLE_INSTANCE);
        return new Started(endpoint, null, c::stop);
    }

    private static Started s3() {
        GenericContainer<?> c =
                new GenericContainer<>(DockerImageName.parse(S3MOCK_IMAGE))
                        .withExposedPorts(9090)
                        .waitingFor(
                                Wait.forHttp("/favicon.ico")
                                        .forPort(9090)
                                        .withStartupTimeout(Duration.ofSeconds(120)));
        c.start();
        S3Endpoint endpoint =
                new S3Endpoint(
                        URI.create("http://" + c.getHost() + ":" + c.getMappedPort(9090)),
                        LocalServers.REGION,
                        "chunkstore",
                        "chunkstore",
                        true);
        return new Started(endpoint, null, c::stop);
    }
}
