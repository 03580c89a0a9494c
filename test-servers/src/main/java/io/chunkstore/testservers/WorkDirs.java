package io.chunkstore.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Work folders {@code target/servers/<name>-<pid>/} (logs, data, tmp), and removal of those left by
 * test JVMs that are gone. Package-private.
 */
final class WorkDirs {
    private static final Pattern WORK_DIR =
            Pattern.compile("(cassandra|dynamodb|bigtable|s3)-(\\d+)");
    private static volatile boolean cleaned;

    private WorkDirs() {}

    /**
     * Creates (if needed) and returns {@code <serversDir>/<name>-<this pid>} with a {@code tmp}
     * folder inside.
     */
    static Path create(ServerKind kind) {
        Path base = Settings.serversDir();
        removeStaleOnce(base);
        Path dir = base.resolve(kind.id() + "-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(dir.resolve("tmp"));
        } catch (IOException e) {
            throw new TestServerException(
                    "Cannot create the server folder " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    private static void removeStaleOnce(Path base) {
        if (cleaned) {
            return;
        }
        synchronized (WorkDirs.class) {
            if (!cleaned) {
                cleaned = true;
                removeStale(base);
            }
        }
    }

    /**
     * Deletes the {@code <name>-<pid>} work folders under {@code base} whose test JVM no longer
     * runs.
     */
    static void removeStale(Path base) {
        if (!Files.isDirectory(base)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(base)) {
            for (Path dir : dirs.toList()) {
                Matcher m = WORK_DIR.matcher(dir.getFileName().toString());
                if (m.matches() && Files.isDirectory(dir)) {
                    long pid = Long.parseLong(m.group(2));
                    boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                    if (!alive) {
                        deleteTree(dir);
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // Best effort: stale folders only cost disk space.
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Writes a text file, wrapping the IOException. */
    static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new TestServerException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a java {@code @argfile} (one quoted argument per line), so the command line stays
     * short and the exact invocation can be rerun by hand: {@code java @<file>}.
     */
    static Path argFile(Path file, List<String> args) {
        StringBuilder sb = new StringBuilder();
        for (String arg : args) {
            sb.append('"').append(arg.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
        }
        write(file, sb.toString());
        return file;
    }

    /** The java launcher of the JVM running the tests. */
    static String currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
