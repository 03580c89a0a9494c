package io.chunkstore.testservers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard that ties a server's life to the test JVM's, and the process controls built on it. */
class ChildProcessTest {

    @TempDir Path dir;

    @Test
    void theChildDiesWhenTheTestJvmIsKilled() throws Exception {
        String classPath =
                Path.of(
                                ChildProcess.class
                                        .getProtectionDomain()
                                        .getCodeSource()
                                        .getLocation()
                                        .toURI())
                        + java.io.File.pathSeparator
                        + Path.of(
                                GuardHarness.class
                                        .getProtectionDomain()
                                        .getCodeSource()
                                        .getLocation()
                                        .toURI());
        Process jvm =
                new ProcessBuilder(
                                WorkDirs.currentJava(),
                                "-XX:TieredStopAtLevel=1",
                                "-XX:-UsePerfData",
                                "-cp",
                                classPath,
                                GuardHarness.class.getName(),
                                dir.toString())
                        .redirectError(dir.resolve("harness.err").toFile())
                        .start();
        long sleeperPid;
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line)
                    .as("harness output; stderr: %s", Files.readString(dir.resolve("harness.err")))
                    .isNotNull();
            sleeperPid = Long.parseLong(line.trim());
        }
        ProcessHandle sleeper = ProcessHandle.of(sleeperPid).orElseThrow();
        assertThat(sleeper.isAlive()).isTrue();

        jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).isTrue();

        sleeper.onExit().get(10, TimeUnit.SECONDS);
        assertThat(sleeper.isAlive()).isFalse();
    }

    @Test
    void killStopsTheServerAndItsGuard() {
        ChildProcess child =
                ChildProcess.start(
                        "sleeper", List.of("sleep", "300"), dir, dir.resolve("s.log"), Map.of());
        ProcessHandle server = ProcessHandle.of(child.pid()).orElseThrow();
        assertThat(child.isAlive()).isTrue();
        child.kill();
        assertThat(child.isAlive()).isFalse();
        assertThat(server.isAlive()).isFalse();
    }

    @Test
    void killAlsoKillsWhatTheServerSpawned() throws Exception {
        Path grandchildPid = dir.resolve("grandchild.pid");
        ChildProcess child =
                ChildProcess.start(
                        "spawner",
                        List.of("sh", "-c", "sleep 300 & echo $! > " + grandchildPid + "; wait"),
                        dir,
                        dir.resolve("g.log"),
                        Map.of());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(grandchildPid) && Files.size(grandchildPid) > 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        ProcessHandle grandchild =
                ProcessHandle.of(Long.parseLong(Files.readString(grandchildPid).trim()))
                        .orElseThrow();
        child.kill();
        grandchild.onExit().get(10, TimeUnit.SECONDS);
        assertThat(grandchild.isAlive()).isFalse();
    }

    @Test
    void stopSendsSigtermToTheServerItself() throws Exception {
        // The server traps TERM and leaves a mark: proof that stop() lets it shut down by itself.
        Path mark = dir.resolve("terminated");
        ChildProcess child =
                ChildProcess.start(
                        "trapper",
                        List.of(
                                "sh",
                                "-c",
                                "trap 'echo bye > "
                                        + mark
                                        + "; exit 0' TERM; while true; do sleep 0.1; done"),
                        dir,
                        dir.resolve("t.log"),
                        Map.of());
        Thread.sleep(200); // let it install its trap
        child.stop(Duration.ofSeconds(10));
        assertThat(child.isAlive()).isFalse();
        assertThat(mark).hasContent("bye");
    }

    @Test
    void aServerThatExitsAtOnceIsReportedWithItsLog() {
        assertThatThrownBy(
                        () ->
                                ChildProcess.start(
                                                "quitter",
                                                List.of("sh", "-c", "echo no-config-found; exit 2"),
                                                dir,
                                                dir.resolve("q.log"),
                                                Map.of())
                                        .awaitPort(Ports.free(1)[0], Duration.ofSeconds(30)))
                .isInstanceOf(TestServerException.class)
                .hasMessageContaining("quitter")
                .hasMessageContaining("no-config-found");
    }

    @Test
    void awaitPortFailsFastWithTheLogTailWhenTheServerDies() {
        ChildProcess child =
                ChildProcess.start(
                        "crasher",
                        List.of("sh", "-c", "sleep 0.3; echo boom-from-server; exit 3"),
                        dir,
                        dir.resolve("c.log"),
                        Map.of());
        int port = Ports.free(1)[0];
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> child.awaitPort(port, Duration.ofSeconds(60)))
                .isInstanceOf(TestServerException.class)
                .hasMessageContaining("crasher died")
                .hasMessageContaining("boom-from-server");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void awaitPortReturnsOnceThePortAccepts() throws Exception {
        ChildProcess child =
                ChildProcess.start(
                        "sleeper", List.of("sleep", "300"), dir, dir.resolve("s.log"), Map.of());
        try (ServerSocket socket =
                new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            child.awaitPort(socket.getLocalPort(), Duration.ofSeconds(10));
        } finally {
            child.kill();
        }
    }

    @Test
    void theEnvironmentAndWorkingFolderReachTheServer() throws Exception {
        ChildProcess child =
                ChildProcess.start(
                        "printer",
                        List.of("sh", "-c", "echo \"$GREETING from $(pwd)\"; sleep 300"),
                        dir,
                        dir.resolve("p.log"),
                        Map.of("GREETING", "hello"));
        try {
            String expected = "hello from " + dir.toRealPath();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.readString(dir.resolve("p.log")).contains(expected)
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(Files.readString(dir.resolve("p.log"))).contains(expected);
        } finally {
            child.kill();
        }
    }
}
