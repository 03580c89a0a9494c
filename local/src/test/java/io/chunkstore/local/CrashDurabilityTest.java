package io.chunkstore.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.conformance.PageRecorder;
import io.chunkstore.conformance.PageRecorder.Entry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.WriteBatch;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every write acknowledged to a caller survives the process being killed ({@code SIGKILL}) in the
 * middle of writing: a child JVM writes index batches and chunk files and prints each number only
 * after both calls returned; the parent kills it at an arbitrary point, reopens the store and finds
 * every printed number. (An OS crash or power loss cannot be made in a test; with the default
 * {@code sync_writes: true} the WAL and chunk files are fsynced before the call returns, which is
 * what survives those.)
 */
class CrashDurabilityTest {
    @TempDir Path dir;

    /** The child: writes acknowledged entries until killed. Args: data directory, sync_writes. */
    public static void main(String[] args) {
        LocalConfig config =
                LocalConfig.under(Path.of(args[0])).withSyncWrites(Boolean.parseBoolean(args[1]));
        LocalBackend store =
                LocalBackend.open(
                        config,
                        new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                        "crash_");
        store.tableClient().createTable(TableDesc.named("t"));
        System.out.println("ready");
        System.out.flush();
        for (int i = 0; ; i++) {
            WriteBatch b = new WriteBatch();
            for (int k = 0; k < 20; k++) {
                b.add("t", "row" + (i % 10), bytes(i + ":" + k), bytes("v" + i));
            }
            store.indexClient().batchWrite(b);
            store.objectClient().putObject("fake/chunk-" + i, bytes("chunk " + i));
            System.out.println(i);
            System.out.flush();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillNine() throws Exception {
        killAndCheck(true);
    }

    @Test
    void withoutSyncAProcessCrashLosesNothingEither() throws Exception {
        killAndCheck(false);
    }

    private void killAndCheck(boolean sync) throws Exception {
        Path data = dir.resolve("sync-" + sync);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child =
                new ProcessBuilder(
                                java,
                                "-cp",
                                System.getProperty("java.class.path"),
                                CrashDurabilityTest.class.getName(),
                                data.toString(),
                                Boolean.toString(sync))
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        List<Integer> acked = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.equals("ready")) {
                    continue;
                }
                acked.add(Integer.parseInt(line));
                if (acked.size() == 300) {
                    break; // numbers printed after this one are acknowledged too, but need not be
                    // checked
                }
            }
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close; in the middle of the
            // next writes
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).as("killed, not exited").isEqualTo(137);
        assertThat(acked).hasSize(300);
        try (LocalBackend store = LocalBackend.open(data)) {
            List<List<Entry>> rows = new ArrayList<>();
            for (int r = 0; r < 10; r++) {
                rows.add(PageRecorder.entries(store.indexClient(), IndexQuery.row("t", "row" + r)));
            }
            for (int i : acked) {
                for (int k = 0; k < 20; k++) {
                    assertThat(rows.get(i % 10))
                            .as("entry %d:%d", i, k)
                            .contains(new Entry(bytes(i + ":" + k), bytes("v" + i)));
                }
                assertThat(store.objectClient().getObject("fake/chunk-" + i))
                        .isEqualTo(bytes("chunk " + i));
            }
        }
    }
}
