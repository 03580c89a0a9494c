package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code chunkstore tables plan|sync} against the local store and test stores that fail on purpose.
 */
class TablesCommandTest {
    static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

    @TempDir Path tmp;

    /** A Loki config on the local store whose one period started {@code daysAgo} days ago. */
    Path localConfig(int daysAgo, String tableManager) {
        return CliRun.write(
                tmp,
                "tables-" + daysAgo + ".yaml",
                """
                schema_config:
                  configs:
                    - from: %s
                      store: local
                      object_store: local
                      schema: v11
                      index: {prefix: idx_, period: 168h}
                      chunks: {prefix: chk_, period: 168h}
                storage_config:
                  local: {directory: %s}
                table_manager:
                %s
                """
                        .formatted(TODAY.minusDays(daysAgo), tmp.resolve("store"), tableManager));
    }

    List<String> localTables() {
        try (StorageBackend b =
                StorageProviders.open(
                        new BackendContext(
                                "local",
                                Map.of(
                                        "local",
                                        Map.of("directory", tmp.resolve("store").toString())),
                                null,
                                null))) {
            return b.tableClient().listTables();
        }
    }

    static long week(LocalDate d) {
        return d.toEpochDay() / 7; // 168h tables: weeks since 1970-01-01 (a Thursday)
    }

    @Test
    void planSyncAndPlanAgainOnTheLocalStore() {
        Path cfg = localConfig(14, "  creation_grace_period: 10m");
        long first = week(TODAY.minusDays(14));
        long last = TODAY.toEpochDay() / 7;
        CliRun plan = CliRun.run("tables", "plan", "--config", cfg.toString());
        assertThat(plan.exit()).as(plan.toString()).isZero();
        int expected = (int) (2 * (last - first + 1));
        assertThat(plan.out())
                .contains(
                        "store local: "
                                + expected
                                + " expected tables; "
                                + expected
                                + " to create, 0 to update, 0 to delete, 0 kept");
        assertThat(plan.out()).contains("create  idx_" + first).contains("create  chk_" + last);
        assertThat(localTables()).isEmpty();

        CliRun json = CliRun.run("tables", "plan", "--config", cfg.toString(), "--output", "json");
        JsonNode store = json.json().get("stores").get(0);
        assertThat(store.get("store").asText()).isEqualTo("local");
        assertThat(store.get("expected")).hasSize(expected);
        assertThat(store.get("actions").findValuesAsText("kind")).containsOnly("create");

        CliRun sync = CliRun.run("tables", "sync", "--config", cfg.toString(), "--output", "json");
        assertThat(sync.exit()).as(sync.toString()).isZero();
        assertThat(sync.json().get("ok").asBoolean()).isTrue();
        assertThat(sync.json().get("stores").get(0).get("actions").findValuesAsText("status"))
                .containsOnly("done");
        assertThat(localTables()).hasSize(expected).contains("idx_" + first, "chk_" + last);

        CliRun again = CliRun.run("tables", "plan", "--config", cfg.toString());
        assertThat(again.out())
                .contains("0 to create, 0 to update, 0 to delete, " + expected + " kept")
                .contains("keep    idx_" + last + " (throughput updates are disabled)");
    }

    @Test
    void retentionDeletesOnlyWhenEnabled() {
        CliRun.run(
                "tables",
                "sync",
                "--config",
                localConfig(35, "  creation_grace_period: 10m").toString());
        int all = localTables().size();
        long oldest = TODAY.minusDays(35).toEpochDay() / 7;
        Path kept = localConfig(35, "  retention_period: 336h\n  retention_deletes_enabled: false");
        CliRun plan = CliRun.run("tables", "plan", "--config", kept.toString());
        assertThat(plan.out())
                .contains(
                        "keep    idx_"
                                + oldest
                                + " (past the retention period, but retention_deletes_enabled is false)");
        Path deleting =
                localConfig(35, "  retention_period: 336h\n  retention_deletes_enabled: true");
        CliRun sync = CliRun.run("tables", "sync", "--config", deleting.toString());
        assertThat(sync.exit()).as(sync.toString()).isZero();
        assertThat(sync.out())
                .contains("done    delete  idx_" + oldest + " (past the retention period 336h)");
        assertThat(localTables()).hasSizeLessThan(all).doesNotContain("idx_" + oldest);
    }

