package io.chunkstore.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.conformance.PageRecorder;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexWriteException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.StorageFullException;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.WriteBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, made for real: the store lives on a 48 MiB tmpfs mounted for the test (needs root
 * and permission to mount; skipped otherwise, saying why). A ballast file fills the disk; index
 * writes and chunk puts then fail with an error naming the folder, reads keep working, and once the
 * ballast is deleted writes go through again without a restart, and everything written survives
 * reopening.
 */
class DiskFullTest {
    @TempDir Path dir;
    private Path mount;
    private boolean mounted;

    @BeforeEach
    void mountTmpfs() throws Exception {
        mount = dir.resolve("small-disk");
        Files.createDirectories(mount);
        String why = run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mount.toString());
        Assumptions.assumeTrue(
                why == null, () -> "cannot mount a small tmpfs to fill up (needs root): " + why);
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            run("umount", mount.toString());
        }
    }

    /**
     * A full disk is typed ({@link StorageFullException}, itself or as the cause), so the gRPC
     * server answers RESOURCE_EXHAUSTED rather than INTERNAL.
     */
    static void isStorageFull(Throwable e) {
        assertThat(
                        e instanceof StorageFullException
                                || e.getCause() instanceof StorageFullException)
                .as("a StorageFullException: %s", e)
                .isTrue();
    }

    /** Runs a command; null when it succeeded, else its output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : out.isBlank() ? "exit " + p.exitValue() : out.trim();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Fills the disk until at most {@code leave} bytes are free. */
    private static Path ballast(Path disk, long leave) throws IOException {
        Path f = disk.resolve("ballast");
        byte[] block = new byte[64 << 10];
        try (OutputStream out = Files.newOutputStream(f)) {
            while (Files.getFileStore(disk).getUsableSpace() > leave + block.length) {
                out.write(block);
                out.flush();
            }
        }
        return f;
    }

    @Test
    void writesFailNamingTheFolderReadsGoOnAndWritesResumeOnceSpaceIsFreed() throws Exception {
        LocalConfig config =
                LocalConfig.under(mount.resolve("data"))
                        .withMemory(new LocalConfig.Memory(4L << 20, 4L << 20, 64));
        try (LocalBackend store = LocalBackend.open(config, new SimpleMeterRegistry(), "full_")) {
            store.tableClient().createTable(TableDesc.named("t"));
            store.indexClient().batchWrite(new WriteBatch().add("t", "h", b("before"), b("v")));
            store.objectClient().putObject("fake/before", b("chunk"));

            Path ballast = ballast(mount, 1L << 20);
            assertThatThrownBy(
                            () ->
                                    store.indexClient()
                                            .batchWrite(
                                                    new WriteBatch()
                                                            .add("t", "h", b("during"), b("v"))))
                    .isInstanceOf(IndexWriteException.class)
                    .hasMessageContaining(config.indexDirectory().toString())
                    .hasMessageContaining("full")
                    .satisfies(DiskFullTest::isStorageFull);
            assertThatThrownBy(
                            () -> store.objectClient().putObject("fake/during", new byte[2 << 20]))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining(config.chunksDirectory().toString())
                    .hasMessageContaining("full")
                    .satisfies(DiskFullTest::isStorageFull);
            assertThat(store.objectClient().list("fake/", "").objects())
                    .as("no half-written chunk")
                    .hasSize(1);

            assertThat(PageRecorder.entries(store.indexClient(), IndexQuery.row("t", "h")))
                    .hasSize(1);
            assertThat(store.objectClient().getObject("fake/before")).isEqualTo(b("chunk"));

            Files.delete(ballast);
            store.indexClient().batchWrite(new WriteBatch().add("t", "h", b("after"), b("v")));
            store.objectClient().putObject("fake/after", new byte[2 << 20]);
            assertThat(PageRecorder.entries(store.indexClient(), IndexQuery.row("t", "h")))
                    .hasSize(2);
        }
        try (LocalBackend store = LocalBackend.open(config, new SimpleMeterRegistry(), "full_")) {
            assertThat(PageRecorder.entries(store.indexClient(), IndexQuery.row("t", "h")))
                    .hasSize(2);
            assertThat(store.objectClient().getObject("fake/after")).hasSize(2 << 20);
        }
    }
}
