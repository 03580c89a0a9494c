package io.chunkstore.cli;

import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.UnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What {@code chunkstore serve} checks before it touches anything: that its ports are free (so a
 * busy port says "address already in use" and leaves no half-made data directory) and that {@code
 * --data} is, or can be made, a writable directory. And the undo when a start fails on a data
 * directory it made itself.
 */
final class ServePreflight {
    private ServePreflight() {}

    /**
     * Fails when {@code address} cannot be bound now (port 0 always can).
     *
     * @param what the option that gave it, for the message ({@code --listen})
     * @throws UnavailableException naming the address and the reason ("address already in use")
     */
    static void checkFree(InetSocketAddress address, String what) {
        if (address.getPort() == 0) {
            return;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(address);
        } catch (IOException e) {
            boolean bind = e instanceof BindException;
            String reason =
                    bind
                                    && e.getMessage() != null
                                    && e.getMessage().toLowerCase().contains("in use")
                            ? "address already in use"
                            : e.getMessage();
            throw new UnavailableException(
                    "cannot listen on "
                            + address.getHostString()
                            + ":"
                            + address.getPort()
                            + " ("
                            + what
                            + "): "
                            + reason
                            + (bind ? "; stop what holds it or give another " + what : ""),
                    e);
        }
    }

    /**
     * Checks that {@code data} is a directory this process can write, or can be created as one.
     *
     * @throws ConfigException "not a directory" or "permission denied", naming the path
     */
    static void checkDataDirectory(Path data) {
        Path existing = data.toAbsolutePath().normalize();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        if (!Files.isDirectory(existing)) {
            throw new ConfigException(
                    "--data "
                            + data
                            + ": not a directory ("
                            + existing
                            + " is a file); give a directory for the embedded store");
        }
        if (!Files.isWritable(existing)) {
            throw new ConfigException(
                    "--data "
                            + data
                            + ": permission denied ("
                            + existing
                            + " is not writable by this user); give a directory it may write");
        }
    }

    /**
     * The message for an I/O failure preparing the data directory: "permission denied" or "not a
     * directory" when that is what it was.
     */
    static RuntimeException dataDirectoryError(Path data, UncheckedIOException e) {
        IOException cause = e.getCause();
        String reason;
        if (cause instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (cause instanceof NotDirectoryException) {
            reason = "not a directory";
        } else if (cause instanceof FileSystemException fse && fse.getReason() != null) {
            reason = fse.getReason();
        } else {
            return e;
        }
        return new ConfigException(
                "--data " + data + ": " + reason + " (" + cause.getMessage() + ")", e);
    }

    /** Deletes a directory tree this process made; best effort, as cleanup after a failure. */
    static void deleteMadeDirectory(Path dir, RuntimeException failure) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            failure.addSuppressed(e);
        }
    }
}
