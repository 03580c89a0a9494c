package io.chunkstore.testservers;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The real servers for tests, each started at most once per test JVM, lazily on first use (or
 * early, in the background, when named in {@code -Dchunkstore.testservers.prestart=cassandra,s3}),
 * and stopped when the JUnit session ends or the JVM exits; child processes also die when the JVM
 * is killed.
 *
 * <p>Where each server comes from ({@link #mode(ServerKind)}):
 *
 * <ul>
 *   <li>{@link Mode#EXTERNAL} when its variable is set: {@code CASSANDRA_TEST_ADDRESSES}
 *       (host:port[,host:port]), {@code DYNAMODB_TEST_ENDPOINT} (URL), {@code
 *       BIGTABLE_EMULATOR_HOST} (host:port), {@code S3_TEST_ENDPOINT} (URL);
 *   <li>{@link Mode#TESTCONTAINERS} when {@code -Dchunkstore.testservers=testcontainers} or {@code
 *       CHUNKSTORE_TESTSERVERS=testcontainers} (needs Docker; untested here);
 *   <li>{@link Mode#LOCAL} otherwise: Cassandra 5.0.9, DynamoDB Local 2.6.1, cbtemulator and S3Mock
 *       5.2.0 as child processes on free loopback ports, with logs, data and tmp in {@code
 *       target/servers/<name>-<pid>/}.
 * </ul>
 *
 * Servers are shared by every test of the JVM: use fresh keyspace, table and bucket names per test
 * class.
 */
public final class TestServers {
    /**
     * Set by surefire's fast lane (the root pom): starting any server then fails, naming {@link
     * RealServer}.
     */
    public static final String REFUSE_PROPERTY = "chunkstore.testservers.refuse";

    private static final Map<ServerKind, CompletableFuture<Started>> STARTS =
            new EnumMap<>(ServerKind.class);
    private static final Map<ServerKind, Thread> STARTERS = new EnumMap<>(ServerKind.class);
    private static final Deque<Started> RUNNING = new ArrayDeque<>();
    private static boolean hookInstalled;

    private TestServers() {}

    /** Cassandra's contact points and local datacenter; starts it on first use (5-8 s locally). */
    public static CassandraEndpoint cassandra() {
        return (CassandraEndpoint) await(ServerKind.CASSANDRA).endpoint();
    }

    /**
     * The local Cassandra node, to stop, kill and start it again on the same ports and data folder
     * (fault tests). Empty in the EXTERNAL and TESTCONTAINERS modes, where such tests should be
     * skipped ({@code assumeTrue(TestServers.cassandraServer().isPresent())}). Starts the node on
     * first use.
     */
    public static Optional<CassandraServer> cassandraServer() {
        return Optional.ofNullable(await(ServerKind.CASSANDRA).cassandra());
    }

    /** DynamoDB's endpoint, region and credentials; starts DynamoDB Local on first use (~1-2 s). */
    public static DynamoDbEndpoint dynamodb() {
        return (DynamoDbEndpoint) await(ServerKind.DYNAMODB).endpoint();
    }

    /**
     * The Bigtable emulator's host, port and the project and instance ids to use; starts it on
     * first use.
     */
    public static BigtableEndpoint bigtable() {
        return (BigtableEndpoint) await(ServerKind.BIGTABLE).endpoint();
    }

    /**
     * The S3 endpoint, region, credentials and path-style flag; starts S3Mock on first use (5-9 s).
     */
    public static S3Endpoint s3() {
        return (S3Endpoint) await(ServerKind.S3).endpoint();
    }

    /** Where the server comes from, given the environment and system properties now. */
    public static Mode mode(ServerKind kind) {
        return Settings.mode(kind);
    }

    /** Begins starting these servers in background threads and returns at once. */
    public static void prestart(Collection<ServerKind> kinds) {
        for (ServerKind kind : kinds) {
            start(kind);
        }
    }

    /** Begins starting these servers in background threads and returns at once. */
    public static void prestart(ServerKind... kinds) {
        prestart(Arrays.asList(kinds));
    }

    /**
     * Pre-starts the servers named in {@code chunkstore.testservers.prestart} (comma-separated ids,
     * or all).
     */
    public static void prestartConfigured() {
        prestart(Settings.prestart());
    }

    /**
     * Stops every server started so far, the last started first, and forgets them (a later call
     * starts anew). Servers still starting are interrupted.
     */
    public static void stopAll() {
        List<CompletableFuture<Started>> pending;
        synchronized (TestServers.class) {
            STARTERS.values().forEach(Thread::interrupt);
            pending = List.copyOf(STARTS.values());
        }
        for (CompletableFuture<Started> start : pending) {
            try {
                start.join();
            } catch (RuntimeException ignored) {
                // it never ran
            }
        }
        synchronized (TestServers.class) {
            while (!RUNNING.isEmpty()) {
                Started started = RUNNING.pop();
                try {
                    started.stopper().run();
                } catch (RuntimeException e) {
                    System.err.println("[test-servers] stopping failed: " + e);
                }
            }
            STARTS.clear();
            STARTERS.clear();
        }
    }

    /**
     * Stops one server (waiting for it to finish starting first), so the next call starts it anew.
     * For tests.
     */
    static void stop(ServerKind kind) {
        CompletableFuture<Started> start;
        synchronized (TestServers.class) {
            start = STARTS.get(kind);
        }
        if (start == null) {
            return;
        }
        Started started;
        try {
            started = start.join();
        } catch (RuntimeException e) {
            started = null;
        }
        synchronized (TestServers.class) {
            STARTS.remove(kind, start);
            if (started != null && RUNNING.remove(started)) {
                started.stopper().run();
            }
        }
    }

    private static Started await(ServerKind kind) {
        try {
            return start(kind).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new TestServerException(
                    kind.id() + " test server is not available: " + cause.getMessage(), cause);
        }
    }

    private static synchronized CompletableFuture<Started> start(ServerKind kind) {
        CompletableFuture<Started> existing = STARTS.get(kind);
        if (existing != null) {
            return existing;
        }
        if (Boolean.getBoolean(REFUSE_PROPERTY)) {
            throw new TestServerException(
                    "no "
                            + kind.id()
                            + " test server in this test JVM ("
                            + REFUSE_PROPERTY
                            + "=true: mvn test is the fast lane): annotate the test class with @"
                            + RealServer.class.getSimpleName()
                            + " so it runs in mvn verify");
        }
        installShutdownHook();
        CompletableFuture<Started> future = new CompletableFuture<>();
        Thread thread =
                new Thread(
                        () -> {
                            try {
                                Started started = launch(kind);
                                synchronized (TestServers.class) {
                                    RUNNING.push(started);
                                    STARTERS.remove(kind);
                                }
                                future.complete(started);
                            } catch (Throwable t) {
                                synchronized (TestServers.class) {
                                    STARTERS.remove(kind);
                                }
                                future.completeExceptionally(t);
                            }
                        },
                        "chunkstore-test-servers-" + kind.id());
        thread.setDaemon(true);
        STARTS.put(kind, future);
        STARTERS.put(kind, thread);
        thread.start();
        return future;
    }

    private static Started launch(ServerKind kind) {
        return switch (Settings.mode(kind)) {
            case EXTERNAL -> ExternalServers.start(kind);
            case TESTCONTAINERS -> Testcontainers.start(kind);
            case LOCAL ->
                    switch (kind) {
                        case CASSANDRA -> {
                            CassandraServer server = CassandraServer.launch();
                            yield new Started(
                                    server.endpoint(),
                                    server,
                                    () -> {
                                        server.kill();
                                        try {
                                            WorkDirs.deleteTree(server.workDir().resolve("tmp"));
                                        } catch (IOException ignored) {
                                            // removed with the stale folders on the next run
                                        }
                                    });
                        }
                        case DYNAMODB -> LocalServers.dynamodb();
                        case BIGTABLE -> LocalServers.bigtable();
                        case S3 -> LocalServers.s3();
                    };
        };
    }

    private static void installShutdownHook() {
        if (!hookInstalled) {
            hookInstalled = true;
            String tmp = System.getProperty("java.io.tmpdir", "");
            if (tmp.equals("/tmp") || tmp.equals("/tmp/") || tmp.equals("/var/tmp")) {
                System.err.println(
                        "[test-servers] warning: java.io.tmpdir is "
                                + tmp
                                + "; the test JVM's native libraries"
                                + " will leak there if it is killed. Keep the root pom's surefire argLine (-Djava.io.tmpdir=target/tmp);"
                                + " add flags through surefire.extraArgLine instead of replacing argLine.");
            }
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(TestServers::stopAll, "chunkstore-test-servers-shutdown"));
        }
    }

    /** One line per started server, in the test's output. */
    static void report(String name, String address, Duration took, Path log) {
        System.err.printf(
                "[test-servers] %s ready at %s in %.1f s (log %s)%n",
                name, address, took.toMillis() / 1000.0, log);
    }

    /**
     * Loads the Testcontainers mode only when it is chosen, with a clear error when the library is
     * missing.
     */
    private static final class Testcontainers {
        static Started start(ServerKind kind) {
            try {
                Class.forName(
                        "org.testcontainers.containers.GenericContainer",
                        false,
                        TestServers.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new TestServerException(
                        "Testcontainers mode is chosen but org.testcontainers:testcontainers is not on"
                                + " the test class path: add it with test scope to this module's pom (version managed in the root pom)",
                        e);
            }
            return ContainerServers.start(kind);
        }
    }
}
