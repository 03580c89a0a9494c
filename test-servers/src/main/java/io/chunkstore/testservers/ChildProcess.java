package io.chunkstore.testservers;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A server process that dies with the test JVM, even on SIGKILL: it runs under a small {@code sh}
 * guard that holds the read end of a pipe whose only writer is this JVM (the guard's stdin). When
 * this JVM dies the pipe reaches EOF and the guard kills the server's process group with SIGKILL.
 * SIGTERM to the guard (Process.destroy) does the same at once. Output goes to a log file.
 * Package-private.
 */
final class ChildProcess {
    /**
     * $1.. is the server command; CHUNKSTORE_CHILD_PIDFILE receives the server's pid. setsid
     * (util-linux; skipped where missing) puts the server in its own process group, so processes it
     * spawns are killed with it.
     */
    private static final String GUARD =
            """
      exec 3<&0
      if command -v setsid >/dev/null 2>&1; then
        setsid "$@" </dev/null 3<&- &
      else
        "$@" </dev/null 3<&- &
      fi
      c=$!
      echo $c > "$CHUNKSTORE_CHILD_PIDFILE"
      (read x <&3; kill -9 -$c 2>/dev/null; kill -9 $c 2>/dev/null) &
      w=$!
      trap 'kill -9 -$c 2>/dev/null; kill -9 $c $w 2>/dev/null' TERM
      wait $c
      s=$?
      kill -9 -$c 2>/dev/null
      kill $w 2>/dev/null
      exit $s
      """;

    private final String name;
    private final Process guard;
    private final OutputStream lifeline;
    private final ProcessHandle server;
    private final Path logFile;

    private ChildProcess(String name, Process guard, ProcessHandle server, Path logFile) {
        this.name = name;
        this.guard = guard;
        this.lifeline = guard.getOutputStream();
        this.server = server;
        this.logFile = logFile;
    }

    /**
     * Starts {@code command} in {@code workDir} with output appended to {@code logFile}.
     *
     * @param env extra environment variables
     */
    static ChildProcess start(
            String name,
            List<String> command,
            Path workDir,
            Path logFile,
            Map<String, String> env) {
        Path pidFile = workDir.resolve(name + ".pid");
        Process guard = null;
        try {
            Files.deleteIfExists(pidFile);
            Files.createDirectories(logFile.getParent());
            List<String> full = new ArrayList<>(List.of("sh", "-c", GUARD, "sh"));
            full.addAll(command);
            ProcessBuilder builder =
                    new ProcessBuilder(full)
                            .directory(workDir.toFile())
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(env);
            builder.environment().put("CHUNKSTORE_CHILD_PIDFILE", pidFile.toString());
            guard = builder.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                Optional<Long> pid = readPid(pidFile);
                if (pid.isPresent()) {
                    ProcessHandle server = ProcessHandle.of(pid.get()).orElse(null);
                    if (server == null) {
                        // It already exited; the guard follows within milliseconds.
                        guard.waitFor(5, TimeUnit.SECONDS);
                        throw new TestServerException(
                                name
                                        + " exited at once (exit code "
                                        + (guard.isAlive() ? "unknown" : guard.exitValue())
                                        + "); log "
                                        + logFile
                                        + ":\n"
                                        + tail(logFile, 40));
                    }
                    return new ChildProcess(name, guard, server, logFile);
                }
                if (!guard.isAlive() || System.nanoTime() > deadline) {
                    throw new TestServerException(
                            "Could not launch "
                                    + name
                                    + " through sh (is /bin/sh there?); log "
                                    + logFile
                                    + ":\n"
                                    + tail(logFile, 40));
                }
                Thread.sleep(5);
            }
        } catch (IOException e) {
            abandon(guard);
            throw new TestServerException("Could not launch " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            abandon(guard);
            Thread.currentThread().interrupt();
            throw new TestServerException("Interrupted while launching " + name, e);
        } catch (RuntimeException e) {
            abandon(guard);
            throw e;
        }
    }

    /** Closing the lifeline makes the guard kill the server; then the guard goes too. */
    private static void abandon(Process guard) {
        if (guard != null) {
            try {
                guard.getOutputStream().close();
            } catch (IOException ignored) {
                // already closed
            }
            guard.destroy();
        }
    }

    private static Optional<Long> readPid(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        String text = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(text));
    }

    /** The server's own pid (not the guard's). */
    long pid() {
        return server.pid();
    }

    boolean isAlive() {
        return server.isAlive() && guard.isAlive();
    }

    Path logFile() {
        return logFile;
    }

    /**
     * Polls a TCP connect to 127.0.0.1:port until it is accepted; fails fast with the log tail when
     * the process dies, and after the timeout.
     */
    void awaitPort(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!isAlive()) {
                throw new TestServerException(
                        name
                                + " died before it listened on port "
                                + port
                                + "; log "
                                + logFile
                                + ":\n"
                                + tail(logFile, 60));
            }
            if (Ports.accepts("127.0.0.1", port, 250)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new TestServerException(
                        name
                                + " did not listen on port "
                                + port
                                + " within "
                                + timeout.toSeconds()
                                + " s (killed it); log "
                                + logFile
                                + ":\n"
                                + tail(logFile, 60));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                throw new TestServerException("Interrupted while waiting for " + name, e);
            }
        }
    }

    /**
     * SIGTERM to the server itself (lets it shut down cleanly); SIGKILL if it is still running
     * after {@code grace}.
     */
    void stop(Duration grace) {
        if (server.isAlive()) {
            server.destroy();
            try {
                server.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // fall through to kill
            }
        }
        kill();
    }

    /** SIGKILL to the server, at once. */
    void kill() {
        guard.destroy(); // the guard's TERM trap sends SIGKILL to the server
        try {
            if (!guard.waitFor(10, TimeUnit.SECONDS)) {
                guard.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (server.isAlive()) {
            server.destroyForcibly();
        }
        try {
            server.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // reported by isAlive()
        }
        try {
            lifeline.close();
        } catch (IOException ignored) {
            // the guard is gone
        }
    }

    /** The last lines of a log file, for error messages. */
    static String tail(Path file, int lines) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long start = Math.max(0, length - 32 * 1024);
            byte[] bytes = new byte[(int) (length - start)];
            raf.seek(start);
            raf.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n");
            int from = Math.max(0, all.length - lines);
            return String.join("\n", java.util.Arrays.asList(all).subList(from, all.length));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
