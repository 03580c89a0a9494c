package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chunkstore.core.blocks.BlockMeta;
import io.chunkstore.core.blocks.Ulid;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.model.Labels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convert blocks} on the embedded store of {@link ConvertFixture} (two tenants, three days,
 * two schema periods, replicated overlapping chunks, Bigchunk and XOR): the blocks are read by
 * Prometheus' promtool ({@code tsdb analyze}, {@code tsdb dump}) and compared, series by series,
 * with the generated samples.
 */
class ConvertBlocksTest {
    @TempDir Path tmp;

    /** promtool dump's view of the oracle: every NaN prints as NaN. */
    static Map<String, List<Sample>> expectedDump(Map<Labels, List<Sample>> oracle) {
        Map<String, List<Sample>> out = new TreeMap<>();
        oracle.forEach(
                (l, s) -> {
                    List<Sample> norm = new ArrayList<>();
                    for (Sample x : s) {
                        norm.add(
                                Double.isNaN(x.value())
                                        ? new Sample(
                                                x.timestamp(),
                                                Double.longBitsToDouble(Sample.STALE_NAN_BITS))
                                        : x);
                    }
                    out.put(PromtoolDump.seriesText(l), norm);
                });
        return out;
    }

    /** promtool dump of each tenant's blocks equals the oracle over the fixture's whole range. */
    static void assertDumpsEqualTheOracle(ConvertFixture f, Path scratch) throws Exception {
        for (String tenant : ConvertFixture.TENANTS) {
            Path db = f.prometheusFolder(tenant, scratch.resolve("prom-" + tenant));
            Map<String, List<Sample>> dump = PromtoolDump.dump(db);
            Map<String, List<Sample>> want =
                    expectedDump(f.oracle(tenant, ConvertFixture.FROM_MS, ConvertFixture.TO_MS));
            assertThat(dump.keySet())
                    .as("series of " + tenant)
                    .containsExactlyElementsOf(want.keySet());
            for (String s : want.keySet()) {
                assertThat(dump.get(s)).as(tenant + " " + s).containsExactlyElementsOf(want.get(s));
            }
        }
    }

