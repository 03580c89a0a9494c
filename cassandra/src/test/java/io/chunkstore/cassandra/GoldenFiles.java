package io.chunkstore.cassandra;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds testdata/golden: the {@code chunkstore.golden.dir} property, else up from the working
 * directory.
 */
final class GoldenFiles {
    private GoldenFiles() {}

    static Path dir() {
        String p = System.getProperty("chunkstore.golden.dir");
        if (p != null && Files.isDirectory(Path.of(p))) {
            return Path.of(p);
        }
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath();
                d != null;
                d = d.getParent()) {
            if (Files.isDirectory(d.resolve("testdata/golden"))) {
                return d.resolve("testdata/golden");
            }
        }
        throw new IllegalStateException("testdata/golden not found; set -Dchunkstore.golden.dir");
    }
}
