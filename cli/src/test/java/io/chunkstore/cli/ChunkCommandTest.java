package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code chunkstore chunk inspect|encode} through the real command line. */
class ChunkCommandTest {
    static final String KEY_D97 = "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:d97c78e1";

    record Run(int exit, String out, String err) {
        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(out);
        }
    }

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Path golden(String name) {
        String prop = System.getProperty("chunkstore.golden.dir");
        Path dir = prop != null ? Paths.get(prop) : null;
        for (Path p = Paths.get("").toAbsolutePath();
                dir == null || !Files.isDirectory(dir);
                p = p.getParent()) {
            dir = p.resolve("testdata/golden");
        }
        return dir.resolve(name);
    }

    @Test
    void inspectsTheGoldenChunk() throws IOException {
        Run r = run("chunk", "inspect", "--key", KEY_D97, golden("chunk-d97c78e1.bin").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("key").asText()).isEqualTo(KEY_D97);
        assertThat(j.get("verified").asBoolean()).isTrue();
        assertThat(j.get("user").asText()).isEqualTo("userID");
        assertThat(j.get("fingerprint").bigIntegerValue().toString())
                .isEqualTo("18245339272195143978");
        assertThat(r.out()).contains("\"fingerprint\":18245339272195143978,");
        assertThat(j.get("fingerprintHex").asText()).isEqualTo("fd3477666dacf92a");
        assertThat(j.get("from").asLong()).isEqualTo(1557650721000L);
        assertThat(j.get("through").asLong()).isEqualTo(1557654321000L);
        assertThat(j.get("labels").toString())
                .isEqualTo("{\"__name__\":\"foo\",\"bar\":\"baz\",\"toms\":\"code\"}");
        assertThat(j.get("encoding").asInt()).isEqualTo(3);
        assertThat(j.get("encodingName").asText()).isEqualTo("Bigchunk");
        assertThat(j.get("checksum").asText()).isEqualTo("d97c78e1");
        assertThat(j.get("dataLength").asInt()).isEqualTo(21);
        assertThat(j.get("samples").toString()).isEqualTo("[[1557654321000,0.0]]");
    }

    @Test
    void inspectsTheOlderChunkAndWithoutAKey() throws IOException {
        Run r =
                run(
                        "chunk",
                        "inspect",
                        "--key",
                        "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:38eb373c",
                        golden("chunk-38eb373c.bin").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.json().get("labels").toString())
                .isEqualTo("{\"__name__\":\"foo\",\"bar\":\"baz\",\"toms\":\"code\"}");
        Run unkeyed = run("chunk", "inspect", golden("chunk-d97c78e1.bin").toString());
        assertThat(unkeyed.exit()).isZero();
        assertThat(unkeyed.json().get("key").asText()).isEqualTo(KEY_D97);
        assertThat(unkeyed.json().get("verified").asBoolean()).isFalse();
    }

    @Test
    void aChunkThatFailsItsKeyExitsOneWithTheReason(@TempDir Path dir) throws IOException {
        Run wrongSum =
                run(
                        "chunk",
                        "inspect",
                        "--key",
                        KEY_D97.replace("d97c78e1", "d97c78e2"),
                        golden("chunk-d97c78e1.bin").toString());
        assertThat(wrongSum.exit()).isEqualTo(1);
        assertThat(wrongSum.out()).isEmpty();
        assertThat(wrongSum.err()).contains("invalid chunk checksum");

        byte[] corrupt = Files.readAllBytes(golden("chunk-d97c78e1.bin"));
        corrupt[183 + 4 + 2] = 0x50; // the Bigchunk sub-chunk now claims 80 bytes
        Path f = dir.resolve("corrupt.bin");
        Files.write(f, corrupt);
        Run unkeyed = run("chunk", "inspect", f.toString());
        assertThat(unkeyed.exit()).isEqualTo(1);
        assertThat(unkeyed.err()).contains("corrupt chunk");

        Run wrongMeta =
                run(
                        "chunk",
                        "inspect",
                        "--key",
                        "userID/fd3477666dacf92b:16aab37c8e8:16aab6eb768:d97c78e1",
                        golden("chunk-d97c78e1.bin").toString());
        assertThat(wrongMeta.exit()).isEqualTo(1);
        assertThat(wrongMeta.err()).contains("wrong chunk metadata");

        Run badKey =
                run(
                        "chunk",
                        "inspect",
                        "--key",
                        "userID/zz",
                        golden("chunk-d97c78e1.bin").toString());
        assertThat(badKey.exit()).isEqualTo(1);
        assertThat(badKey.err()).contains("invalid chunk ID");

        assertThat(run("chunk", "inspect", dir.resolve("missing").toString()).exit())
                .isEqualTo(ExitCodes.USAGE);
        // An endless device is refused at the size cap, not read until the heap runs out.
        Run endless = run("chunk", "inspect", "/dev/zero");
        assertThat(endless.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(endless.err()).contains("/dev/zero", "256 MiB", "not a chunk file");
    }

    @Test
    void encodeWritesABigchunkThatInspectReadsBack(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.bin");
        Run enc =
                run(
                        "chunk",
                        "encode",
                        "--user",
                        "tenant-1",
                        "--labels",
                        "{__name__=\"up\", job=\"a\\\"b\"}",
                        "--samples",
                        "1600000000000:1, 1600000015000:NaN,1600000030000:-Inf,1600000045000:2.5e3",
                        "--out",
                        f.toString());
        assertThat(enc.exit()).as(enc.err()).isZero();
        String key = enc.out().strip();
        // Fingerprint: FNV-1a 64 of the labels, computed independently.
        assertThat(key).matches("tenant-1/707d82afceb2221b:174876e8000:174876f2fc8:[0-9a-f]{1,8}");
        Run r = run("chunk", "inspect", "--key", key, f.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.json().get("samples").toString())
                .isEqualTo(
                        "[[1600000000000,1.0],[1600000015000,\"NaN\"],[1600000030000,\"-Inf\"],"
                                + "[1600000045000,2500.0]]");
        assertThat(r.json().get("labels").toString())
                .isEqualTo("{\"__name__\":\"up\",\"job\":\"a\\\"b\"}");

        Run v12 =
                run(
                        "chunk",
                        "encode",
                        "--user",
                        "u",
                        "--labels",
                        "{a=\"b\"}",
                        "--samples",
                        "5:1",
                        "--out",
                        dir.resolve("d.bin").toString(),
                        "--key-format",
                        "v12");
        assertThat(v12.out().strip()).matches("u/[0-9a-f]+/5:5:[0-9a-f]+");
        assertThat(
                        run(
                                        "chunk",
                                        "inspect",
                                        "--key",
                                        v12.out().strip(),
                                        dir.resolve("d.bin").toString())
                                .exit())
                .isZero();
    }

    @Test
    void encodeInputErrorsAreUsageErrors(@TempDir Path dir) {
        String out = dir.resolve("x.bin").toString();
        assertThat(
                        run(
                                        "chunk",
                                        "encode",
                                        "--user",
                                        "u",
                                        "--labels",
                                        "{a=~\"b\"}",
                                        "--samples",
                                        "1:1",
                                        "--out",
                                        out)
                                .exit())
                .isEqualTo(ExitCodes.USAGE);
        Run badSample =
                run(
                        "chunk",
                        "encode",
                        "--user",
                        "u",
                        "--labels",
                        "{a=\"b\"}",
                        "--samples",
                        "1:x",
                        "--out",
                        out);
        assertThat(badSample.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badSample.err()).contains("value is not a number");
        assertThat(
                        run(
                                        "chunk",
                                        "encode",
                                        "--user",
                                        "u",
                                        "--labels",
                                        "{a=\"b\"}",
                                        "--samples",
                                        "2:1,1:1",
                                        "--out",
                                        out)
                                .err())
                .contains("must not go backwards");
        assertThat(
                        run("chunk", "encode", "--user", "u", "--labels", "{a=\"b\"}", "--out", out)
                                .exit())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(Files.exists(dir.resolve("x.bin"))).isFalse();
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] args :
                new String[][] {
                    {"chunk", "--help"},
                    {"chunk", "inspect", "--help"},
                    {"chunk", "encode", "--help"}
                }) {
            Run r = run(args);
            assertThat(r.exit()).isZero();
            assertThat(r.out()).contains("Usage: chunkstore chunk");
        }
        assertThat(run("chunk", "encode", "--help").out())
                .contains("--samples")
                .contains("--key-format");
    }
}
