package io.chunkstore.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Where the numbers were measured: CPUs, load, memory, JVM, collector, and the versions of the
 * drivers on the class path (from their Maven {@code pom.properties}).
 */
public record Environment(
        int cpus,
        String cpuModel,
        double loadAverage1m,
        long maxHeapBytes,
        String jvm,
        String gc,
        String os,
        Map<String, String> versions) {

    private static final String[][] LIBRARIES = {
        {"cassandra java-driver-core", "org.apache.cassandra", "java-driver-core"},
        {"aws sdk dynamodb", "software.amazon.awssdk", "dynamodb"},
        {"google-cloud-bigtable", "com.google.cloud", "google-cloud-bigtable"},
        {"rocksdbjni", "org.rocksdb", "rocksdbjni"},
        {"netty (aws sdk)", "software.amazon.awssdk", "netty-nio-client"},
    };

    /** The environment of this JVM now. */
    public static Environment capture() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        Map<String, String> versions = new LinkedHashMap<>();
        for (String[] lib : LIBRARIES) {
            versions.put(lib[0], mavenVersion(lib[1], lib[2]));
        }
        versions.put("grpc-java", io.grpc.internal.GrpcUtil.IMPLEMENTATION_VERSION);
        return new Environment(
                Runtime.getRuntime().availableProcessors(),
                readCpuModel(),
                os.getSystemLoadAverage(),
                Runtime.getRuntime().maxMemory(),
                System.getProperty("java.vm.name")
                        + " "
                        + System.getProperty("java.runtime.version"),
                ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(GarbageCollectorMXBean::getName)
                        .collect(Collectors.joining(", ")),
                os.getName() + " " + os.getVersion() + " " + os.getArch(),
                versions);
    }

    /** The current 1-minute load average (-1 where the OS does not tell). */
    public static double loadNow() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static String mavenVersion(String group, String artifact) {
        String res = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = Environment.class.getResourceAsStream(res)) {
            if (in == null) {
                return "?";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
