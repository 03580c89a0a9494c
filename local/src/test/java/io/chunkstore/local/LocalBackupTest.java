package io.chunkstore.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.conformance.PageRecorder;
import io.chunkstore.conformance.PageRecorder.Entry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An online backup taken while the store is open and being written: the writer never fails, the
 * backup opens as a store of its own (the restore) with every write acknowledged before the backup
 * started, whole batches only, and chunk files hard-linked; the source is untouched and still
 * writable. A format 1 store is backed up as it is and migrates when the backup is opened.
 */
class LocalBackupTest {
    @TempDir Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static WriteBatch batch(int i) {
        WriteBatch w = new WriteBatch();
        for (int k = 0; k < 10; k++) {
            w.add(i % 2 == 0 ? "even" : "odd", "h", b(i + ":" + k), b("v" + i));
        }
        return w;
    }

    @Test
    void aBackupUnderWritesRestoresEveryWriteAcknowledgedBeforeIt() throws Exception {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("backup");
        Files.createDirectories(data);
        Files.writeString(data.resolve("schema.yaml"), "configs: []\n");
        AtomicInteger acked = new AtomicInteger(-1);
        AtomicBoolean stop = new AtomicBoolean();
        int before;
        try (LocalBackend store = LocalBackend.open(data)) {
            store.tableClient().createTable(TableDesc.named("even"));
            store.tableClient().createTable(TableDesc.named("odd"));
            CompletableFuture<Void> writer =
                    CompletableFuture.runAsync(
                            () -> {
                                for (int i = 0; !stop.get(); i++) {
                                    store.indexClient().batchWrite(batch(i));
                                    store.objectClient().putObject("fake/" + i, b("chunk " + i));
                                    acked.set(i);
                                }
                            });
            while (acked.get() < 200) {
                Thread.sleep(10);
            }
            before = acked.get();
            LocalBackup.Result result = LocalBackup.backup(data, backup);
            int after = acked.get();
            stop.set(true);
            writer.get(30, TimeUnit.SECONDS); // the writer never failed
            assertThat(result.chunkFilesLinked()).isGreaterThan(before);
            assertThat(result.otherFiles()).isEqualTo(1);
            store.indexClient().batchWrite(new WriteBatch().add("even", "h", b("later"), b("v")));

            assertThat(Files.getAttribute(backup.resolve("chunks/fake/0"), "unix:ino"))
                    .as("a hard link")
                    .isEqualTo(Files.getAttribute(data.resolve("chunks/fake/0"), "unix:ino"));
            assertThat(backup.resolve("schema.yaml")).hasContent("configs: []");
            try (LocalBackend restored = LocalBackend.open(backup)) {
                assertThat(restored.tableClient().listTables()).containsExactly("even", "odd");
                Set<String> keys = new HashSet<>();
                for (String t : List.of("even", "odd")) {
                    for (Entry e :
                            PageRecorder.entries(restored.indexClient(), IndexQuery.row(t, "h"))) {
                        keys.add(new String(e.rangeValue(), StandardCharsets.UTF_8));
                    }
                }
                for (int i = 0; i <= after + 1; i++) {
                    int whole = 0;
                    for (int k = 0; k < 10; k++) {
                        whole += keys.contains(i + ":" + k) ? 1 : 0;
                    }
                    assertThat(whole).as("entries of batch %d: all or none", i).isIn(0, 10);
                    if (i <= before) {
                        assertThat(whole)
                                .as("batch %d, acknowledged before the backup", i)
                                .isEqualTo(10);
                        assertThat(restored.objectClient().getObject("fake/" + i))
                                .isEqualTo(b("chunk " + i));
                    }
                }
                assertThat(keys).doesNotContain("later");
            }
        }
        assertThatThrownBy(() -> LocalBackup.backup(data, backup))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("not empty");
    }

    @Test
    void aFormatOneStoreIsBackedUpAsItIsAndMigratesWhenOpened() throws Exception {
        Path fixture = Path.of(getClass().getResource("/format1-store").toURI());
        Path backup = dir.resolve("backup");
        LocalBackup.backup(fixture, backup);
        try (LocalBackend restored = LocalBackend.open(backup)) {
            assertThat(restored.tableClient().listTables())
                    .containsExactly("empty", "index_19000", "index_19001");
            assertThat(
                            PageRecorder.entries(
                                    restored.indexClient(), IndexQuery.row("index_19001", "r")))
                    .hasSize(100);
        }
    }
}
