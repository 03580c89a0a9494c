package io.chunkstore.cli;

import static io.chunkstore.cli.MigrateStores.DAY;
import static io.chunkstore.cli.MigrateStores.FROM;
import static io.chunkstore.cli.MigrateStores.HOUR;
import static io.chunkstore.cli.MigrateStores.T0;
import static io.chunkstore.cli.MigrateStores.TO;
import static io.chunkstore.cli.MigrateStores.TO_MS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.cli.MigrateStores.Period;
import io.chunkstore.cli.MigrateStores.Run;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.core.chunk.KeyFormat;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.LokiChunk;
import io.chunkstore.loki.chunkenc.ChunkFormat;
import io.chunkstore.loki.chunkenc.Codec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chunkstore migrate} through the real command line, between embedded local stores. */
class MigrateCommandTest {
    static final String BOTH = "{__name__=~\"cpu_usage|mem_bytes\"}";

    @TempDir Path tmp;

    /** A Cortex v10 local source holding tenant "team-a" around the range; returns its config. */
    Path source(int series, long seed) {
        Path cfg =
                MigrateStores.cortexConfig(
                        tmp.resolve("src.yaml"),
                        MigrateStores.local(tmp.resolve("src")),
                        new Period("2024-01-01", "local", "v10", ""));
        MigrateStores.put(
                cfg,
                MigrateStores.generate("team-a", series, T0 - 12 * HOUR, TO_MS + 12 * HOUR, seed));
        return cfg;
    }

    Path dest(String name) {
        return MigrateStores.cortexConfig(
                tmp.resolve(name + ".yaml"),
                MigrateStores.local(tmp.resolve(name)),
                new Period("2024-01-01", "local", "v11", ""),
                new Period("2024-03-05", "local", "v12", ""));
    }

    static JsonNode json(Run r) throws IOException {
        return new ObjectMapper().readTree(r.out());
    }

    private static Set<String> refsOf(io.chunkstore.core.store.CompositeStore s, String tenant) {
        Set<String> keys = new TreeSet<>();
        for (String m : List.of("cpu_usage", "mem_bytes")) {
            s.chunkRefs(tenant, T0, TO_MS - 1, Selectors.parseMatchers(m))
                    .forEach(c -> keys.add(c.externalKey()));
        }
        return keys;
    }

    @Test
    void migratesAcrossSchemaAndTenantVerifiedAndLeavesTheSourceAlone() throws IOException {
        Path src = source(12, 1);
        Map<String, String> before = MigrateStores.dumpLocal(tmp.resolve("src"));
        Set<String> keys = MigrateStores.withStore(src, s -> refsOf(s, "team-a"));
        Path dst = dest("dst");

        Run r =
                MigrateStores.run(
                        "migrate",
                        "--source-config",
                        src.toString(),
                        "--dest-config",
                        dst.toString(),
                        "--from",
                        FROM,
                        "--to",
                        TO,
                        "--tenant",
                        "team-a=team-b",
                        "--match",
                        BOTH,
                        "--verify",
                        "--create-tables",
                        "--parallel",
                        "3",
                        "--batch",
                        "10",
                        "--output",
                        "json");

        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = json(r);
        assertThat(j.path("complete").asBoolean()).isTrue();
        assertThat(j.path("shards").path("total").asInt()).isEqualTo(8);
        assertThat(j.path("chunks").path("copied").asLong())
                .isEqualTo(keys.size())
                .isGreaterThan(20);
        assertThat(j.path("chunks").path("reencoded").asLong()).isEqualTo(keys.size());
        assertThat(j.path("chunks").path("verified").asLong()).isEqualTo(keys.size());
        assertThat(j.path("chunks").path("failed").asLong()).isZero();
        assertThat(j.path("failures")).isEmpty();
        assertThat(MigrateStores.dumpLocal(tmp.resolve("src"))).isEqualTo(before);

        // The destination answers with the same samples under the new tenant, v12 keys after the
        // switch.
        for (String metric : List.of("cpu_usage", "mem_bytes")) {
            var q = Selectors.parseMatchers(metric + "{job=\"api\"}");
            List<Chunk> want = MigrateStores.withStore(src, s -> s.get("team-a", T0, TO_MS - 1, q));
            List<Chunk> got = MigrateStores.withStore(dst, s -> s.get("team-b", T0, TO_MS - 1, q));
            assertThat(got)
                    .extracting(Chunk::samples)
                    .containsExactlyInAnyOrderElementsOf(
                            want.stream().map(Chunk::samples).toList());
            assertThat(got).allSatisfy(c -> assertThat(c.userId()).isEqualTo("team-b"));
        }
        List<String> destKeys =
                MigrateStores.withStore(dst, s -> refsOf(s, "team-b")).stream().toList();
        assertThat(destKeys)
                .anyMatch(k -> k.split("/").length == 3)
                .anyMatch(k -> k.split("/").length == 2);
        Set<String> oldTenant = MigrateStores.withStore(dst, s -> refsOf(s, "team-a"));
        assertThat(oldTenant).isEmpty();
    }

