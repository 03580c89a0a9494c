package io.chunkstore.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.ObjectNotFoundException;
import io.chunkstore.spi.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes, not-found, and deletes of the filesystem object store. */
class FilesystemObjectClientTest {
    @TempDir Path dir;

    /** Fails every write after half of the bytes, as a full disk or an I/O error would. */
    static final class FailingHalfWay extends FilesystemObjectClient {
        FailingHalfWay(Path root) {
            super(root, true);
        }

        @Override
        void writeContent(FileChannel ch, byte[] data) throws IOException {
            ch.write(ByteBuffer.wrap(data, 0, data.length / 2));
            throw new IOException("No space left on device (simulated)");
        }
    }

    private List<Path> allFiles() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aFailedWriteLeavesNoFileAtAllForANewKey() throws IOException {
        FilesystemObjectClient fs = new FailingHalfWay(dir);
        assertThatThrownBy(() -> fs.putObject("user/abc", new byte[1000]))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("user/abc")
                .hasMessageContaining("No space left");
        assertThat(allFiles()).as("no partial object, no temporary file").isEmpty();
        assertThatThrownBy(() -> fs.getObject("user/abc"))
                .isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    void aFailedOverwriteKeepsTheOldObjectWhole() throws IOException {
        byte[] old = new byte[1000];
        Arrays.fill(old, (byte) 'o');
        new FilesystemObjectClient(dir, true).putObject("k", old);
        FilesystemObjectClient failing = new FailingHalfWay(dir);
        assertThatThrownBy(() -> failing.putObject("k", new byte[2000]))
                .isInstanceOf(StorageException.class);
        assertThat(failing.getObject("k")).isEqualTo(old);
        assertThat(allFiles()).containsExactly(dir.resolve("k").toAbsolutePath());
    }

    @Test
    void aWriteOverADirectoryFailsTypedAndLeavesNoTemporaryFile() throws IOException {
        FilesystemObjectClient fs = new FilesystemObjectClient(dir, true);
        fs.putObject("a/b", new byte[] {1});
        assertThatThrownBy(() -> fs.putObject("a", new byte[] {2}))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("writing object a");
        assertThat(allFiles()).containsExactly(dir.resolve("a/b").toAbsolutePath());
        assertThatThrownBy(() -> fs.getObject("a"))
                .as("a directory is not an object")
                .isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> fs.deleteObject("a")).isInstanceOf(ObjectNotFoundException.class);
        assertThat(dir.resolve("a")).isDirectory();
    }

    @Test
    void readersNeverSeeAPartlyWrittenObject() throws Exception {
        FilesystemObjectClient fs = new FilesystemObjectClient(dir, false);
        byte[] a = new byte[256 * 1024];
        byte[] b = new byte[512 * 1024];
        Arrays.fill(a, (byte) 'a');
        Arrays.fill(b, (byte) 'b');
        fs.putObject("x/y", a);
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(
                        pool.submit(
                                () -> {
                                    int reads = 0;
                                    while (!stop.get()) {
                                        byte[] got = fs.getObject("x/y");
                                        if (!Arrays.equals(got, a) && !Arrays.equals(got, b)) {
                                            throw new AssertionError(
                                                    "read a torn object of "
                                                            + got.length
                                                            + " bytes");
                                        }
                                        reads++;
                                    }
                                    return reads;
                                }));
            }
            for (int i = 0; i < 200; i++) {
                fs.putObject("x/y", i % 2 == 0 ? b : a);
            }
            stop.set(true);
            for (Future<Integer> f : readers) {
                assertThat(f.get()).isPositive();
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        try (Stream<Path> s = Files.list(dir.resolve("x"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("y");
        }
    }

    @Test
    void deleteOfAMissingObjectIsTypedAndConcurrentPutsAndDeletesInOneDirectoryAreSafe()
            throws Exception {
        FilesystemObjectClient fs = new FilesystemObjectClient(dir, false);
        assertThatThrownBy(() -> fs.deleteObject("no/such"))
                .isInstanceOf(ObjectNotFoundException.class);
        // Deletes remove emptied directories while puts create them: puts must retry, never fail.
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs2 = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                fs2.add(
                        pool.submit(
                                () -> {
                                    for (int i = 0; i < 1000; i++) {
                                        String key = "shared/deep/k" + id;
                                        fs.putObject(key, new byte[] {(byte) i});
                                        assertThat(fs.getObject(key)).containsExactly((byte) i);
                                        fs.deleteObject(key);
                                    }
                                    return null;
                                }));
            }
            for (Future<?> f : fs2) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(dir.resolve("shared")).doesNotExist();
        assertThat(allFiles()).isEmpty();
    }

    @Test
    void staleTemporaryFilesOfUnfinishedWritesAreRemovedFreshOnesKept() throws Exception {
        FilesystemObjectClient fs = new FilesystemObjectClient(dir, true);
        fs.putObject("a/b", new byte[] {1});
        java.nio.file.Path stale =
                dir.resolve("a").resolve(FilesystemObjectClient.TEMP_PREFIX + "old");
        java.nio.file.Path fresh =
                dir.resolve("a").resolve(FilesystemObjectClient.TEMP_PREFIX + "new");
        java.nio.file.Files.write(stale, new byte[] {2});
        java.nio.file.Files.write(fresh, new byte[] {3});
        java.nio.file.Files.setLastModifiedTime(
                stale,
                java.nio.file.attribute.FileTime.from(
                        java.time.Instant.now().minus(java.time.Duration.ofHours(2))));
        assertThat(fs.removeStaleTemporaryFiles(java.time.Duration.ofHours(1))).isEqualTo(1);
        assertThat(stale).doesNotExist();
        assertThat(fresh).exists();
        assertThat(fs.getObject("a/b")).containsExactly(1);
    }

    @Test
    void aFileIsStoredByCopyAndReadsBackByteForByte(@TempDir Path src) throws IOException {
        byte[] data = new byte[9 * 1024 * 1024 + 7];
        new java.util.Random(3).nextBytes(data);
        Path file = Files.write(src.resolve("segment"), data);
        FilesystemObjectClient fs = new FilesystemObjectClient(dir, true);
        fs.putObject("t/01ABC/chunks/000001", file);
        assertThat(fs.getObject("t/01ABC/chunks/000001")).isEqualTo(data);
        fs.putObject("t/empty", Files.write(src.resolve("empty"), new byte[0]));
        assertThat(fs.getObject("t/empty")).isEmpty();
        assertThatThrownBy(() -> fs.putObject("t/missing", src.resolve("no-such-file")))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("no-such-file")
                .hasMessageContaining("t/missing");
        assertThatThrownBy(() -> fs.getObject("t/missing"))
                .isInstanceOf(ObjectNotFoundException.class);
        try (var files = Files.walk(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith(".")).toList())
                    .as("no temporary file left")
                    .isEmpty();
        }
    }
}
