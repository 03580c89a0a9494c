package io.chunkstore.core.chunk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Finds testdata/golden: the surefire property, else walking up from the working directory. */
final class Golden {
    private Golden() {}

    static Path dir() {
        String prop = System.getProperty("chunkstore.golden.dir");
        if (prop != null && Files.isDirectory(Paths.get(prop))) {
            return Paths.get(prop);
        }
        for (Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
                p != null;
                p = p.getParent()) {
            Path candidate = p.resolve("testdata/golden");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("testdata/golden not found; set -Dchunkstore.golden.dir");
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
