package io.chunkstore.testservers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Parsing of the knobs, the external mode, the stale-folder clean-up and the listener registration.
 */
class SettingsTest {

    /** Sets a system property for the duration of a block (tests in this JVM run one at a time). */
    private static void withProperty(String name, String value, Runnable body) {
        String old = System.getProperty(name);
        System.setProperty(name, value);
        try {
            body.run();
        } finally {
            if (old == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, old);
            }
        }
    }

    @Test
    void prestartNamesServersByIdOrAll() {
        withProperty(
                Settings.PRESTART_PROPERTY,
                " Cassandra, s3 ",
                () ->
                        assertThat(Settings.prestart())
                                .isEqualTo(EnumSet.of(ServerKind.CASSANDRA, ServerKind.S3)));
        withProperty(
                Settings.PRESTART_PROPERTY,
                "all",
                () -> assertThat(Settings.prestart()).isEqualTo(EnumSet.allOf(ServerKind.class)));
        withProperty(
                Settings.PRESTART_PROPERTY,
                "none",
                () -> assertThat(Settings.prestart()).isEmpty());
        withProperty(
                Settings.PRESTART_PROPERTY,
                "cassandra,mysql",
                () ->
                        assertThatThrownBy(Settings::prestart)
                                .isInstanceOf(TestServerException.class)
                                .hasMessageContaining("mysql")
                                .hasMessageContaining("known: cassandra, dynamodb, bigtable, s3"));
    }

    @Test
    void modeIsLocalByDefaultTestcontainersWhenChosenAndExternalWhenAVariableIsSet() {
        if (System.getenv(Settings.DYNAMODB_ENDPOINT_ENV) == null
                && System.getenv(Settings.MODE_ENV) == null) {
            assertThat(Settings.mode(ServerKind.DYNAMODB)).isEqualTo(Mode.LOCAL);
        }
        withProperty(
                Settings.MODE_PROPERTY,
                "testcontainers",
                () -> {
                    if (System.getenv(Settings.BIGTABLE_HOST_ENV) == null) {
                        assertThat(Settings.mode(ServerKind.BIGTABLE))
                                .isEqualTo(Mode.TESTCONTAINERS);
                    }
                    withProperty(
                            Settings.BIGTABLE_HOST_ENV,
                            "127.0.0.1:1",
                            () ->
                                    assertThat(Settings.mode(ServerKind.BIGTABLE))
                                            .isEqualTo(Mode.EXTERNAL));
                });
        withProperty(
                Settings.MODE_PROPERTY,
                "kubernetes",
                () ->
                        assertThatThrownBy(() -> Settings.mode(ServerKind.S3))
                                .isInstanceOf(TestServerException.class)
                                .hasMessageContaining("'local' (the default) or 'testcontainers'"));
    }

    @Test
    void externalEndpointsComeFromTheVariables() throws Exception {
        try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ServerSocket b = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int pa = a.getLocalPort();
            int pb = b.getLocalPort();
            withProperty(
                    Settings.CASSANDRA_ADDRESSES_ENV,
                    "127.0.0.1:" + pa + ",127.0.0.1:" + pb,
                    () -> {
                        CassandraEndpoint ep =
                                (CassandraEndpoint)
                                        ExternalServers.start(ServerKind.CASSANDRA).endpoint();
                        assertThat(ep.contactPoints())
                                .extracting(p -> p.getPort())
                                .containsExactly(pa, pb);
                        assertThat(ep.localDatacenter()).isEqualTo("datacenter1");
                    });
            withProperty(
                    Settings.BIGTABLE_HOST_ENV,
                    "localhost:" + pa,
                    () -> {
                        BigtableEndpoint ep =
                                (BigtableEndpoint)
                                        ExternalServers.start(ServerKind.BIGTABLE).endpoint();
                        assertThat(ep.hostAndPort()).isEqualTo("localhost:" + pa);
                    });
            withProperty(
                    Settings.DYNAMODB_ENDPOINT_ENV,
                    "http://127.0.0.1:" + pb,
                    () -> {
                        DynamoDbEndpoint ep =
                                (DynamoDbEndpoint)
                                        ExternalServers.start(ServerKind.DYNAMODB).endpoint();
                        assertThat(ep.endpoint().toString()).isEqualTo("http://127.0.0.1:" + pb);
                    });
            withProperty(
                    Settings.S3_ENDPOINT_ENV,
                    "http://127.0.0.1:" + pa,
                    () -> {
                        S3Endpoint ep =
                                (S3Endpoint) ExternalServers.start(ServerKind.S3).endpoint();
                        assertThat(ep.pathStyle()).isTrue();
                        assertThat(ep.endpoint().getPort()).isEqualTo(pa);
                    });
        }
    }

    @Test
    void externalEndpointsThatDoNotAnswerOrDoNotParseAreReported() {
        int closed = Ports.free(1)[0];
        withProperty(
                Settings.CASSANDRA_ADDRESSES_ENV,
                "127.0.0.1:" + closed,
                () ->
                        assertThatThrownBy(() -> ExternalServers.start(ServerKind.CASSANDRA))
                                .isInstanceOf(TestServerException.class)
                                .hasMessageContaining("CASSANDRA_TEST_ADDRESSES"));
        withProperty(
                Settings.S3_ENDPOINT_ENV,
                "not a url",
                () ->
                        assertThatThrownBy(() -> ExternalServers.start(ServerKind.S3))
                                .isInstanceOf(TestServerException.class)
                                .hasMessageContaining("expected a URL"));
        withProperty(
                Settings.BIGTABLE_HOST_ENV,
                "localhost",
                () ->
                        assertThatThrownBy(() -> ExternalServers.start(ServerKind.BIGTABLE))
                                .isInstanceOf(TestServerException.class)
                                .hasMessageContaining("expected host:port"));
    }

    @Test
    void staleWorkFoldersOfDeadJvmsAreRemovedAndLiveOnesKept(@TempDir Path base) throws Exception {
        long dead = ProcessHandle.current().pid() + 4_000_000L; // beyond pid_max, so never alive
        Path stale = Files.createDirectories(base.resolve("cassandra-" + dead).resolve("data"));
        Files.writeString(stale.resolve("x.db"), "x");
        Path live = Files.createDirectories(base.resolve("s3-" + ProcessHandle.current().pid()));
        Path other = Files.createDirectories(base.resolve("notes-" + dead));

        WorkDirs.removeStale(base);

        assertThat(base.resolve("cassandra-" + dead)).doesNotExist();
        assertThat(live).exists();
        assertThat(other).exists();
    }

    @Test
    void theSessionListenerIsRegistered() {
        assertThat(
                        ServiceLoader.load(LauncherSessionListener.class).stream()
                                .map(p -> p.type().getName()))
                .contains(TestServersSessionListener.class.getName());
    }

    @Test
    void theBigtableEmulatorEntryMatchesThisPlatform() {
        assertThat(LocalServers.emulatorEntry())
                .startsWith("gcloud/bigtable-")
                .contains("/cbtemulator");
        if (System.getProperty("os.name").toLowerCase().contains("linux")
                && System.getProperty("os.arch").equals("amd64")) {
            assertThat(LocalServers.emulatorEntry())
                    .isEqualTo(
                            "gcloud/bigtable-linux-x86_64/platform/bigtable-emulator/cbtemulator");
        }
    }
}
