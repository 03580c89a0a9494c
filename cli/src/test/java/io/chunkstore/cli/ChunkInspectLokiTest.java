package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.LokiChunk;
import io.chunkstore.loki.chunkenc.ChunkFormat;
import io.chunkstore.loki.chunkenc.Codec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chunk inspect} on a Loki chunk decodes and verifies its MemChunk (block checksums, every
 * entry) and sums its entries up; a corrupted one exits 1. Before, a Loki chunk's data was not
 * decoded at all and a corrupted one exited 0.
 */
class ChunkInspectLokiTest {
    @TempDir Path tmp;

    static final long T0 = 1_700_000_000_000_000_000L;

    static List<LogEntry> entries() {
        List<LogEntry> entries = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            entries.add(
                    LogEntry.of(T0 + i * 1_000_000L, "GET /api/v1/items/" + i + " 200 " + i % 7));
        }
        return entries;
    }

    @Test
    void aLokiChunkIsDecodedAndSummedUp() throws Exception {
        List<LogEntry> entries = entries();
        ChunkCodec.Encoded enc =
                LokiChunk.encode(
                        "fake", Labels.of("job", "api"), ChunkFormat.V4, Codec.GZIP, 4096, entries);
        Path file = Files.write(tmp.resolve("chunk.bin"), enc.bytes());
        CliRun r = CliRun.run("chunk", "inspect", "--key", enc.externalKey(), file.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode logs = r.json().get("logs");
        assertThat(logs).as(r.out()).isNotNull();
        long bytes = 0;
        for (LogEntry e : entries) {
            bytes += e.lineString().getBytes(StandardCharsets.UTF_8).length;
        }
        assertThat(logs.get("entries").asLong()).isEqualTo(500);
        assertThat(logs.get("lineBytes").asLong()).isEqualTo(bytes);
        assertThat(logs.get("firstNs").asLong()).isEqualTo(T0);
        assertThat(logs.get("lastNs").asLong()).isEqualTo(T0 + 499 * 1_000_000L);
        assertThat(logs.get("blocks").asInt()).isGreaterThan(1);
        assertThat(logs.get("codec").asText()).isNotEmpty();
    }

    @Test
    void aCorruptedLokiChunkExitsOne() throws Exception {
        ChunkCodec.Encoded enc =
                LokiChunk.encode(
                        "fake",
                        Labels.of("job", "api"),
                        ChunkFormat.V4,
                        Codec.GZIP,
                        4096,
                        entries());
        byte[] bytes = enc.bytes().clone();
        // a byte inside the MemChunk's blocks; without --key the envelope's checksum is not
        // checked, so only the MemChunk's own checks can find it
        int at = bytes.length - bytes.length / 3;
        bytes[at] ^= 0x5a;
        Path file = Files.write(tmp.resolve("corrupt.bin"), bytes);
        CliRun r = CliRun.run("chunk", "inspect", file.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isNotEmpty();
    }
}
