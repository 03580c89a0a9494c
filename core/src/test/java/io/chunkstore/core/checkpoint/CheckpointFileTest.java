package io.chunkstore.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chunkstore.core.migrate.Checkpoint;
import io.chunkstore.core.migrate.MigrationPlan.RunIdentity;
import io.chunkstore.core.purge.PurgeCheckpoint;
import io.chunkstore.spi.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The checkpoint file migrate and delete share: what it refuses, and how it writes. */
class CheckpointFileTest {
    @TempDir Path dir;

    private Path file() {
        return dir.resolve("ckpt.json");
    }

    private CheckpointFile delete() {
        return new CheckpointFile(file(), "delete", 1);
    }

    @Test
    void aMissingFileReadsAsNone() {
        assertThat(delete().read()).isEmpty();
    }

    @Test
    void whatIsWrittenReadsBackAndNoTemporaryFileStays() throws IOException {
        CheckpointFile f = delete();
        ObjectNode doc = f.newDocument();
        doc.putObject("run").put("user", "team-a");
        doc.putArray("pending").add("k1");
        f.write(doc);
        // The file as text, against the document written by hand.
        assertThat(
                        new com.fasterxml.jackson.databind.ObjectMapper()
                                .readTree(Files.readString(file())))
                .isEqualTo(
                        new com.fasterxml.jackson.databind.ObjectMapper()
                                .readTree(
                                        "{\"kind\":\"delete\",\"format\":1,"
                                                + "\"run\":{\"user\":\"team-a\"},\"pending\":[\"k1\"]}"));
        assertThat(f.read()).contains(doc);
        doc.putArray("pending").add("k2");
        f.write(doc);
        assertThat(f.read().orElseThrow().path("pending")).hasSize(1);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file());
        }
    }

    @Test
    void aMissingFolderIsCreated() {
        CheckpointFile f = new CheckpointFile(dir.resolve("a/b/ckpt.json"), "delete", 1);
        ObjectNode doc = f.newDocument();
        doc.putObject("run");
        f.write(doc);
        assertThat(f.read()).contains(doc);
    }

    static Stream<Arguments> notACheckpoint() {
        return Stream.of(
                Arguments.of("{\"kind\": \"delete\", \"format\": 1, \"run\": {", "not JSON: "),
                Arguments.of("progress: 12\n", "not JSON: "),
                Arguments.of("", "an empty file"),
                Arguments.of("[1, 2]", "not a JSON object"),
                Arguments.of("42", "not a JSON object"),
                Arguments.of(
                        "{\"kind\": \"migrate\", \"format\": 1, \"run\": {}}", "kind: migrate"),
                Arguments.of("{\"format\": 1, \"run\": {}}", "no kind: delete"),
                Arguments.of("{\"kind\": \"delete\", \"run\": {}}", "no format/run members"),
                Arguments.of("{\"kind\": \"delete\", \"format\": 1}", "no format/run members"));
    }

    @ParameterizedTest
    @MethodSource("notACheckpoint")
    void aCorruptOrForeignFileIsRefusedSayingWhatToDo(String content, String why)
            throws IOException {
        Files.writeString(file(), content);
        assertThatThrownBy(() -> delete().read())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "checkpoint " + file() + " is not a delete checkpoint (" + why)
                .hasMessageEndingWith("); remove it or give another --checkpoint file");
    }

    @Test
    void bytesThatAreNotTextAreRefusedAsNotJson() throws IOException {
        Files.write(
                file(), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, (byte) 0xff, (byte) 0xfe});
        assertThatThrownBy(() -> delete().read())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not a delete checkpoint (not JSON: ");
    }

    @Test
    void anotherFormatIsRefusedNamingBoth() throws IOException {
        Files.writeString(file(), "{\"kind\": \"delete\", \"format\": 2, \"run\": {}}");
        assertThatThrownBy(() -> delete().read())
                .isInstanceOf(ConfigException.class)
                .hasMessage("checkpoint " + file() + " has format 2; this version reads format 1");
    }

    @Test
    void aFileWithoutKindIsReadOnlyWhenAcceptedSo() throws IOException {
        Files.writeString(file(), "{\"format\": 1, \"run\": {\"a\": \"b\"}}");
        assertThat(delete().acceptingNoKind().read().orElseThrow().path("run").path("a").asText())
                .isEqualTo("b");
        assertThatThrownBy(() -> delete().read()).hasMessageContaining("(no kind: delete)");
    }

    @Test
    void aFailedWriteLeavesThePreviousCheckpoint() throws IOException {
        CheckpointFile f = delete();
        ObjectNode doc = f.newDocument();
        doc.putObject("run").put("n", "1");
        f.write(doc);
        String before = Files.readString(file());
        // The temporary file's name taken by a folder with something in it: the write cannot open
        // it.
        Path tmp = dir.resolve(".ckpt.json.tmp-" + ProcessHandle.current().pid());
        Files.createDirectories(tmp.resolve("x"));
        doc.putObject("run").put("n", "2");
        assertThatThrownBy(() -> f.write(doc))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("cannot write checkpoint " + file() + ": ");
        assertThat(Files.readString(file())).isEqualTo(before);
    }

    @Test
    void aRootDirectoryIsNotACheckpointFile() {
        Path root = dir.getRoot();
        assertThatThrownBy(() -> new CheckpointFile(root, "delete", 1))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("names a root directory");
    }

    @Test
    void anotherRunIsRefusedNamingEachDifferenceInNameOrder() {
        List<String> d =
                CheckpointFile.differences(
                        Map.of("user", "a", "selector", "up", "from", "1"),
                        Map.of("user", "a", "selector", "down", "to", "2"));
        assertThat(d)
                .containsExactly(
                        "from 1 (checkpoint) vs null (now)",
                        "selector up (checkpoint) vs down (now)",
                        "to null (checkpoint) vs 2 (now)");
        assertThat(delete().otherRun("delete", d))
                .hasMessage(
                        "checkpoint "
                                + file()
                                + " belongs to a different delete: from 1 (checkpoint) vs null (now);"
                                + " selector up (checkpoint) vs down (now); to null (checkpoint) vs 2"
                                + " (now). Rerun with the checkpoint's parameters to resume it, or give"
                                + " a new --checkpoint file");
    }

    // ---- through its owners

    private static final RunIdentity RUN =
            new RunIdentity(
                    "src.yaml",
                    "dst.yaml",
                    0,
                    3_600_000,
                    Map.of("a", "a"),
                    List.of("up"),
                    3_600_000);

    @Test
    void migrateAndDeleteRefuseEachOthersCheckpoint() throws IOException {
        Path migrate = dir.resolve("migrate.json");
        Files.writeString(
                migrate,
                "{\"kind\": \"migrate\", \"format\": 1, \"run\": {\"source\": \"src.yaml\"}}");
        assertThatThrownBy(() -> PurgeCheckpoint.open(migrate, Map.of("user", "a")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not a delete checkpoint (kind: migrate)");
        Path delete = dir.resolve("delete.json");
        Files.writeString(
                delete, "{\"kind\": \"delete\", \"format\": 1, \"run\": {\"user\": \"a\"}}");
        assertThat(PurgeCheckpoint.open(delete, Map.of("user", "a")).pending()).isEmpty();
        assertThatThrownBy(() -> Checkpoint.open(delete, RUN))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not a migrate checkpoint (kind: delete)");
    }

    @Test
    void aMigrateCheckpointWrittenBeforeTheKindMemberStillResumes() throws IOException {
        // The layout migrate wrote before checkpoints named their kind (docs/migrate.md).
        Files.writeString(
                file(),
                """
                { "format": 1,
                  "run": { "source": "src.yaml", "destination": "dst.yaml", "from": 0,
                           "to": 3600000, "tenants": {"a": "a"}, "selectors": ["up"],
                           "shardByMs": 3600000 },
                  "shards": { "a/0": { "state": "DONE", "found": 3, "copied": 3, "bytes": 300,
                                       "failures": [] } } }
                """,
                StandardCharsets.UTF_8);
        assertThat(Checkpoint.open(file(), RUN).doneShards()).containsExactly("a/0");
    }
}
