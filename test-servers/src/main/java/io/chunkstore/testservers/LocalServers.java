package io.chunkstore.testservers;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Starts DynamoDB Local, the Bigtable emulator and S3Mock as guarded child processes.
 * Package-private.
 */
final class LocalServers {
    static final String DYNAMODB_CLASSPATH_KEY = "chunkstore.testservers.dynamodb.classpath.file";
    static final String BIGTABLE_CLASSPATH_KEY = "chunkstore.testservers.bigtable.classpath.file";
    static final String S3MOCK_JAR_KEY = "chunkstore.testservers.s3mock.jar";

    static final String REGION = "us-east-1";
    static final String BIGTABLE_PROJECT = "chunkstore-test";
    static final String BIGTABLE_INSTANCE = "chunkstore-test";

    private LocalServers() {}

    /**
     * End of the session: SIGKILL (the data is throwaway; a clean shutdown would only cost seconds
     * per test JVM), then remove what the server unpacked (tmp, the emulator binary). The log stays
     * until the next run.
     */
    static void stop(ChildProcess process, Path dir) {
        process.kill();
        try {
            WorkDirs.deleteTree(dir.resolve("tmp"));
            Files.deleteIfExists(dir.resolve("cbtemulator"));
            Files.deleteIfExists(dir.resolve("cbtemulator.exe"));
        } catch (IOException ignored) {
            // removed with the stale folders on the next run
        }
    }

    /**
     * JVM flags that make small Java servers start fast and leave nothing outside their work
     * folder.
     */
    private static List<String> smallJvm(Path workDir, String heap) {
        return List.of(
                "-Xmx" + heap,
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData",
                "-XX:ErrorFile=" + workDir + "/hs_err_%p.log",
                "-Djava.io.tmpdir=" + workDir.resolve("tmp"));
    }

    /**
     * DynamoDB Local 2.x in a child JVM on the runtime module's class path (its jetty, AWS SDK v1,
     * mockito and log4j stay off the test class path), in memory, telemetry off, one shared
     * database for any credentials. It unpacks libsqlite4java into its own tmp folder.
     */
    static Started dynamodb() {
        String classPath = Settings.classPath(DYNAMODB_CLASSPATH_KEY);
        Path dir = WorkDirs.create(ServerKind.DYNAMODB);
        int port = Ports.free(1)[0];
        List<String> args = new java.util.ArrayList<>(smallJvm(dir, "256m"));
        args.addAll(
                List.of(
                        "-cp",
                        classPath,
                        "com.amazonaws.services.dynamodbv2.local.main.ServerRunner",
                        "-inMemory",
                        "-sharedDb",
                        "-disableTelemetry",
                        "-port",
                        Integer.toString(port)));
        WorkDirs.argFile(dir.resolve("jvm.args"), args);
        Path log = dir.resolve("dynamodb.log");
        long t0 = System.nanoTime();
        ChildProcess process =
                ChildProcess.start(
                        "dynamodb",
                        List.of(WorkDirs.currentJava(), "@" + dir.resolve("jvm.args")),
                        dir,
                        log,
                        Map.of("DDB_LOCAL_TELEMETRY", "0"));
        process.awaitPort(port, Duration.ofSeconds(120));
        TestServers.report(
                "dynamodb", "127.0.0.1:" + port, Duration.ofNanos(System.nanoTime() - t0), log);
        DynamoDbEndpoint endpoint =
                new DynamoDbEndpoint(
                        URI.create("http://127.0.0.1:" + port), REGION, "chunkstore", "chunkstore");
        return new Started(endpoint, null, () -> stop(process, dir));
    }

    /**
     * The cbtemulator executable from google-cloud-bigtable-emulator-core, unpacked into the work
     * folder and run under the guard (EmulatorController would start it without one, so a killed
     * test JVM would leave it running).
     */
    static Started bigtable() {
        Path jar =
                Path.of(
                        Settings.classPath(BIGTABLE_CLASSPATH_KEY)
                                .split(java.io.File.pathSeparator)[0]);
        Path dir = WorkDirs.create(ServerKind.BIGTABLE);
        Path exe = unpackEmulator(jar, dir);
        int port = Ports.free(1)[0];
        Path log = dir.resolve("bigtable.log");
        long t0 = System.nanoTime();
        ChildProcess process =
                ChildProcess.start(
                        "bigtable",
                        List.of(
                                exe.toString(),
                                "-host",
                                "127.0.0.1",
                                "-port",
                                Integer.toString(port)),
                        dir,
                        log,
                        Map.of("TMPDIR", dir.resolve("tmp").toString()));
        process.awaitPort(port, Duration.ofSeconds(60));
        TestServers.report(
                "bigtable", "127.0.0.1:" + port, Duration.ofNanos(System.nanoTime() - t0), log);
        BigtableEndpoint endpoint =
                new BigtableEndpoint("127.0.0.1", port, BIGTABLE_PROJECT, BIGTABLE_INSTANCE);
        return new Started(endpoint, null, () -> stop(process, dir));
    }

