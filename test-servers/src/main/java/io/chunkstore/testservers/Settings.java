package io.chunkstore.testservers;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/** Reads the knobs: system properties first, then environment variables. Package-private. */
final class Settings {
    /** Mode switch: {@code local} (default) or {@code testcontainers}. */
    static final String MODE_PROPERTY = "chunkstore.testservers";

    static final String MODE_ENV = "CHUNKSTORE_TESTSERVERS";

    /** Comma-separated server ids to boot when the JUnit session opens, or {@code all}. */
    static final String PRESTART_PROPERTY = "chunkstore.testservers.prestart";

    /** Base folder for the servers' work folders; default {@code <module>/target/servers}. */
    static final String DIR_PROPERTY = "chunkstore.testservers.dir";

    static final String CASSANDRA_JAVA_HOME_ENV = "CASSANDRA_JAVA_HOME";

    static final String CASSANDRA_ADDRESSES_ENV = "CASSANDRA_TEST_ADDRESSES";
    static final String DYNAMODB_ENDPOINT_ENV = "DYNAMODB_TEST_ENDPOINT";
    static final String BIGTABLE_HOST_ENV = "BIGTABLE_EMULATOR_HOST";
    static final String S3_ENDPOINT_ENV = "S3_TEST_ENDPOINT";

    private static final String RUNTIME_RESOURCE = "runtime.properties";

    private Settings() {}

    /**
     * A system property, else the environment variable of the same name; null when neither is set
     * or blank.
     */
    static String get(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The environment variable that points a server at an existing instance. */
    static String externalVariable(ServerKind kind) {
        return switch (kind) {
            case CASSANDRA -> CASSANDRA_ADDRESSES_ENV;
            case DYNAMODB -> DYNAMODB_ENDPOINT_ENV;
            case BIGTABLE -> BIGTABLE_HOST_ENV;
            case S3 -> S3_ENDPOINT_ENV;
        };
    }

    /** EXTERNAL when the server's variable is set; else TESTCONTAINERS when chosen; else LOCAL. */
    static Mode mode(ServerKind kind) {
        if (get(externalVariable(kind)) != null) {
            return Mode.EXTERNAL;
        }
        String mode = System.getProperty(MODE_PROPERTY);
        if (mode == null || mode.isBlank()) {
            mode = System.getenv(MODE_ENV);
        }
        if (mode == null || mode.isBlank()) {
            return Mode.LOCAL;
        }
        return switch (mode.trim().toLowerCase(Locale.ROOT)) {
            case "local" -> Mode.LOCAL;
            case "testcontainers", "docker" -> Mode.TESTCONTAINERS;
            default ->
                    throw new TestServerException(
                            MODE_PROPERTY
                                    + " (or "
                                    + MODE_ENV
                                    + ") is '"
                                    + mode
                                    + "'; use 'local' (the default) or 'testcontainers'");
        };
    }

    /** The servers named by {@code chunkstore.testservers.prestart}; empty when unset. */
    static Set<ServerKind> prestart() {
        String value = get(PRESTART_PROPERTY);
        Set<ServerKind> kinds = EnumSet.noneOf(ServerKind.class);
        if (value == null || value.equalsIgnoreCase("none")) {
            return kinds;
        }
        if (value.equalsIgnoreCase("all")) {
            return EnumSet.allOf(ServerKind.class);
        }
        for (String id : value.split(",")) {
            if (!id.isBlank()) {
                kinds.add(ServerKind.fromId(id));
            }
        }
        return kinds;
    }

    /**
     * Where servers put their work folders: the property, else {@code target/servers} of the module
     * under test (surefire sets {@code basedir} and runs in the module folder).
     */
    static Path serversDir() {
        String dir = get(DIR_PROPERTY);
        if (dir != null) {
            return Path.of(dir).toAbsolutePath();
        }
        String base = System.getProperty("basedir", System.getProperty("user.dir"));
        return Path.of(base, "target", "servers").toAbsolutePath();
    }

    /**
     * A path the build wrote into runtime.properties (resource filtering), or the system property
     * of the same name. The file must exist: the runtime modules create it at generate-resources.
     */
    static Path runtimeFile(String key) {
        String override = System.getProperty(key);
        String value = override;
        if (value == null || value.isBlank()) {
            Properties props = new Properties();
            try (InputStream in = Settings.class.getResourceAsStream(RUNTIME_RESOURCE)) {
                if (in == null) {
                    throw new TestServerException(
                            "The test-servers jar has no "
                                    + RUNTIME_RESOURCE
                                    + "; rebuild it through the reactor (mvn -pl <module> -am verify)");
                }
                try (InputStreamReader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                    props.load(reader);
                }
            } catch (IOException e) {
                throw new TestServerException(
                        "Cannot read " + RUNTIME_RESOURCE + " of the test-servers jar", e);
            }
            value = props.getProperty(key);
        }
        if (value == null || value.isBlank() || value.contains("${")) {
            throw new TestServerException(
                    "The test-servers jar does not say where "
                            + key
                            + " is; rebuild it through the"
                            + " reactor (mvn -pl <module> -am verify) or pass -D"
                            + key
                            + "=<path>");
        }
        Path path = Path.of(value);
        if (!Files.isRegularFile(path)) {
            throw new TestServerException(
                    path
                            + " ("
                            + key
                            + ") does not exist; it is written by the test-servers runtime"
                            + " modules at generate-resources: build with -am (mvn -B -pl <your-module> -am verify), or run"
                            + " 'mvn -pl test-servers -am generate-resources' once");
        }
        return path;
    }

    /** The content of a class path file written by dependency:build-classpath. */
    static String classPath(String key) {
        Path file = runtimeFile(key);
        try {
            String cp = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (cp.isEmpty()) {
                throw new TestServerException(
                        file + " (" + key + ") is empty; rebuild the runtime module");
            }
            return cp;
        } catch (IOException e) {
            throw new TestServerException("Cannot read " + file, e);
        }
    }
}
