package io.chunkstore.dist;

import java.nio.file.Path;

/** The repository's top folder (surefire and failsafe set chunkstore.repo.dir; else the parent). */
final class Repo {
    private Repo() {}

    static Path root() {
        String dir = System.getProperty("chunkstore.repo.dir");
        return (dir == null ? Path.of("..") : Path.of(dir)).toAbsolutePath().normalize();
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }
}
