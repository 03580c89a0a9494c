package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.PeriodClientResolver;
import io.chunkstore.core.store.PeriodClients;
import io.chunkstore.local.LocalBackend;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.LokiChunk;
import io.chunkstore.loki.chunkenc.ChunkFormat;
import io.chunkstore.loki.chunkenc.Codec;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.TableDesc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chunkstore logs query|tail} in-process, end to end on the embedded local store: a Loki
 * config with a v11 and a v12 period, the golden Loki chunk and a second stream written through the
 * series store, a corrupt chunk.
 */
class LogsCommandTest {
    private static final long T0 = 1_700_000_000_000_000_000L;

    @TempDir static Path dir;
    static Path config;
    static String corruptKey;

    @BeforeAll
    static void writeStore() throws IOException {
        config = dir.resolve("loki.yaml");
        Files.writeString(
                config,
                """
                schema_config:
                  configs:
                    - from: 2023-01-01
                      store: local
                      schema: v11
                      index: {prefix: index_, period: 168h}
                      chunks: {prefix: chunks_, period: 168h}
                    - from: 2023-11-14
                      store: local
                      schema: v12
                      index: {prefix: index_, period: 168h}
                      chunks: {prefix: chunks_, period: 168h}
                storage_config:
                  local:
                    directory: %s
                """
                        .formatted(dir.resolve("data")));
        ChunkstoreConfig cfg = ChunkstoreConfig.load(config);
        try (LocalBackend backend = LocalBackend.open(dir.resolve("data"))) {
            for (PeriodConfig p : cfg.schemaConfig().periods()) {
                for (String t : p.index().tablesFor(p.fromMs(), p.fromMs() + 400L * 86_400_000L)) {
                    if (!backend.tableClient().listTables().contains(t)) {
                        backend.tableClient().createTable(TableDesc.named(t));
                    }
                }
            }
            try (CompositeStore store =
                    CompositeStore.builder(cfg.schemaConfig())
                            .clients(
                                    PeriodClientResolver.of(
                                            new PeriodClients(
                                                    backend.indexClient(), backend.chunkClient())))
                            .build()) {
                byte[] golden = Files.readAllBytes(ChunkCommandTest.golden("loki/v3-snappy.bin"));
                Chunk c = ChunkCodec.decodeUnverified(golden);
                store.put(List.of(new ChunkCodec.Encoded(c, golden)));
                assertThat(store.externalKey(c)).startsWith("fake/9a4e037c3b69a04e/");
                List<LogEntry> other = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    other.add(
                            LogEntry.of(
                                    T0 + 500_000_000L + i * 1_000_000_000L, "other error " + i));
                }
                store.put(
                        List.of(
                                LokiChunk.encode(
                                        "fake",
                                        Labels.of("job", "other"),
                                        ChunkFormat.V4,
                                        Codec.GZIP,
                                        1000,
                                        other)));
                ChunkCodec.Encoded bad =
                        LokiChunk.encode(
                                "fake",
                                Labels.of("job", "broken"),
                                ChunkFormat.V3,
                                Codec.NONE,
                                1000,
                                List.of(LogEntry.of(T0, "never seen")));
                store.put(List.of(bad));
                corruptKey = store.externalKey(bad.chunk());
                byte[] flipped = bad.bytes().clone();
                flipped[flipped.length - 30] ^= 1;
                backend.chunkClient()
                        .putChunks(
                                List.of(
                                        new EncodedChunk(
                                                corruptKey,
                                                cfg.schemaConfig()
                                                        .chunkTableFor(bad.chunk().from()),
                                                flipped)));
            }
        }
        assertThat(ChunkRef.parse(corruptKey).userId()).isEqualTo("fake");
    }

    private static ChunkCommandTest.Run run(String... args) {
        return ChunkCommandTest.run(args);
    }

    @Test
    void queryPrintsRawLinesForwardAndBackward() {
        ChunkCommandTest.Run r =
                run(
                        "logs",
                        "query",
                        "--config",
                        config.toString(),
                        "--user",
                        "fake",
                        "{job=\"varlogs\"} |= \"same-ts\"",
                        "--from",
                        "1700000000",
                        "--to",
                        "2023-11-14T22:13:28Z");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines()).containsExactly("same-ts first", "same-ts second");
        ChunkCommandTest.Run back =
                run(
                        "logs",
                        "query",
                        "--config",
                        config.toString(),
                        "--user",
                        "fake",
                        "{job=~\"varlogs|other\"}",
                        "--from",
                        Long.toString(T0),
                        "--to",
                        "1700000008000000000",
                        "--direction",
                        "backward",
                        "--limit",
                        "2");
        assertThat(back.exit()).as(back.err()).isZero();
        assertThat(back.out().lines()).containsExactly("last", "multi", "line entry");
    }

    @Test
    void queryPrintsJsonLines() throws IOException {
        ChunkCommandTest.Run r =
                run(
                        "logs",
                        "query",
                        "--config",
                        config.toString(),
                        "--user",
                        "fake",
                        "{job=~\"varlogs|other\"} |~ \"error [0-1]|sshd\"",
                        "--from",
                        "2023-11-14T22:13:20Z",
                        "--to",
                        "2023-11-14T22:13:30Z",
                        "--output",
                        "jsonl");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        assertThat(first.get("ts").asText()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(first.get("labels").toString())
                .isEqualTo("{\"filename\":\"/var/log/syslog\",\"job\":\"varlogs\"}");
        assertThat(first.get("line").asText()).contains("sshd");
        JsonNode second = json.readTree(lines.get(1));
        assertThat(second.get("ts").asText()).isEqualTo("2023-11-14T22:13:20.5Z");
        assertThat(second.get("labels").toString()).isEqualTo("{\"job\":\"other\"}");
        assertThat(second.get("line").asText()).isEqualTo("other error 0");
        assertThat(json.readTree(lines.get(2)).get("line").asText()).isEqualTo("other error 1");
    }

    @Test
    void aCorruptChunkFailsOrIsSkippedWithAReport() {
        String[] args = {
            "logs",
            "query",
            "--config",
            config.toString(),
            "--user",
            "fake",
            "{job=\"broken\"}",
            "--from",
            "1700000000",
            "--to",
            "1700000010"
        };
        ChunkCommandTest.Run failed = run(args);
        assertThat(failed.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(failed.err())
                .startsWith("chunkstore logs query: ")
                .contains("invalid chunk checksum");
        List<String> skipping = new ArrayList<>(List.of(args));
        skipping.add("--skip-corrupt");
        ChunkCommandTest.Run skipped = run(skipping.toArray(String[]::new));
        assertThat(skipped.exit()).as(skipped.err()).isZero();
        assertThat(skipped.out()).isEmpty();
        assertThat(skipped.err()).contains("skipped chunk " + corruptKey);
    }

    @Test
    void metricQueriesPrintATableOrJsonLines() {
        String from = Long.toString(T0);
        String to = Long.toString(T0 + 5_000_000_000L);
        ChunkCommandTest.Run instant =
                run(
                        "logs",
                        "query",
                        "--config",
                        config.toString(),
                        "--user",
                        "fake",
                        "sum by (job) (count_over_time({job=\"other\"} |= \"error\" [10s]))",
                        "--from",
                        from,
                        "--to",
                        to,
                        "--instant",
                        "--output",
                        "jsonl");
        assertThat(instant.exit()).as(instant.err()).isZero();
        assertThat(instant.out().strip())
                .endsWith("\"labels\":{\"job\":\"other\"},\"value\":\"5\"}");
        ChunkCommandTest.Run table =
                run(
                        "logs",
                        "query",
                        "--config",
                        config.toString(),
                        "--user",
                        "fake",
                        "count_over_time({job=\"other\"} | logfmt [1s])",
                        "--from",
                        from,
                        "--to",
                        to,
                        "--step",
                        "1s");
        assertThat(table.exit()).as(table.err()).isZero();
        List<String> rows = table.out().lines().toList();
        assertThat(rows.get(0)).startsWith("TIME").contains("VALUE").contains("LABELS");
        assertThat(rows).hasSize(1 + 5);
        assertThat(rows.get(1)).contains(" 1  {job=\"other\"}");
    }

    @Test
    void unsupportedQueriesAndBadTimesAreUsageErrors() {
        ChunkCommandTest.Run metric =
                run(
                        "logs",
                        "query",
                        "--config",
                        config.toString(),
                        "--user",
                        "fake",
                        "rate({job=\"varlogs\"})");
        assertThat(metric.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(metric.err()).contains("parse error at line 1, col");
        ChunkCommandTest.Run time =
                run(
                        "logs",
                        "query",
                        "--config",
                        config.toString(),
                        "--user",
                        "fake",
                        "{job=\"varlogs\"}",
                        "--from",
                        "yesterday");
        assertThat(time.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(time.err()).contains("--from");
        ChunkCommandTest.Run noUser =
                run("logs", "query", "--config", config.toString(), "{job=\"varlogs\"}");
        assertThat(noUser.exit()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void tailFollowsFromAStartUntilItsLimit() {
        ChunkCommandTest.Run r =
                run(
                        "logs",
                        "tail",
                        "--config",
                        config.toString(),
                        "--user",
                        "fake",
                        "{job=~\"varlogs|other\"} != \"multi\"",
                        "--from",
                        "2023-11-14T22:13:19Z",
                        "--window",
                        "2000h",
                        "--delay",
                        "0s",
                        "--limit",
                        "14");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).as(r.out()).hasSize(14);
        assertThat(lines.get(0)).contains("sshd");
        assertThat(lines).contains("other error 4").doesNotContain("line entry");
        assertThat(lines.get(13)).isEqualTo("last");
        assertThat(lines.indexOf("other error 0")).isLessThan(lines.indexOf("other error 1"));
    }
}
