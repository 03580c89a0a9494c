package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.blocks.BlockConverter;
import io.chunkstore.core.blocks.BlockMeta;
import io.chunkstore.core.blocks.ConversionUnit;
import io.chunkstore.core.blocks.UnitResult;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.migrate.MigrationPlan;
import io.chunkstore.local.FilesystemObjectClient;
import io.chunkstore.server.ConfigStores;
import io.chunkstore.spi.ObjectClient;
import io.chunkstore.spi.UnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that dies in the middle of a unit's upload (its chunks written, its index and meta.json
 * not), then a rerun: finished units are skipped, the partial block is deleted and its unit
 * rebuilt, and the blocks hold exactly what an uninterrupted run writes.
 */
class ConvertResumeTest {
    @TempDir Path tmp;

    /**
     * An object client whose {@code n}-th put of an {@code index} object fails, as a crash would.
     */
    static final class CrashingClient extends FilesystemObjectClient {
        private final AtomicInteger indexPuts = new AtomicInteger();
        private final int crashAt;

        CrashingClient(Path root, int crashAt) {
            super(root, false);
            this.crashAt = crashAt;
        }

        @Override
        public void putObject(String key, byte[] data) {
            crashBefore(key);
            super.putObject(key, data);
        }

        @Override
        public void putObject(String key, Path file) {
            crashBefore(key);
            super.putObject(key, file);
        }

        private void crashBefore(String key) {
            if (key.endsWith("/index") && indexPuts.incrementAndGet() == crashAt) {
                throw new UnavailableException("simulated crash before " + key);
            }
        }
    }

    @Test
    void aCrashedUnitIsRebuiltFromScratchAndTheRestSkipped() throws Exception {
        ConvertFixture f = new ConvertFixture(tmp, 3);
        MigrationPlan.Builder pb =
                MigrationPlan.builder(ConvertFixture.FROM_MS, ConvertFixture.TO_MS);
        ConvertFixture.TENANTS.forEach(t -> pb.tenant(t, t));
        MigrationPlan selection = pb.match(ConvertFixture.MATCH).build();
        List<ConversionUnit> units =
                ConversionUnit.plan(
                        ConvertFixture.TENANTS, ConvertFixture.FROM_MS, ConvertFixture.TO_MS);
        try (ConfigStores stores =
                        ConfigStores.open(
                                ChunkstoreConfig.load(f.config), new SimpleMeterRegistry());
                ObjectClient crashing = new CrashingClient(f.destDir, 4)) {
            BlockConverter c =
                    new BlockConverter(
                            stores.unlimited(),
                            crashing,
                            selection.lookups(),
                            selection::selects,
                            tmp.resolve("w1"));
            for (ConversionUnit u : units) {
                UnitResult r = c.convert(u);
                if (r.status() == UnitResult.Status.FAILED) {
                    assertThat(r.unit().id()).isEqualTo("t2/2024-03-04");
                    assertThat(r.error()).contains("simulated crash");
                    break; // the process is gone
                }
            }
        }
        // What the crash left: three finished blocks of t1, and in t2 a block without index or
        // meta.json.
        assertThat(f.blocks("t1")).hasSize(3);
        assertThat(f.blocks("t2")).isEmpty();
        List<Path> partial;
        try (Stream<Path> s = Files.list(f.destDir.resolve("t2"))) {
            partial =
                    s.filter(p -> !p.getFileName().toString().equals("chunkstore-convert"))
                            .toList();
        }
        assertThat(partial).hasSize(1);
        assertThat(partial.get(0).resolve("chunks/000001")).isRegularFile();
        assertThat(partial.get(0).resolve("meta.json")).doesNotExist();

        CliRun rerun = CliRun.run(f.args("--verify", "--output", "json"));
        assertThat(rerun.exit()).as(rerun.toString()).isZero();
        assertThat(rerun.json().get("alreadyDone").asInt()).isEqualTo(3);
        assertThat(rerun.json().get("converted").asInt()).isEqualTo(3);
        assertThat(partial.get(0)).doesNotExist();
        try (Stream<Path> s = Files.list(f.destDir.resolve("t2"))) {
            assertThat(
                            s.filter(p -> !p.getFileName().toString().equals("chunkstore-convert"))
                                    .count())
                    .isEqualTo(3);
        }
        ConvertBlocksTest.assertDumpsEqualTheOracle(f, tmp);

        // The same contents as one uninterrupted run into another bucket: index and chunks byte for
        // byte, meta.json but for the block id.
        Path otherBucket = tmp.resolve("bucket2");
        Path otherDest =
                CliRun.write(
                        tmp,
                        "dest2.yaml",
                        "blocks_storage:\n  backend: filesystem\n  filesystem: {dir: "
                                + otherBucket
                                + "}\n");
        String[] args = f.args();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(f.destConfig.toString())) {
                args[i] = otherDest.toString();
            }
        }
        CliRun clean = CliRun.run(args);
        assertThat(clean.exit()).as(clean.toString()).isZero();
        for (String tenant : ConvertFixture.TENANTS) {
            assertThat(byDay(otherBucket.resolve(tenant)))
                    .isEqualTo(byDay(f.destDir.resolve(tenant)));
        }
    }

    /** Day -> the block's index and chunk bytes and meta.json without its ULID, as text. */
    static Map<String, String> byDay(Path tenantDir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(tenantDir)) {
            for (Path b : s.filter(p -> Files.exists(p.resolve("meta.json"))).toList()) {
                BlockMeta m = BlockMeta.parse(Files.readAllBytes(b.resolve("meta.json")));
                String day =
                        Instant.ofEpochMilli(m.minTime())
                                .atZone(ZoneOffset.UTC)
                                .toLocalDate()
                                .toString();
                String ulid = b.getFileName().toString();
                out.put(
                        day,
                        Files.readString(b.resolve("meta.json")).replace(ulid, "ULID")
                                + java.util.HexFormat.of()
                                        .formatHex(Files.readAllBytes(b.resolve("index")))
                                + java.util.HexFormat.of()
                                        .formatHex(Files.readAllBytes(b.resolve("chunks/000001"))));
            }
        }
        return out;
    }
}