    @Test
    void aRunStoppedAfterSomeShardsResumesToTheSameDestination() throws IOException {
        Path src = source(10, 2);
        String[] common = {
            "--source-config",
            src.toString(),
            "--from",
            FROM,
            "--to",
            TO,
            "--tenant",
            "team-a",
            "--match",
            BOTH,
            "--shard-by",
            "4h",
            "--parallel",
            "2",
            "--batch",
            "4",
            "--create-tables"
        };

        Run whole =
                MigrateStores.run(
                        concat(common, "migrate", "--dest-config", dest("whole").toString()));
        assertThat(whole.exit()).as(whole.err()).isZero();

        Path ckpt = tmp.resolve("ckpt.json");
        Path dst = dest("parts");
        Run first =
                MigrateStores.run(
                        concat(
                                common,
                                "migrate",
                                "--dest-config",
                                dst.toString(),
                                "--checkpoint",
                                ckpt.toString(),
                                "--max-shards",
                                "5"));
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out())
                .contains("migrate stopped: 5/12 shards done")
                .contains("rerun with the same arguments and --checkpoint to continue");
        Run second =
                MigrateStores.run(
                        concat(
                                common,
                                "migrate",
                                "--dest-config",
                                dst.toString(),
                                "--checkpoint",
                                ckpt.toString(),
                                "--output",
                                "json"));
        assertThat(second.exit()).as(second.err()).isZero();
        JsonNode j = json(second);
        assertThat(j.path("shards").path("resumed").asInt()).isEqualTo(5);
        assertThat(j.path("complete").asBoolean()).isTrue();

