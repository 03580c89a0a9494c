package io.chunkstore.testservers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A single-node Apache Cassandra 5.0 started by this module in a child JVM on JDK 17 (class path
 * from the cassandra-runtime module, so the server is never on a test class path). Data, logs and
 * tmp live in {@code target/servers/cassandra-<pid>/}. It can be stopped and started again on the
 * same ports and data folder, for fault tests; a test that stops it must start it again (in a
 * finally block) before it returns, since the server is shared by every test of the JVM.
 *
 * <p>Get it with {@link TestServers#cassandraServer()}.
 */
public final class CassandraServer {
    /** The datacenter name of the node (SimpleSnitch). */
    public static final String DATACENTER = "datacenter1";

    static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    static final Duration STOP_GRACE = Duration.ofSeconds(60);
    private static final String MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";
    static final String CLASSPATH_KEY = "chunkstore.testservers.cassandra.classpath.file";

    /**
     * System property: {@code true} makes CREATE/DROP/TRUNCATE ~5x faster (~20 ms instead of ~120
     * ms) by not making schema changes durable; then a {@link #kill()} loses the keyspaces and
     * tables created since start. For modules without crash tests only.
     */
    public static final String UNSAFE_SYSTEM_PROPERTY =
            "chunkstore.testservers.cassandra.unsafesystem";

    private final Path workDir;
    private final Path logFile;
    private final String javaLauncher;
    private final String classPath;
    private volatile int nativePort;
    private volatile int storagePort;
    private ChildProcess process;

    private CassandraServer(Path workDir, String java, String classPath) {
        this.workDir = workDir;
        this.logFile = workDir.resolve("cassandra.log");
        this.javaLauncher = java;
        this.classPath = classPath;
    }

    /**
     * Creates the work folder, picks two free ports and starts the node; package-private (use
     * TestServers).
     */
    static CassandraServer launch() {
        String classPath = Settings.classPath(CLASSPATH_KEY);
        String java = java17();
        CassandraServer server =
                new CassandraServer(WorkDirs.create(ServerKind.CASSANDRA), java, classPath);
        for (int attempt = 1; ; attempt++) {
            server.configure(Ports.free(2));
            try {
                server.start();
                return server;
            } catch (TestServerException e) {
                // Another process may have taken a port between the probe and the bind: try once
                // more with new ports.
                if (attempt >= 2
                        || !String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    private void configure(int[] ports) {
        this.nativePort = ports[0];
        this.storagePort = ports[1];
        String w = workDir.toString();
        for (String sub : List.of("data", "commitlog", "saved_caches", "hints", "cdc_raw")) {
            try {
                Files.createDirectories(workDir.resolve(sub));
            } catch (IOException e) {
                throw new TestServerException("Cannot create " + workDir.resolve(sub), e);
            }
        }
        WorkDirs.write(
                workDir.resolve("cassandra.yaml"),
                """
        # Written by chunkstore test-servers: a single node on loopback, tuned to start fast.
        cluster_name: chunkstore-test
        num_tokens: 1
        initial_token: 0
        partitioner: org.apache.cassandra.dht.Murmur3Partitioner
        commitlog_sync: periodic
        commitlog_sync_period: 10000ms
        commitlog_directory: %1$s/commitlog
        data_file_directories: [%1$s/data]
        saved_caches_directory: %1$s/saved_caches
        hints_directory: %1$s/hints
        cdc_raw_directory: %1$s/cdc_raw
        seed_provider:
          - class_name: org.apache.cassandra.locator.SimpleSeedProvider
            parameters: [{seeds: "127.0.0.1:%2$d"}]
        listen_address: 127.0.0.1
        rpc_address: 127.0.0.1
        storage_port: %2$d
        native_transport_port: %3$d
        start_native_transport: true
        endpoint_snitch: SimpleSnitch
        # Tests drop and truncate a lot; snapshots would only fill the disk.
        auto_snapshot: false
        """
                        .formatted(w, storagePort, nativePort));
        WorkDirs.write(
                workDir.resolve("logback.xml"),
                """
        <configuration>
          <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="STDOUT"/></root>
        </configuration>
        """);
        List<String> args =
                new ArrayList<>(
                        List.of(
                                // Small heap, C1 only, serial GC: 5-8 s to start instead of ~20 s
                                // (measured on the 2-core build machines).
                                // Keep -Xms small: as root, Cassandra mlockall()s, so RSS follows
                                // the committed heap.
                                "-Xms256m",
                                "-Xmx512m",
                                "-Xss512k",
                                "-XX:+UseSerialGC",
                                "-XX:TieredStopAtLevel=1",
                                "-XX:-UsePerfData",
                                "-XX:ErrorFile=" + w + "/hs_err_%p.log",
                                "-Djava.io.tmpdir=" + w + "/tmp",
                                "-Djdk.attach.allowAttachSelf=true",
                                "-Dio.netty.tryReflectionSetAccessible=true",
                                "-Dcassandra.config=" + workDir.resolve("cassandra.yaml").toUri(),
                                "-Dlogback.configurationFile=" + workDir.resolve("logback.xml"),
                                "-Dcassandra-foreground=yes",
                                "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                                "-Dcassandra.ring_delay_ms=0",
                                // Off by default: with it, schema changes skip the commit log and
                                // are lost when the node is killed.
                                "-Dcassandra.unsafesystem="
                                        + Boolean.getBoolean(UNSAFE_SYSTEM_PROPERTY),
                                "-Dcassandra.memtable_row_overhead_computation_step=100",
                                "-Dcassandra.superuser_setup_delay_ms=0"));
        // The module flags of Cassandra 5.0's conf/jvm17-server.options.
        for (String export :
                List.of(
                        "java.base/jdk.internal.misc",
                        "java.management.rmi/com.sun.jmx.remote.internal.rmi",
                        "java.rmi/sun.rmi.registry",
                        "java.rmi/sun.rmi.server",
                        "java.sql/java.sql",
                        "java.base/java.lang.ref",
                        "jdk.unsupported/sun.misc",
                        "jdk.compiler/com.sun.tools.javac.file",
                        "jdk.attach/sun.tools.attach")) {
            args.add("--add-exports");
            args.add(export + "=ALL-UNNAMED");
        }
        for (String open :
                List.of(
                        "java.base/java.lang.module",
                        "java.base/jdk.internal.loader",
                        "java.base/jdk.internal.ref",
                        "java.base/jdk.internal.reflect",
                        "java.base/jdk.internal.math",
                        "java.base/jdk.internal.module",
                        "java.base/jdk.internal.util.jar",
                        "jdk.management/com.sun.management.internal",
                        "java.base/sun.nio.ch",
                        "java.base/java.io",
                        "java.base/java.lang.reflect",
                        "jdk.compiler/com.sun.tools.javac",
                        "java.base/java.lang",
                        "java.base/java.util")) {
            args.add("--add-opens");
            args.add(open + "=ALL-UNNAMED");
        }
        args.add("-cp");
        args.add(classPath);
        args.add(MAIN_CLASS);
        WorkDirs.argFile(workDir.resolve("jvm.args"), args);
    }

    /**
     * Picks the JDK 17 to run Cassandra 5.0 on: the test JVM's if it is 17, else
     * CASSANDRA_JAVA_HOME, else Debian's.
     */
    static String java17() {
        if (Runtime.version().feature() == 17) {
            return WorkDirs.currentJava();
        }
        String home = Settings.get(Settings.CASSANDRA_JAVA_HOME_ENV);
        if (home != null) {
            Path java = Path.of(home, "bin", "java");
            if (!Files.isExecutable(java)) {
                throw new TestServerException(
                        Settings.CASSANDRA_JAVA_HOME_ENV + "=" + home + " has no bin/java");
            }
            return java.toString();
        }
        for (String dir :
                List.of(
                        "/usr/lib/jvm/java-17-openjdk-amd64",
                        "/usr/lib/jvm/java-17-openjdk-arm64",
                        "/usr/lib/jvm/java-17-openjdk")) {
            Path java = Path.of(dir, "bin", "java");
            if (Files.isExecutable(java)) {
                return java.toString();
            }
        }
        throw new TestServerException(
                "Cassandra 5.0 needs a JDK 17 (it fails on JDK 24 and later); the tests run on "
                        + Runtime.version()
                        + " and no JDK 17 was found: set "
                        + Settings.CASSANDRA_JAVA_HOME_ENV
                        + " to a JDK 17 home");
    }

    /**
     * Starts the node (again) on the same ports and data folder and waits until CQL clients can
     * connect. No-op when it is running.
     */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        long t0 = System.nanoTime();
        appendMarker("starting");
        process =
                ChildProcess.start(
                        "cassandra",
                        List.of(javaLauncher, "@" + workDir.resolve("jvm.args")),
                        workDir,
                        logFile,
                        Map.of());
        process.awaitPort(nativePort, START_TIMEOUT);
        TestServers.report(
                "cassandra",
                "127.0.0.1:" + nativePort,
                Duration.ofNanos(System.nanoTime() - t0),
                logFile);
    }

    /**
     * Stops the node cleanly (SIGTERM: it drains and flushes, ~7 s), SIGKILL after 60 s. No-op when
     * stopped.
     */
    public synchronized void stop() {
        if (process != null) {
            process.stop(STOP_GRACE);
            appendMarker("stopped");
        }
    }

    /**
     * Kills the node at once (SIGKILL), as a crash would; unflushed writes survive in the commit
     * log.
     */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
            appendMarker("killed");
        }
    }

    /** True when the node's process runs (it may still be starting). */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The contact point (127.0.0.1 and the CQL port), the same across restarts. */
    public CassandraEndpoint endpoint() {
        return new CassandraEndpoint(
                List.of(new InetSocketAddress("127.0.0.1", nativePort)), DATACENTER);
    }

    /** The CQL native-protocol port. */
    public int nativePort() {
        return nativePort;
    }

    /** The internode (storage) port, bound too. */
    public int storagePort() {
        return storagePort;
    }

    /** {@code target/servers/cassandra-<pid>}: cassandra.yaml, jvm.args, data, commitlog, tmp. */
    public Path workDir() {
        return workDir;
    }

    /** The server's log (stdout and stderr, INFO and up). */
    public Path logFile() {
        return logFile;
    }

    private void appendMarker(String what) {
        try {
            Files.writeString(
                    logFile,
                    "----- chunkstore test-servers: cassandra "
                            + what
                            + " at "
                            + Instant.now()
                            + " -----\n",
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // only a marker
        }
    }
}
