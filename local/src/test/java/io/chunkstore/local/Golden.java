package io.chunkstore.local;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds testdata/golden: the {@code chunkstore.golden.dir} property, else walking up from the
 * working directory.
 */
final class Golden {
    private Golden() {}

    static Path dir() {
        String p = System.getProperty("chunkstore.golden.dir");
        if (p != null && Files.isDirectory(Path.of(p))) {
            return Path.of(p);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path g = d.resolve("testdata").resolve("golden");
            if (Files.isDirectory(g)) {
                return g;
            }
        }
        throw new IllegalStateException("testdata/golden not found (set -Dchunkstore.golden.dir)");
    }
}
