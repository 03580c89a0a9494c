package io.chunkstore.core.schema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Finds testdata/golden: the {@code chunkstore.golden.dir} property (set by surefire), else up from
 * user.dir.
 */
final class GoldenFiles {
    private GoldenFiles() {}

    static Path dir() {
        String prop = System.getProperty("chunkstore.golden.dir");
        if (prop != null && Files.isDirectory(Paths.get(prop))) {
            return Paths.get(prop);
        }
        for (Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
                p != null;
                p = p.getParent()) {
            Path candidate = p.resolve("testdata").resolve("golden");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("testdata/golden not found (set -Dchunkstore.golden.dir)");
    }

    static Path file(String name) {
        return dir().resolve(name);
    }
}