    static String memConfig(String store) {
        return """
                schema:
                  configs:
                    - from: %s
                      store: %s
                      schema: v11
                      index: {prefix: i_, period: 168h}
                      chunks: {prefix: c_, period: 168h}
                    - from: %s
                      store: mem-b
                      schema: v11
                      index: {prefix: j_, period: 168h}
                      chunks: {prefix: k_, period: 168h}
                """
                .formatted(TODAY.minusDays(20), store, TODAY.minusDays(6));
    }

    @Test
    void eachStoreGetsItsOwnTablesAndFailuresHaveTheirExitCodes() {
        Path two = CliRun.write(tmp, "two.yaml", memConfig("mem-a"));
        CliRun plan = CliRun.run("tables", "plan", "--config", two.toString(), "--output", "json");
        assertThat(plan.exit()).as(plan.toString()).isZero();
        JsonNode stores = plan.json().get("stores");
        assertThat(stores.findValuesAsText("store")).containsExactly("mem-a", "mem-b");
        assertThat(stores.get(0).get("expected").toString()).contains("i_").doesNotContain("j_");
        assertThat(stores.get(1).get("expected").toString()).contains("j_").doesNotContain("i_");
        CliRun onlyB = CliRun.run("tables", "plan", "--config", two.toString(), "--store", "mem-b");
        assertThat(onlyB.out()).contains("store mem-b").doesNotContain("store mem-a");

        CliRun unknown =
                CliRun.run("tables", "plan", "--config", two.toString(), "--store", "cassandra");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("no period").contains("mem-a");
        CliRun missing =
                CliRun.run("tables", "plan", "--config", tmp.resolve("nope.yaml").toString());
        assertThat(missing.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("does not exist");

        Path down = CliRun.write(tmp, "down.yaml", memConfig("mem-down"));
        CliRun unreachable = CliRun.run("tables", "sync", "--config", down.toString());
        assertThat(unreachable.exit()).as(unreachable.toString()).isEqualTo(ExitCodes.STORAGE);
        assertThat(unreachable.err()).contains("connection refused");

        Path failing = CliRun.write(tmp, "failing.yaml", memConfig("mem-nocreate"));
        CliRun failed =
                CliRun.run("tables", "sync", "--config", failing.toString(), "--output", "json");
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(ExitCodes.FAILED);
        JsonNode f = failed.json();
        assertThat(f.get("ok").asBoolean()).isFalse();
        assertThat(f.get("stores").get(0).get("error").asText()).contains("quota exceeded");
        assertThat(f.get("stores").get(0).get("actions").findValuesAsText("status"))
                .containsOnly("failed");
        assertThat(f.get("stores").get(1).get("actions").findValuesAsText("status"))
                .containsOnly("done");
    }

    @Test
    void loopSyncsUntilInterrupted() throws Exception {
        Path cfg = localConfig(3, "  poll_interval: 200ms");
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t =
                new Thread(
                        () ->
                                exit.set(
                                        cl.execute(
                                                "tables",
                                                "sync",
                                                "--loop",
                                                "--config",
                                                cfg.toString())));
        t.start();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 200 && seen.isEmpty(); i++) {
            Thread.sleep(100);
            if (err.toString().contains("managing")) {
                // The store is held open by the loop; its tables are checked after it stops.
                seen.add("started");
            }
        }
        assertThat(seen).as(err.toString()).isNotEmpty();
        Thread.sleep(1500);
        t.interrupt();
        t.join(20_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(exit.get()).isEqualTo(ExitCodes.INTERRUPTED);
        assertThat(localTables()).contains("idx_" + TODAY.toEpochDay() / 7);
    }
}
