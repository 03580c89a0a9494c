package io.chunkstore.loki.chunkenc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.model.Label;
import io.chunkstore.loki.LogEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The golden Loki chunks of testdata/golden/loki: each .bin (a whole stored chunk) with its .json
 * sidecar.
 */
public record GoldenLoki(String name, byte[] stored, JsonNode sidecar) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Path dir() {
        String prop = System.getProperty("chunkstore.golden.dir");
        if (prop != null && Files.isDirectory(Paths.get(prop, "loki"))) {
            return Paths.get(prop, "loki");
        }
        for (Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
                p != null;
                p = p.getParent()) {
            Path candidate = p.resolve("testdata/golden/loki");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "testdata/golden/loki not found (set -Dchunkstore.golden.dir)");
    }

    public static List<GoldenLoki> all() {
        try (Stream<Path> files = Files.list(dir())) {
            List<GoldenLoki> out = new ArrayList<>();
            for (Path bin : files.filter(p -> p.toString().endsWith(".bin")).sorted().toList()) {
                String name = bin.getFileName().toString().replace(".bin", "");
                out.add(
                        new GoldenLoki(
                                name,
                                Files.readAllBytes(bin),
                                JSON.readTree(bin.resolveSibling(name + ".json").toFile())));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static GoldenLoki named(String name) {
        return all().stream()
                .filter(g -> g.name.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no golden " + name));
    }

    /** The MemChunk bytes out of the envelope, by the sidecar's data_offset and memchunk_len. */
    public byte[] memChunk() {
        int off = sidecar.get("data_offset").asInt();
        return Arrays.copyOfRange(stored, off, off + sidecar.get("memchunk_len").asInt());
    }

    public int formatVersion() {
        return sidecar.get("chunk_format").asInt();
    }

    public int codecId() {
        return sidecar.get("codec_id").asInt();
    }

    public String codecName() {
        return sidecar.get("codec").asText();
    }

    public String externalKey() {
        return sidecar.get("external_key").asText();
    }

    public String externalKeyPreV12() {
        return sidecar.get("external_key_pre_v12").asText();
    }

    public int dataOffset() {
        return sidecar.get("data_offset").asInt();
    }

    public List<LogEntry> entriesForward() {
        List<LogEntry> out = new ArrayList<>();
        for (JsonNode e : sidecar.get("entries_forward")) {
            List<Label> sm = new ArrayList<>();
            for (JsonNode pair : e.get("structured_metadata")) {
                sm.add(new Label(pair.get(0).asText(), pair.get(1).asText()));
            }
            out.add(
                    new LogEntry(
                            e.get("ts").asLong(),
                            HexFormat.of().parseHex(e.get("line_hex").asText()),
                            sm));
        }
        return out;
    }

    public List<JsonNode> blocks() {
        List<JsonNode> out = new ArrayList<>();
        sidecar.get("blocks").forEach(out::add);
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}
