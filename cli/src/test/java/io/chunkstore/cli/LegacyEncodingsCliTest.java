package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.ChunkEncoding;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.StoreBackends;
import io.chunkstore.spi.TableDesc;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chunk inspect} and {@code query --samples} over the DoubleDelta and Varbit chunks Cortex
 * v1.13.2 wrote (testdata/golden/cortex-encodings): every sample printed as the chunk holds it,
 * stale markers included.
 */
class LegacyEncodingsCliTest {
    static final String USER = "tenant";

    static List<Path> goldenBins() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds =
                Files.newDirectoryStream(ChunkCommandTest.golden("cortex-encodings"), "*.bin")) {
            ds.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    static JsonNode sidecar(Path bin) throws IOException {
        return new ObjectMapper()
                .readTree(
                        bin.resolveSibling(bin.getFileName().toString().replace(".bin", ".json"))
                                .toFile());
    }

    /**
     * What the cli must print for a value with these bits, worked out here from the documented
     * names.
     */
    static String expected(long bits) {
        if (bits == 0x7ff0000000000002L) {
            return "\"StaleNaN\"";
        }
        if (bits == 0x7ff0000000000000L) {
            return "\"+Inf\"";
        }
        if (bits == 0xfff0000000000000L) {
            return "\"-Inf\"";
        }
        if (bits == 0x7ff8000000000000L) {
            return "\"NaN\"";
        }
        double d = Double.longBitsToDouble(bits);
        return Double.isNaN(d) ? String.format("\"NaN(0x%016x)\"", bits) : null;
    }

    /**
     * Each printed [t, v] against the sidecar's samples: times equal, values with the same bits.
     */
    static void assertSamples(JsonNode printed, JsonNode want) {
        assertThat(printed).hasSize(want.size());
        for (int i = 0; i < want.size(); i++) {
            JsonNode p = printed.get(i);
            JsonNode w = want.get(i);
            assertThat(p.get(0).asLong()).as("time of sample %d", i).isEqualTo(w.get("t").asLong());
            long bits = Long.parseUnsignedLong(w.get("bits").asText(), 16);
            String name = expected(bits);
            if (name != null) {
                assertThat(p.get(1).toString()).as("sample %d", i).isEqualTo(name);
            } else {
                assertThat(p.get(1).isNumber()).as("sample %d is a number", i).isTrue();
                assertThat(Double.doubleToRawLongBits(p.get(1).doubleValue()))
                        .as("bits of sample %d", i)
                        .isEqualTo(bits);
            }
        }
    }

    @Test
    void inspectPrintsEverySampleOfEveryGoldenChunk() throws IOException {
        int stale = 0;
        for (Path bin : goldenBins()) {
            JsonNode meta = sidecar(bin);
            CliRun r =
                    CliRun.run(
                            "chunk",
                            "inspect",
                            "--user",
                            meta.get("user").asText(),
                            "--key",
                            meta.get("key").asText(),
                            bin.toString());
            assertThat(r.exit()).as("%s: %s", bin, r).isZero();
            assertThat(r.err()).as("%s", bin).isEmpty();
            JsonNode j = r.json();
            assertThat(j.get("encodingName").asText()).isEqualTo(meta.get("encoding").asText());
            assertSamples(j.get("samples"), meta.get("samples"));
            for (JsonNode s : j.get("samples")) {
                stale += s.get(1).asText().equals("StaleNaN") ? 1 : 0;
            }
        }
        assertThat(stale).as("stale markers printed").isEqualTo(6);
    }

    @Test
    void encodeReadsTheNaNNamesInspectPrints(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.bin");
        CliRun enc =
                CliRun.run(
                        "chunk",
                        "encode",
                        "--user",
                        "u",
                        "--labels",
                        "{__name__=\"up\"}",
                        "--samples",
                        "1:StaleNaN,2:NaN(0x7ff8000000000001),3:NaN,4:-0.0",
                        "--out",
                        f.toString());
        assertThat(enc.exit()).as(enc.toString()).isZero();
        CliRun r = CliRun.run("chunk", "inspect", "--key", enc.out().strip(), f.toString());
        assertThat(r.json().get("samples").toString())
                .isEqualTo(
                        "[[1,\"StaleNaN\"],[2,\"NaN(0x7ff8000000000001)\"],[3,\"NaN\"],[4,-0.0]]");
        CliRun notNaN =
                CliRun.run(
                        "chunk",
                        "encode",
                        "--user",
                        "u",
                        "--labels",
                        "{__name__=\"up\"}",
                        "--samples",
                        "1:NaN(0x0000000000000001)",
                        "--out",
                        f.toString());
        assertThat(notNaN.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(notNaN.err()).contains("is not a NaN bit pattern");
    }

    @Test
    void querySamplesDecodeEveryEncodingAndCanGoOnPastAnUndecodableChunk(@TempDir Path tmp)
            throws IOException {
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
                limits:
                  max_query_length: 0
                """
                                .formatted(tmp.resolve("store")));
        Map<String, JsonNode> wantByMetricName = new TreeMap<>();
        List<Chunk> chunks = new ArrayList<>();
        for (String name : List.of("doubledelta-00", "varbit-06", "doubledelta-07")) {
            Path bin = ChunkCommandTest.golden("cortex-encodings/" + name + ".bin");
            JsonNode meta = sidecar(bin);
            Chunk g =
                    ChunkCodec.decode(
                            meta.get("user").asText(),
                            meta.get("key").asText(),
                            Files.readAllBytes(bin));
            // Non-periodic tables, so one index table covers the years between the chunks. Under
            // our tenant, with one label set per chunk so each is its own series.
            chunks.add(
                    Chunk.of(
                            USER,
                            g.fingerprint(),
                            io.chunkstore.core.model.Labels.of("__name__", "m", "golden", name),
                            g.from(),
                            g.through(),
                            g.encoding(),
                            g.data()));
            wantByMetricName.put(name, meta.get("samples"));
        }
        // A DoubleDelta chunk whose header claims more bytes than a chunk has.
        Chunk template = chunks.get(0);
        byte[] broken = template.data().clone();
        broken[0] = (byte) 0xFF;
        broken[1] = (byte) 0x7F;
        Chunk bad =
                Chunk.of(
                        USER,
                        template.fingerprint(),
                        io.chunkstore.core.model.Labels.of("__name__", "m", "golden", "zz-broken"),
                        template.from(),
                        template.through(),
                        ChunkEncoding.DOUBLE_DELTA,
                        broken);
        chunks.add(bad);
        String badKey = ChunkCodec.encode(bad).externalKey();
        ChunkstoreConfig cfg = ChunkstoreConfig.load(config);
        try (StoreBackends b = StoreBackends.open(cfg, null, null);
                CompositeStore store =
                        CompositeStore.builder(cfg.schemaConfig()).clients(b).build()) {
            b.tableClient("local").createTable(TableDesc.named("index"));
            b.tableClient("local").createTable(TableDesc.named("chunks"));
            chunks.forEach(store::put);
        }
        String[] args = {
            "query",
            "--config",
            config.toString(),
            "--user",
            USER,
            "{__name__=\"m\"}",
            "--from",
            "2019-01-01T00:00:00Z",
            "--to",
            "2023-01-01T00:00:00Z",
            "--samples",
            "--output",
            "json"
        };
        CliRun stops = CliRun.run(args);
        assertThat(stops.exit()).as(stops.toString()).isEqualTo(1);
        assertThat(stops.err())
                .contains("corrupt chunk")
                .contains(badKey)
                .contains("DoubleDelta used length 32767");

        List<String> goOn = new ArrayList<>(List.of(args));
        goOn.add("--skip-undecodable");
        CliRun r = CliRun.run(goOn.toArray(String[]::new));
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("skipped the samples of " + badKey);
        JsonNode series = r.json().get("series");
        assertThat(series).hasSize(4);
        for (JsonNode s : series) {
            String name = s.get("labels").get("golden").asText();
            JsonNode c = s.get("chunks").get(0);
            if (name.equals("zz-broken")) {
                assertThat(c.get("samples").isNull()).isTrue();
                assertThat(c.get("samplesError").asText()).contains(badKey);
            } else {
                assertSamples(c.get("samples"), wantByMetricName.get(name));
                assertThat(c.has("samplesError")).isFalse();
            }
        }
        // Text output: the stale marker by name.
        List<String> text = new ArrayList<>(goOn);
        text.remove("--output");
        text.remove("json");
        CliRun t = CliRun.run(text.toArray(String[]::new));
        assertThat(t.out())
                .contains("  StaleNaN\n")
                .contains("(samples not decoded: corrupt chunk");
    }
}