    @Test
    void everyTenantAndDayBecomesABlockThatPromtoolReadsAsTheSource() throws Exception {
        ConvertFixture f = new ConvertFixture(tmp, 6);
        CliRun r = CliRun.run(f.args("--verify", "--output", "json"));
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode s = r.json();
        assertThat(s.get("units").asInt()).isEqualTo(6);
        assertThat(s.get("converted").asInt()).isEqualTo(6);
        assertThat(s.get("verifyDifferences").asInt()).isZero();
        long samples = 0;
        for (Map<Labels, List<Sample>> m : f.oracle.values()) {
            samples += m.values().stream().mapToLong(List::size).sum();
        }
        assertThat(s.get("samples").asLong()).isEqualTo(samples);
        // Log lines, not a progress bar, when stderr is not a terminal.
        assertThat(r.err()).contains("convert blocks: [6/6] t2/2024-03-06 converted block ");

        for (String tenant : ConvertFixture.TENANTS) {
            List<Path> blocks = f.blocks(tenant);
            assertThat(blocks).hasSize(3);
            for (Path b : blocks) {
                String ulid = b.getFileName().toString();
                assertThat(Ulid.isUlid(ulid)).as(ulid).isTrue();
                assertThat(b.resolve("index")).isRegularFile();
                assertThat(b.resolve("chunks/000001")).isRegularFile();
                BlockMeta meta = BlockMeta.parse(Files.readAllBytes(b.resolve("meta.json")));
                assertThat(meta.externalLabels()).isEqualTo(Map.of("__org_id__", tenant));
                assertThat(meta.source()).isEqualTo("chunkstore");
                // One UTC day per block.
                long day = Math.floorDiv(meta.minTime(), ConvertFixture.DAY);
                assertThat(Math.floorDiv(meta.maxTime() - 1, ConvertFixture.DAY)).isEqualTo(day);
                Map<Labels, List<Sample>> want =
                        f.oracle(tenant, day * ConvertFixture.DAY, (day + 1) * ConvertFixture.DAY);
                assertThat(meta.numSeries()).isEqualTo(want.size());
                assertThat(meta.numSamples())
                        .isEqualTo(want.values().stream().mapToLong(List::size).sum());
                String analyze =
                        PromtoolDump.run("tsdb", "analyze", b.getParent().toString(), ulid);
                assertThat(analyze)
                        .contains("Block ID: " + ulid)
                        .contains("Series: " + want.size());
            }
            assertThat(f.destDir.resolve(tenant).resolve("chunkstore-convert")).isDirectory();
        }
        assertDumpsEqualTheOracle(f, tmp);

        // A second run finds every unit done and writes nothing.
        CliRun again = CliRun.run(f.args("--output", "json"));
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.json().get("alreadyDone").asInt()).isEqualTo(6);
        assertThat(f.blocks("t1")).hasSize(3);
    }

    @Test
    void threeShardsCoverEveryUnitExactlyOnce() throws Exception {
        ConvertFixture f = new ConvertFixture(tmp, 2);
        CliRun plan = CliRun.run(f.args("--plan-only"));
        assertThat(plan.exit()).as(plan.toString()).isZero();
        assertThat(plan.out().lines().toList())
                .containsExactly(
                        "t1/2024-03-04 todo",
                        "t1/2024-03-05 todo",
                        "t1/2024-03-06 todo",
                        "t2/2024-03-04 todo",
                        "t2/2024-03-05 todo",
                        "t2/2024-03-06 todo");
        List<String> converted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // The last shard spills its series lists to disk every 3 series: the same blocks.
            CliRun r =
                    CliRun.run(
                            i == 2
                                    ? f.args(
                                            "--shard",
                                            i + "/3",
                                            "--spill-series",
                                            "3",
                                            "--output",
                                            "json")
                                    : f.args("--shard", i + "/3", "--output", "json"));
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.json().get("units").asInt()).isEqualTo(2);
            for (JsonNode u : r.json().get("results")) {
                assertThat(u.get("status").asText()).isEqualTo("converted");
                converted.add(u.get("tenant").asText() + "/" + u.get("day").asText());
            }
        }
        assertThat(converted).hasSize(6).doesNotHaveDuplicates();
        assertThat(CliRun.run(f.args("--plan-only")).out()).doesNotContain("todo");
        assertDumpsEqualTheOracle(f, tmp);

        CliRun bad = CliRun.run(f.args("--shard", "3/3"));
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("--shard must be I/N with 0 <= I < N");
    }

    @Test
    void aCorruptChunkStopsItsUnitByNameUnlessSkipped() throws Exception {
        ConvertFixture f = new ConvertFixture(tmp, 2);
        // Damage one chunk file of t1 in the embedded store (file names are the base64 of the keys:
        // "t1/..." is "dDEv...").
        Path chunkFile;
        try (Stream<Path> s = Files.walk(tmp.resolve("store/chunks"))) {
            chunkFile =
                    s.filter(Files::isRegularFile)
                            .filter(p -> p.getFileName().toString().startsWith("dDEv"))
                            .sorted()
                            .findFirst()
                            .orElseThrow();
        }
        byte[] b = Files.readAllBytes(chunkFile);
        b[b.length - 3] ^= 0x55;
        Files.write(chunkFile, b);

        CliRun r = CliRun.run(f.args("--output", "json"));
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
        JsonNode failed = null;
        for (JsonNode u : r.json().get("results")) {
            if (u.get("status").asText().equals("failed")) {
                failed = u;
            }
        }
        assertThat(failed).as(r.out()).isNotNull();
        assertThat(failed.get("error").asText())
                .contains("cannot be read")
                .contains("--skip-corrupt");

        CliRun skip = CliRun.run(f.args("--skip-corrupt", "--verify", "--output", "json"));
        assertThat(skip.exit()).as(skip.toString()).isZero();
        Set<String> skipped = new HashSet<>();
        for (JsonNode u : skip.json().get("results")) {
            if (u.has("skippedCorrupt")) {
                u.get("skippedCorrupt").forEach(k -> skipped.add(k.asText()));
            }
        }
        assertThat(skipped).isNotEmpty();
    }

    @Test
    void destinationConfigErrorsNameTheKey() throws IOException {
        ConvertFixture f = new ConvertFixture(tmp, 1);
        Files.writeString(
                f.destConfig,
                "blocks_storage:\n  backend: filesystem\n  filesystem: {directory: /x}\n");
        CliRun r = CliRun.run(f.args());
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("blocks_storage.filesystem.directory").contains("dir");
        Files.writeString(f.destConfig, "storage: {}\n");
        assertThat(CliRun.run(f.args()).err()).contains("has no blocks_storage: block");
    }
}
