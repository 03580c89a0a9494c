package io.chunkstore.testservers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The registry: one server per JVM however many threads ask, in target/servers/<name>-<pid>, gone
 * after stop, and started anew on the next call. Uses the Bigtable emulator, which starts in a
 * fraction of a second.
 */
@RealServer
class LifecycleTest {

    @Test
    void oneServerPerJvmStoppedAndStartedAgainOnDemand() throws Exception {
        if (TestServers.mode(ServerKind.BIGTABLE) != Mode.LOCAL) {
            return; // nothing of ours to stop
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        BigtableEndpoint first;
        try {
            List<Future<BigtableEndpoint>> asks =
                    pool.invokeAll(
                            List.<Callable<BigtableEndpoint>>of(
                                    TestServers::bigtable,
                                    TestServers::bigtable,
                                    TestServers::bigtable,
                                    TestServers::bigtable));
            first = asks.get(0).get();
            for (Future<BigtableEndpoint> ask : asks) {
                assertThat(ask.get()).isSameAs(first);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(Ports.accepts(first.host(), first.port(), 1000)).isTrue();
        Path dir = Settings.serversDir().resolve("bigtable-" + ProcessHandle.current().pid());
        assertThat(dir.resolve("bigtable.log")).exists();
        long serverPid = Long.parseLong(Files.readString(dir.resolve("bigtable.pid")).trim());
        assertThat(ProcessHandle.of(serverPid).map(ProcessHandle::isAlive)).contains(true);

        TestServers.stop(ServerKind.BIGTABLE);
        assertThat(ProcessHandle.of(serverPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Ports.accepts(first.host(), first.port(), 1000)).isFalse();
        assertThat(dir.resolve("tmp")).doesNotExist();

        BigtableEndpoint second = TestServers.bigtable();
        assertThat(second).isNotSameAs(first);
        assertThat(Ports.accepts(second.host(), second.port(), 1000)).isTrue();
    }
}
