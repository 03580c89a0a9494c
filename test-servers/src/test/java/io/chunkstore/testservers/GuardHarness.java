package io.chunkstore.testservers;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A stand-in test JVM for {@link ChildProcessTest}: starts a guarded {@code sleep}, prints its pid,
 * waits.
 */
public final class GuardHarness {
    private GuardHarness() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ChildProcess child =
                ChildProcess.start(
                        "sleeper",
                        List.of("sleep", "300"),
                        dir,
                        dir.resolve("sleeper.log"),
                        Map.of());
        System.out.println(child.pid());
        System.out.flush();
        Thread.sleep(300_000);
    }
}
