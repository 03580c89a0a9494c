package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chunkstore.core.blocks.BlockConverter;
import io.chunkstore.core.blocks.ConversionUnit;
import io.chunkstore.core.blocks.UnitResult;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.Fingerprints;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.migrate.MigrationPlan;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.StoreBackends;
import io.chunkstore.local.FilesystemObjectClient;
import io.chunkstore.server.ConfigStores;
import io.chunkstore.spi.TableDesc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every golden DoubleDelta and Varbit chunk of testdata/golden/cortex-encodings (written by Cortex)
 * converted into blocks: promtool's dump holds each chunk's samples as its sidecar lists them, and
 * {@code --verify}'s reader their exact bits (stale markers included).
 */
class ConvertGoldenEncodingsTest {
    static final String TENANT = "golden";
    static final long DAY = 86_400_000L;

    @Test
    void everyCortexEncodingConvertsToTheSamplesCortexWrote(@TempDir Path tmp) throws Exception {
        Path config =
                CliRun.write(
                        tmp,
                        "cortex.yaml",
                        """
                        schema:
                          configs:
                            - from: 2019-01-01
                              store: local
                              schema: v11
                              index: {prefix: index}
                              chunks: {prefix: chunks}
                        storage:
                          local: {directory: %s}
                        """
                                .formatted(tmp.resolve("store")));
        Map<Labels, List<Sample>> oracle = new TreeMap<>(Labels.ORDER);
        List<Chunk> chunks = new ArrayList<>();
        Set<Long> days = new LinkedHashSet<>();
        for (Path bin : LegacyEncodingsCliTest.goldenBins()) {
            JsonNode meta = LegacyEncodingsCliTest.sidecar(bin);
            Chunk g =
                    ChunkCodec.decode(
                            meta.get("user").asText(),
                            meta.get("key").asText(),
                            Files.readAllBytes(bin));
            String name = bin.getFileName().toString().replace(".bin", "");
            Labels l = Labels.of("__name__", "golden", "chunk", name);
            chunks.add(
                    Chunk.of(
                            TENANT,
                            Fingerprints.fingerprint(l),
                            l,
                            g.from(),
                            g.through(),
                            g.encoding(),
                            g.data()));
            List<Sample> samples = new ArrayList<>();
            for (JsonNode s : meta.get("samples")) {
                samples.add(
                        new Sample(
                                s.get("t").asLong(),
                                Double.longBitsToDouble(
                                        HexFormat.fromHexDigitsToLong(s.get("bits").asText()))));
            }
            oracle.put(l, samples);
            for (long d = Math.floorDiv(g.from(), DAY); d <= Math.floorDiv(g.through(), DAY); d++) {
                days.add(d);
            }
        }
        assertThat(chunks).hasSize(24); // 12 DoubleDelta, 12 Varbit
        ChunkstoreConfig cfg = ChunkstoreConfig.load(config);
        try (StoreBackends b = StoreBackends.open(cfg, null, null);
                CompositeStore store =
                        CompositeStore.builder(cfg.schemaConfig()).clients(b).build()) {
            b.tableClient("local").createTable(TableDesc.named("index"));
            b.tableClient("local").createTable(TableDesc.named("chunks"));
            chunks.forEach(store::put);
        }
        MigrationPlan selection =
                MigrationPlan.builder(0, Long.MAX_VALUE)
                        .tenant(TENANT, TENANT)
                        .match("{__name__=\"golden\"}")
                        .build();
        Path bucket = tmp.resolve("bucket");
        try (ConfigStores stores = ConfigStores.open(cfg, new SimpleMeterRegistry());
                FilesystemObjectClient dest = new FilesystemObjectClient(bucket, false)) {
            BlockConverter c =
                    new BlockConverter(
                                    stores.unlimited(),
                                    dest,
                                    selection.lookups(),
                                    selection::selects,
                                    tmp.resolve("work"))
                            .verify(true);
            for (long d : days) {
                for (ConversionUnit u :
                        ConversionUnit.plan(List.of(TENANT), d * DAY, (d + 1) * DAY)) {
                    UnitResult r = c.convert(u);
                    assertThat(r.ok()).as(r.toString()).isTrue();
                    assertThat(r.status()).isEqualTo(UnitResult.Status.CONVERTED);
                }
            }
        }
        Path db = tmp.resolve("prom");
        Files.createDirectories(db);
        try (var s = Files.list(bucket.resolve(TENANT))) {
            for (Path b : s.filter(p -> Files.exists(p.resolve("meta.json"))).toList()) {
                ConvertFixture.copyTree(b, db.resolve(b.getFileName().toString()));
            }
        }
        Map<String, List<Sample>> dump = PromtoolDump.dump(db);
        Map<String, List<Sample>> want = ConvertBlocksTest.expectedDump(oracle);
        assertThat(dump.keySet()).containsExactlyElementsOf(want.keySet());
        for (String k : want.keySet()) {
            assertThat(dump.get(k)).as(k).containsExactlyElementsOf(want.get(k));
        }
    }
}