        Map<String, String> a = MigrateStores.dumpLocal(tmp.resolve("whole"));
        Map<String, String> b = MigrateStores.dumpLocal(tmp.resolve("parts"));
        assertThat(a.keySet())
                .anyMatch(k -> k.startsWith("row table:"))
                .anyMatch(k -> k.startsWith("chunk "));
        assertThat(b).isEqualTo(a);
    }

    @Test
    void aKilledProcessResumesToTheSameDestination() throws Exception {
        Path src = source(16, 3);
        String[] common = {
            "--source-config",
            src.toString(),
            "--from",
            FROM,
            "--to",
            TO,
            "--tenant",
            "team-a=team-z",
            "--match",
            BOTH,
            "--shard-by",
            "1h",
            "--parallel",
            "1",
            "--batch",
            "1",
            "--create-tables",
            "--verify"
        };
        Run whole =
                MigrateStores.run(
                        concat(common, "migrate", "--dest-config", dest("whole").toString()));
        assertThat(whole.exit()).as(whole.err()).isZero();

        Path dst = dest("killed");
        Path ckpt = tmp.resolve("killed.json");
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                "io.chunkstore.cli.Main"));
        cmd.addAll(
                List.of(
                        concat(
                                common,
                                "migrate",
                                "--dest-config",
                                dst.toString(),
                                "--checkpoint",
                                ckpt.toString())));
        Process p =
                new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(tmp.resolve("child.log").toFile())
                        .start();
        int done = 0;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (p.isAlive() && System.nanoTime() < deadline) {
                done = doneShards(ckpt);
                if (done >= 6) {
                    break;
                }
                Thread.sleep(10);
            }
            assertThat(p.isAlive())
                    .as(
                            "the child finished before it could be killed: "
                                    + Files.readString(tmp.resolve("child.log")))
                    .isTrue();
            p.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).isEqualTo(137);
        int recorded = doneShards(ckpt);
        assertThat(recorded).isBetween(6, 47);

        Run rest =
                MigrateStores.run(
                        concat(
                                common,
                                "migrate",
                                "--dest-config",
                                dst.toString(),
                                "--checkpoint",
                                ckpt.toString(),
                                "--output",
                                "json"));
        assertThat(rest.exit()).as(rest.err()).isZero();
        assertThat(json(rest).path("shards").path("resumed").asInt()).isEqualTo(recorded);
        assertThat(MigrateStores.dumpLocal(tmp.resolve("killed")))
                .isEqualTo(MigrateStores.dumpLocal(tmp.resolve("whole")));
    }

    @Test
    void aTerminatedProcessStopsCleanlyWithItsCheckpointSaved() throws Exception {
        Path src = source(16, 8);
        String[] common = {
            "--source-config",
            src.toString(),
            "--from",
            FROM,
            "--to",
            TO,
            "--tenant",
            "team-a",
            "--match",
            BOTH,
            "--shard-by",
            "1h",
            "--parallel",
            "2",
            "--batch",
            "1",
            "--create-tables",
            "--verify"
        };
        Path dst = dest("stopped");
        Path ckpt = tmp.resolve("stopped.json");
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                "io.chunkstore.cli.Main"));
        cmd.addAll(
                List.of(
                        concat(
                                common,
                                "migrate",
                                "--dest-config",
                                dst.toString(),
                                "--checkpoint",
                                ckpt.toString())));
        Path out = tmp.resolve("stopped.out");
        Path err = tmp.resolve("stopped.err");
        Process p =
                new ProcessBuilder(cmd)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (p.isAlive() && System.nanoTime() < deadline && doneShards(ckpt) < 4) {
                Thread.sleep(10);
            }
            assertThat(p.isAlive()).as("finished too early: " + Files.readString(err)).isTrue();
            p.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hook stops the run
            // after its batches
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).isEqualTo(143);
        assertThat(Files.readString(err)).contains("stopping after the running batches");
        assertThat(Files.readString(out))
                .contains("migrate stopped: ")
                .contains("rerun with the same arguments and --checkpoint to continue");
        int recorded = doneShards(ckpt);
        assertThat(recorded).isBetween(4, 47);

        Run rest =
                MigrateStores.run(
                        concat(
                                common,
                                "migrate",
                                "--dest-config",
                                dst.toString(),
                                "--checkpoint",
                                ckpt.toString(),
                                "--output",
                                "json"));
        assertThat(rest.exit()).as(rest.err()).isZero();
        JsonNode j = json(rest);
        assertThat(j.path("shards").path("resumed").asInt()).isEqualTo(recorded);
        int n = MigrateStores.withStore(src, s -> refsOf(s, "team-a")).size();
        assertThat(j.path("chunks").path("copied").asInt()).isEqualTo(n);
        assertThat(j.path("chunks").path("verified").asInt()).isEqualTo(n);
        Set<String> got = MigrateStores.withStore(dst, s -> refsOf(s, "team-a"));
        assertThat(got).hasSize(n);
    }

    static int doneShards(Path ckpt) {
        try {
            JsonNode j = new ObjectMapper().readTree(ckpt.toFile());
            int n = 0;
            for (JsonNode s : j.path("shards")) {
                n += s.path("state").asText().equals("DONE") ? 1 : 0;
            }
            return n;
        } catch (IOException e) {
            return 0; // not written yet (never torn: it is renamed into place)
        }
    }

    @Test
    void aCheckpointOfOtherParametersIsRefused() {
        Path src = source(4, 4);
        Path dst = dest("dst");
        Path ckpt = tmp.resolve("c.json");
        Run first =
                MigrateStores.run(
                        "migrate",
                        "--source-config",
                        src.toString(),
                        "--dest-config",
                        dst.toString(),
                        "--from",
                        FROM,
                        "--to",
                        TO,
                        "--tenant",
                        "team-a",
                        "--match",
                        BOTH,
                        "--checkpoint",
                        ckpt.toString(),
                        "--create-tables");
        assertThat(first.exit()).as(first.err()).isZero();
        Run other =
                MigrateStores.run(
                        "migrate",
                        "--source-config",
                        src.toString(),
                        "--dest-config",
                        dst.toString(),
                        "--from",
                        FROM,
                        "--to",
                        "2024-03-07",
                        "--tenant",
                        "team-a=other",
                        "--match",
                        BOTH,
                        "--checkpoint",
                        ckpt.toString());
        assertThat(other.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(other.err())
                .contains("belongs to a different run")
                .contains("--to: 2024-03-06T00:00:00Z")
                .contains("--tenant")
                .doesNotContain("--from:")
                .doesNotContain("--match:");
    }

    @Test
    void aCorruptSourceChunkIsListedAndTheRestIsCopied() throws IOException {
        Path src = source(6, 5);
        List<String> keys = new ArrayList<>(MigrateStores.withStore(src, s -> refsOf(s, "team-a")));
        String bad = keys.get(keys.size() / 3);
        Path file =
                tmp.resolve("src/chunks")
                        .resolve(
                                Base64.getEncoder()
                                        .encodeToString(bad.getBytes(StandardCharsets.UTF_8)));
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(file, bytes);
        Path dst = dest("dst");

        Run r =
                MigrateStores.run(
                        "migrate",
                        "--source-config",
                        src.toString(),
                        "--dest-config",
                        dst.toString(),
                        "--from",
                        FROM,
                        "--to",
                        TO,
                        "--tenant",
                        "team-a",
                        "--match",
                        BOTH,
                        "--create-tables",
                        "--verify",
                        "--output",
                        "json");
        assertThat(r.exit()).isEqualTo(ExitCodes.FAILED);
        JsonNode j = json(r);
        assertThat(j.path("chunks").path("failed").asInt()).isEqualTo(1);
        assertThat(j.path("chunks").path("copied").asLong()).isEqualTo(keys.size() - 1);
        assertThat(j.path("chunks").path("verified").asLong()).isEqualTo(keys.size() - 1);
        JsonNode f = j.path("failures").get(0);
        assertThat(f.path("sourceKey").asText()).isEqualTo(bad);
        assertThat(f.path("phase").asText()).isEqualTo("FETCH");
        assertThat(f.path("reason").asText()).contains("invalid chunk checksum");
        assertThat(r.err()).contains("failed: FETCH " + bad);

        Run text =
                MigrateStores.run(
                        "migrate",
                        "--source-config",
                        src.toString(),
                        "--dest-config",
                        dst.toString(),
                        "--from",
                        FROM,
                        "--to",
                        TO,
                        "--tenant",
                        "team-a",
                        "--match",
                        BOTH);
        assertThat(text.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(text.out())
                .contains("migrate failed: 8/8 shards done")
                .doesNotContain("complete:")
                .containsPattern("failed +1")
                .contains("    FETCH " + bad + ": invalid chunk checksum");
    }

    @Test
    void lokiStreamsAreRenamedWithoutMatchAndStillDecode() throws IOException {
        Path srcCfg =
                MigrateStores.lokiConfig(
                        tmp.resolve("loki-src.yaml"),
                        MigrateStores.local(tmp.resolve("ls")),
                        new Period("2024-01-01", "local", "v11", ""));
        List<ChunkCodec.Encoded> chunks = new ArrayList<>();
        List<List<LogEntry>> entries = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            List<LogEntry> es = new ArrayList<>();
            long ns = (T0 + i * 9 * HOUR) * 1_000_000L + 123_456;
            for (int k = 0; k < 50; k++) {
                es.add(
                        new LogEntry(
                                ns + k * 60_000_000_000L,
                                ("line " + i + " " + k).getBytes(StandardCharsets.UTF_8),
                                List.of()));
            }
            entries.add(es);
            chunks.add(
                    LokiChunk.encode(
                            "fake",
                            Labels.of("job", "varlogs", "stream", "s" + i),
                            ChunkFormat.V3,
                            Codec.GZIP,
                            4096,
                            es));
        }
        MigrateStores.put(srcCfg, chunks);
        Path dstCfg =
                MigrateStores.lokiConfig(
                        tmp.resolve("loki-dst.yaml"),
                        MigrateStores.local(tmp.resolve("ld")),
                        new Period("2024-01-01", "local", "v12", ""));

        Run r =
                MigrateStores.run(
                        "migrate",
                        "--source-config",
                        srcCfg.toString(),
                        "--dest-config",
                        dstCfg.toString(),
                        "--from",
                        FROM,
                        "--to",
                        TO,
                        "--tenant",
                        "fake=tenant-1",
                        "--create-tables",
                        "--verify",
                        "--output",
                        "json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(json(r).path("chunks").path("reencoded").asInt()).isEqualTo(4);
        assertThat(json(r).path("chunks").path("verified").asInt()).isEqualTo(4);

        List<ChunkCodec.Encoded> got =
                MigrateStores.withStore(
                        dstCfg,
                        s ->
                                s.fetchEncoded(
                                        s.chunkRefs(
                                                "tenant-1",
                                                T0,
                                                TO_MS - 1,
                                                Selectors.parseMatchers("{__name__=\"logs\"}"))));
        assertThat(got).hasSize(4);
        for (ChunkCodec.Encoded e : got) {
            String key = e.externalKey(KeyFormat.V12);
            LokiChunk c =
                    LokiChunk.open(
                            "tenant-1",
                            key,
                            e.bytes(),
                            io.chunkstore.loki.chunkenc.ReadOptions.DEFAULT);
            int i = Integer.parseInt(c.streamLabels().get("stream").substring(1));
            List<String> lines = new ArrayList<>();
            try (var it =
                    c.iterator(
                            Long.MIN_VALUE, Long.MAX_VALUE, io.chunkstore.loki.Direction.FORWARD)) {
                while (it.hasNext()) {
                    lines.add(new String(it.next().line(), StandardCharsets.UTF_8));
                }
            }
            assertThat(lines)
                    .isEqualTo(
                            entries.get(i).stream()
                                    .map(x -> new String(x.line(), StandardCharsets.UTF_8))
                                    .toList());
            assertThat(ChunkRef.parse(key).userId()).isEqualTo("tenant-1");
        }
        // A selector without __name__ selects streams on a Loki source.
        Run one =
                MigrateStores.run(
                        "migrate",
                        "--source-config",
                        srcCfg.toString(),
                        "--dest-config",
                        dstCfg.toString(),
                        "--from",
                        FROM,
                        "--to",
                        TO,
                        "--tenant",
                        "fake=tenant-2",
                        "--match",
                        "{stream=\"s2\"}",
                        "--output",
                        "json");
        assertThat(one.exit()).as(one.err()).isZero();
        assertThat(json(one).path("chunks").path("copied").asInt()).isEqualTo(1);
    }

    @Test
    void aDryRunWritesNothing() throws IOException {
        Path src = source(6, 6);
        Path dst = dest("dry");
        Path ckpt = tmp.resolve("dry.json");
        Run r =
                MigrateStores.run(
                        "migrate",
                        "--source-config",
                        src.toString(),
                        "--dest-config",
                        dst.toString(),
                        "--from",
                        FROM,
                        "--to",
                        TO,
                        "--tenant",
                        "team-a",
                        "--match",
                        BOTH,
                        "--dry-run",
                        "--checkpoint",
                        ckpt.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        int n = MigrateStores.withStore(src, s -> refsOf(s, "team-a")).size();
        assertThat(r.out())
                .contains("migrate dry run: 8/8 shards done")
                .containsPattern("chunks to copy +" + n);
        assertThat(ckpt).doesNotExist();
        assertThat(tmp.resolve("dry/chunks"))
                .satisfiesAnyOf(
                        p -> assertThat(p).doesNotExist(),
                        p -> assertThat(MigrateStores.chunkFiles(tmp.resolve("dry"))).isEmpty());
    }

    @Test
    void argumentProblemsExitWithUsage() {
        Path src = source(1, 7);
        Path dst = dest("dst");
        Run noMatch =
                MigrateStores.run(
                        "migrate",
                        "--source-config",
                        src.toString(),
                        "--dest-config",
                        dst.toString(),
                        "--from",
                        FROM,
                        "--to",
                        TO,
                        "--tenant",
                        "team-a");
        assertThat(noMatch.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(noMatch.err()).contains("no --match given").contains("per metric name");
        Run badTime =
                MigrateStores.run(
                        "migrate",
                        "--source-config",
                        src.toString(),
                        "--dest-config",
                        dst.toString(),
                        "--from",
                        "yesterday",
                        "--to",
                        TO,
                        "--tenant",
                        "team-a",
                        "--match",
                        BOTH);
        assertThat(badTime.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badTime.err()).contains("--from: cannot read time \"yesterday\"");
        Run badShard =
                MigrateStores.run(
                        "migrate",
                        "--source-config",
                        src.toString(),
                        "--dest-config",
                        dst.toString(),
                        "--from",
                        FROM,
                        "--to",
                        TO,
                        "--tenant",
                        "team-a",
                        "--match",
                        BOTH,
                        "--shard-by",
                        "6x");
        assertThat(badShard.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badShard.err()).contains("--shard-by 6x");
        Run early =
                MigrateStores.run(
                        "migrate",
                        "--source-config",
                        src.toString(),
                        "--dest-config",
                        dst.toString(),
                        "--from",
                        "2023-12-01",
                        "--to",
                        TO,
                        "--tenant",
                        "team-a",
                        "--match",
                        BOTH);
        assertThat(early.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(early.err())
                .contains("before the destination's first schema period (2024-01-01)");
        Run help = MigrateStores.run("migrate", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out())
                .contains("--source-config")
                .contains("--checkpoint")
                .contains("--verify")
                .contains("docs/migrate.md");
    }

    @Test
    void sizesAndDurationsPrintForHumans() {
        assertThat(MigrateCommand.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(MigrateCommand.human(java.time.Duration.ofSeconds(3725))).isEqualTo("1h2m5s");
        assertThat(DAY).isEqualTo(24 * HOUR);
    }

    static String[] concat(String[] common, String... first) {
        List<String> out = new ArrayList<>(List.of(first));
        out.addAll(List.of(common));
        return out.toArray(String[]::new);
    }
}