    /** The jar entry of the emulator for this platform (the layout EmulatorController uses). */
    static String emulatorEntry() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osPart;
        String suffix = "";
        if (os.contains("mac") || os.contains("darwin")) {
            osPart = "darwin";
        } else if (os.contains("win")) {
            osPart = "windows";
            suffix = ".exe";
        } else if (os.contains("linux")) {
            osPart = "linux";
        } else {
            throw new TestServerException(
                    "No bundled Bigtable emulator for "
                            + os
                            + "; set "
                            + Settings.BIGTABLE_HOST_ENV
                            + " to a running emulator");
        }
        String archPart =
                switch (arch) {
                    case "amd64", "x86_64" -> "x86_64";
                    case "x86", "i386", "i686" -> "x86";
                    case "aarch64", "arm64", "arm" -> "arm";
                    default ->
                            throw new TestServerException(
                                    "No bundled Bigtable emulator for "
                                            + arch
                                            + "; set "
                                            + Settings.BIGTABLE_HOST_ENV
                                            + " to a running emulator");
                };
        return "gcloud/bigtable-"
                + osPart
                + "-"
                + archPart
                + "/platform/bigtable-emulator/cbtemulator"
                + suffix;
    }

    private static Path unpackEmulator(Path jar, Path dir) {
        String entryName = emulatorEntry();
        Path exe = dir.resolve(Path.of(entryName).getFileName().toString());
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(entryName);
            if (entry == null) {
                throw new TestServerException(
                        jar
                                + " has no "
                                + entryName
                                + "; set "
                                + Settings.BIGTABLE_HOST_ENV
                                + " to a running emulator");
            }
            if (!Files.exists(exe) || Files.size(exe) != entry.getSize()) {
                Path part = dir.resolve(exe.getFileName() + ".part");
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(
                        part,
                        exe,
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
            if (!exe.toFile().setExecutable(true, true)) {
                throw new TestServerException("Cannot make " + exe + " executable");
            }
            return exe;
        } catch (IOException e) {
            throw new TestServerException(
                    "Cannot unpack the Bigtable emulator from " + jar + ": " + e.getMessage(), e);
        }
    }

    /**
     * S3Mock's Spring Boot exec jar in a child JVM, data under the work folder. Both the HTTP and
     * the (unused) HTTPS connector and the two vectors ports get free ports, so nothing collides
     * with the defaults 9090/9191/9092/9193.
     */
    static Started s3() {
        Path jar = Settings.runtimeFile(S3MOCK_JAR_KEY);
        Path dir = WorkDirs.create(ServerKind.S3);
        int[] ports = Ports.free(4);
        List<String> args = new java.util.ArrayList<>(smallJvm(dir, "256m"));
        args.addAll(
                List.of(
                        "-jar",
                        jar.toString(),
                        "--http.port=" + ports[0],
                        "--server.port=" + ports[1],
                        "--vectors.http.port=" + ports[2],
                        "--vectors.https.port=" + ports[3],
                        "--com.adobe.testing.s3mock.store.root=" + dir.resolve("data"),
                        "--spring.main.banner-mode=off"));
        WorkDirs.argFile(dir.resolve("jvm.args"), args);
        Path log = dir.resolve("s3.log");
        long t0 = System.nanoTime();
        ChildProcess process =
                ChildProcess.start(
                        "s3",
                        List.of(WorkDirs.currentJava(), "@" + dir.resolve("jvm.args")),
                        dir,
                        log,
                        Map.of());
        process.awaitPort(ports[0], Duration.ofSeconds(120));
        TestServers.report(
                "s3", "127.0.0.1:" + ports[0], Duration.ofNanos(System.nanoTime() - t0), log);
        S3Endpoint endpoint =
                new S3Endpoint(
                        URI.create("http://127.0.0.1:" + ports[0]),
                        REGION,
                        "chunkstore",
                        "chunkstore",
                        true);
        return new Started(endpoint, null, () -> stop(process, dir));
    }
}
