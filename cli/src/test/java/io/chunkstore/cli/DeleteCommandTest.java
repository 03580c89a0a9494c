package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.StoreBackends;
import io.chunkstore.spi.TableDesc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code delete series} and {@code delete tenant} on a local store (a v9 period, then v11): a dry
 * run by default, deletes with {@code --yes}, a straddling chunk rewritten, a checkpoint of another
 * run refused, and the other tenant untouched.
 */
class DeleteCommandTest {
    static final long D12 = 1557650721000L; // 2019-05-12T08:45:21Z, v9
    static final long D17 = 1558083600000L; // 2019-05-17T09:00:00Z, v11

    @TempDir Path tmp;
    Path config;

    static Chunk chunk(String user, String labels, long from, int n) {
        List<Sample> s = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            s.add(new Sample(from + i * 60_000L, i + 0.5));
        }
        return Chunk.fromSamples(user, Selectors.parseLabels(labels), s);
    }

    @BeforeEach
    void writeData() {
        config =
                CliRun.write(
                        tmp,
                        "cortex.yaml",
                        """
                schema:
                  configs:
                    - from: 2019-01-03
                      store: local
                      schema: v9
                      index: {prefix: index_, period: 168h}
                      chunks: {prefix: chunks_, period: 168h}
                    - from: 2019-05-16
                      store: local
                      schema: v11
                      index: {prefix: index_, period: 168h}
                      chunks: {prefix: chunks_, period: 168h}
                storage:
                  local: {directory: %s}
                limits:
                  max_query_length: 0
                """
                                .formatted(tmp.resolve("store")));
        ChunkstoreConfig cfg = ChunkstoreConfig.load(config);
        try (StoreBackends b = StoreBackends.open(cfg, null, null);
                CompositeStore store =
                        CompositeStore.builder(cfg.schemaConfig()).clients(b).build()) {
            for (String t :
                    List.of(
                            "index_2573",
                            "index_2574",
                            "index_2575",
                            "index_2576",
                            "chunks_2575",
                            "chunks_2576")) {
                b.tableClient("local").createTable(TableDesc.named(t));
            }
            for (String user : List.of("team-a", "team-b")) {
                store.put(chunk(user, "{__name__=\"foo\",bar=\"baz\"}", D12, 30));
                store.put(chunk(user, "{__name__=\"foo\",bar=\"qux\"}", D12, 5));
                store.put(chunk(user, "{__name__=\"foo\",bar=\"baz\"}", D17, 10));
                store.put(chunk(user, "{__name__=\"other\",bar=\"b1\"}", D17, 5));
            }
        }
    }

    JsonNode query(String user, String selector) {
        CliRun r =
                CliRun.run(
                        "query",
                        "--config",
                        config.toString(),
                        "--user",
                        user,
                        "--from",
                        "2019-05-01",
                        "--to",
                        "2019-05-20",
                        "--samples",
                        "--output",
                        "json",
                        selector);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.json();
    }

    @Test
    void withoutYesNothingIsDeletedAndTheRunSaysWhatWouldGo() {
        JsonNode before = query("team-a", "foo");
        CliRun r =
                CliRun.run(
                        "delete",
                        "series",
                        "--config",
                        config.toString(),
                        "--user",
                        "team-a",
                        "--from",
                        "2019-05-01",
                        "--to",
                        "2019-05-20",
                        "foo{bar=\"baz\"}");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out())
                .contains("DRY RUN: nothing was deleted; rerun with --yes")
                .contains("chunks to delete: 2")
                .contains("index_2575")
                .contains("sample keys:");
        assertThat(query("team-a", "foo")).isEqualTo(before);
    }

    @Test
    void dryRunAndYesTogetherAreAUsageError() {
        CliRun r =
                CliRun.run(
                        "delete",
                        "tenant",
                        "--config",
                        config.toString(),
                        "--user",
                        "team-a",
                        "--dry-run",
                        "--yes");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("mutually exclusive");
    }

    @Test
    void deleteSeriesRewritesAStraddlingChunkAndLeavesEverythingElse() {
        long from = D12 + 10 * 60_000L; // samples 10..29 of the first chunk go, 0..9 stay
        CliRun r =
                CliRun.run(
                        "delete",
                        "series",
                        "--config",
                        config.toString(),
                        "--user",
                        "team-a",
                        "--from",
                        Long.toString(from),
                        "--to",
                        "2019-05-20",
                        "--yes",
                        "--output",
                        "json",
                        "foo{bar=\"baz\"}");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode s = r.json();
        assertThat(s.get("dryRun").asBoolean()).isFalse();
        assertThat(s.get("chunksDeleted").asInt()).isEqualTo(2);
        assertThat(s.get("chunksRewritten").asInt()).isEqualTo(1);
        assertThat(s.get("failures")).isEmpty();

        JsonNode a = query("team-a", "foo{bar=\"baz\"}");
        assertThat(a.get("chunkCount").asInt()).isEqualTo(1);
        JsonNode samples = a.get("series").get(0).get("chunks").get(0).get("samples");
        assertThat(samples).hasSize(10);
        assertThat(samples.get(9).get(0).asLong()).isLessThan(from);
        assertThat(query("team-a", "foo{bar=\"qux\"}").get("chunkCount").asInt()).isEqualTo(1);
        assertThat(query("team-a", "other").get("chunkCount").asInt()).isEqualTo(1);
        assertThat(query("team-b", "foo").get("chunkCount").asInt()).isEqualTo(3);

        // Again: nothing left to delete.
        CliRun again =
                CliRun.run(
                        "delete",
                        "series",
                        "--config",
                        config.toString(),
                        "--user",
                        "team-a",
                        "--from",
                        Long.toString(from),
                        "--to",
                        "2019-05-20",
                        "--yes",
                        "--output",
                        "json",
                        "foo{bar=\"baz\"}");
        assertThat(again.json().get("chunksDeleted").asInt()).isZero();
    }

    @Test
    void deleteTenantRemovesEverythingOfItOnly() {
        CliRun r =
                CliRun.run(
                        "delete",
                        "tenant",
                        "--config",
                        config.toString(),
                        "--user",
                        "team-a",
                        "--yes");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("deleted tenant team-a").contains("chunks deleted: 4");
        assertThat(query("team-a", "foo").get("chunkCount").asInt()).isZero();
        assertThat(query("team-a", "other").get("chunkCount").asInt()).isZero();
        assertThat(query("team-b", "foo").get("chunkCount").asInt()).isEqualTo(3);
        assertThat(query("team-b", "other").get("chunkCount").asInt()).isEqualTo(1);
    }

    @Test
    void aCheckpointIsResumedOnlyByTheSameDelete() throws Exception {
        Path ckpt = tmp.resolve("delete.json");
        CliRun r =
                CliRun.run(
                        "delete",
                        "series",
                        "--config",
                        config.toString(),
                        "--user",
                        "team-a",
                        "--from",
                        "2019-05-01",
                        "--to",
                        "2019-05-20",
                        "--yes",
                        "--checkpoint",
                        ckpt.toString(),
                        "foo");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readString(ckpt)).contains("\"kind\" : \"delete\"");
        CliRun other =
                CliRun.run(
                        "delete",
                        "series",
                        "--config",
                        config.toString(),
                        "--user",
                        "team-a",
                        "--from",
                        "2019-05-01",
                        "--to",
                        "2019-05-20",
                        "--yes",
                        "--checkpoint",
                        ckpt.toString(),
                        "other");
        assertThat(other.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(other.err()).contains("belongs to a different delete").contains("selector foo");
    }

    @Test
    void aBadTenantOrAnEmptyRangeIsAUsageError() {
        assertThat(
                        CliRun.run(
                                        "delete",
                                        "tenant",
                                        "--config",
                                        config.toString(),
                                        "--user",
                                        "a/b")
                                .exit())
                .isEqualTo(ExitCodes.USAGE);
        CliRun r =
                CliRun.run(
                        "delete",
                        "series",
                        "--config",
                        config.toString(),
                        "--user",
                        "team-a",
                        "--from",
                        "2019-05-20",
                        "--to",
                        "2019-05-01",
                        "foo");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("must be after --from");
    }
}
