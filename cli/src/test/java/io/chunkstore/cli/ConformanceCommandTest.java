package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.WriteBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chunkstore conformance} against the local store and a store that fails on purpose. */
class ConformanceCommandTest {
    @TempDir Path tmp;

    Path localConfig() {
        return CliRun.write(
                tmp,
                "local.yaml",
                """
                schema_config:
                  configs:
                    - from: 2020-01-02
                      store: local
                      object_store: local
                      schema: v11
                      index: {prefix: index_, period: 168h}
                      chunks: {prefix: chunks_, period: 168h}
                storage_config:
                  local: {directory: %s}
                """
                        .formatted(tmp.resolve("store")));
    }

    StorageBackend local() {
        return StorageProviders.open(
                new BackendContext(
                        "local",
                        Map.of("local", Map.of("directory", tmp.resolve("store").toString())),
                        null,
                        null));
    }

    @Test
    void theWholeSuitePassesOnTheLocalStoreAndLeavesNoTable() {
        CliRun r = CliRun.run("conformance", "--config", localConfig().toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out())
                .containsPattern("PASS  IndexContract\\.\\w+")
                .containsPattern("PASS  SeriesStoreContract\\.\\w+")
                .containsPattern(
                        "\\d+ cases: \\d+ passed, 0 failed, \\d+ skipped \\(tables conformance_[0-9a-z]{6}_\\*\\)");
        assertThat(r.err()).contains("store local, tables conformance_");
        try (StorageBackend b = local()) {
            assertThat(b.tableClient().listTables()).isEmpty();
        }
    }

    /**
     * A live store keeps exactly what it held: its tables and their entries, and every chunk file
     * (the run's chunks go too, not only its tables).
     */
    @Test
    void aLiveStoreIsUnchangedAfterARun() throws Exception {
        String key = "fake/1:2:3:4";
        try (StorageBackend b = local()) {
            b.tableClient().createTable(TableDesc.named("index_2900"));
            WriteBatch w = new WriteBatch();
            w.add("index_2900", "fake:d1:up", new byte[] {1}, new byte[] {2});
            b.indexClient().batchWrite(w);
            b.chunkClient()
                    .putChunks(List.of(new EncodedChunk(key, "chunks_2900", new byte[] {7, 8, 9})));
        }
        Map<String, String> before = files(tmp.resolve("store"));

        CliRun r = CliRun.run("conformance", "--config", localConfig().toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).doesNotContain("could not remove");

        try (StorageBackend b = local()) {
            assertThat(b.tableClient().listTables()).containsExactly("index_2900");
        }
        // Chunk files are compared byte for byte; the index's RocksDB files rewrite themselves,
        // so the index is compared by content above and below.
        Map<String, String> after = files(tmp.resolve("store"));
        assertThat(chunkFiles(after)).isEqualTo(chunkFiles(before)).isNotEmpty();
        try (StorageBackend b = local()) {
            AtomicInteger rows = new AtomicInteger();
            b.indexClient()
                    .queryPages(
                            List.of(IndexQuery.row("index_2900", "fake:d1:up")),
                            (q, page) -> {
                                rows.addAndGet(page.size());
                                return true;
                            });
            assertThat(rows).hasValue(1);
            assertThat(b.chunkClient().getChunks(List.of(new ChunkLocation(key, "chunks_2900"))))
                    .hasSize(1);
        }
    }

    private static Map<String, String> chunkFiles(Map<String, String> files) {
        Map<String, String> m = new TreeMap<>();
        files.forEach(
                (k, v) -> {
                    if (!k.startsWith("index/")) {
                        m.put(k, v);
                    }
                });
        return m;
    }

    private static Map<String, String> files(Path root) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(
                        root.relativize(p).toString().replace('\\', '/'),
                        HexFormat.of()
                                .formatHex(
                                        MessageDigest.getInstance("SHA-256")
                                                .digest(Files.readAllBytes(p))));
            }
        }
        return m;
    }

    @Test
    void keepLeavesTheRunsTablesAndJsonReportsEachCase() {
        CliRun r =
                CliRun.run(
                        "conformance",
                        "--config",
                        localConfig().toString(),
                        "--keep",
                        "--cases",
                        "IndexContract\\..*",
                        "--output",
                        "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode j = r.json();
        String prefix = j.get("tablePrefix").asText();
        assertThat(prefix).matches("conformance_[0-9a-z]{6}_");
        assertThat(j.get("failed").asInt()).isZero();
        assertThat(j.get("passed").asInt()).isEqualTo(j.get("cases").size()).isGreaterThan(10);
        assertThat(j.get("cases").findValuesAsText("contract")).containsOnly("IndexContract");
        assertThat(j.get("cases").get(0).get("status").asText()).isEqualTo("passed");
        try (StorageBackend b = local()) {
            assertThat(b.tableClient().listTables())
                    .isNotEmpty()
                    .allMatch(t -> t.startsWith(prefix));
        }
    }

    static String memConfigWithStore(String store) {
        return """
                schema:
                  configs:
                    - from: 2020-01-02
                      store: %s
                      schema: v11
                      index: {prefix: index_, period: 168h}
                      chunks: {prefix: chunks_, period: 168h}
                """
                .formatted(store);
    }

    @Test
    void aFailingStoreExitsWithOneAndNamesTheCases() {
        Path cfg = CliRun.write(tmp, "broken.yaml", memConfigWithStore("mem-nocreate"));
        CliRun r =
                CliRun.run(
                        "conformance", "--config", cfg.toString(), "--cases", "TableContract\\..*");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.out()).containsPattern("FAIL  TableContract\\.\\w+ .*quota exceeded");
        assertThat(r.err()).contains("FAIL TableContract.");

        CliRun none =
                CliRun.run(
                        "conformance", "--config", cfg.toString(), "--cases", "NoSuchContract.*");
        assertThat(none.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).contains("no case matches");
        CliRun unknown =
                CliRun.run("conformance", "--config", cfg.toString(), "--store", "cassandra");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);

        // A store that cannot be opened at all: its own error and exit code, not a failure per
        // case.
        Path noBackend = CliRun.write(tmp, "nobackend.yaml", memConfigWithStore("no-such-store"));
        CliRun cannot = CliRun.run("conformance", "--config", noBackend.toString());
        assertThat(cannot.exit()).as(cannot.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(cannot.err()).contains("no backend for store 'no-such-store'");
        assertThat(cannot.out()).isEmpty();
    }
}
