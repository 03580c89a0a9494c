package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.conformance.PageRecorder;
import io.chunkstore.local.LocalBackend;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chunkstore backup} of a data directory held open by a running store, restored by opening
 * the backup.
 */
class BackupCommandTest {
    @TempDir Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void backsUpAnOpenStoreAndTheBackupOpensAsAStore() {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("backup");
        try (LocalBackend running = LocalBackend.open(data)) {
            running.tableClient().createTable(TableDesc.named("index_1"));
            running.indexClient().batchWrite(new WriteBatch().add("index_1", "h", b("r"), b("v")));
            running.objectClient().putObject("fake/c1", b("chunk"));

            CliRun r = CliRun.run("backup", "--data", data.toString(), "--to", backup.toString());
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out()).contains("1 chunk files linked");

            running.indexClient().batchWrite(new WriteBatch().add("index_1", "h", b("r2"), b("v")));
            CliRun again =
                    CliRun.run("backup", "--data", data.toString(), "--to", backup.toString());
            assertThat(again.exit()).as(again.toString()).isEqualTo(ExitCodes.STORAGE);
            assertThat(again.err()).contains("not empty");
        }
        try (LocalBackend restored = LocalBackend.open(backup)) {
            assertThat(PageRecorder.entries(restored.indexClient(), IndexQuery.row("index_1", "h")))
                    .containsExactly(new PageRecorder.Entry(b("r"), b("v")));
            assertThat(restored.objectClient().getObject("fake/c1")).isEqualTo(b("chunk"));
        }
    }
}
