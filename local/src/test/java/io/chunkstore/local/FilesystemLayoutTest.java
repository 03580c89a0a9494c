package io.chunkstore.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.ObjectClient.ListResult;
import io.chunkstore.spi.ObjectClient.StorageObject;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chunk files are Cortex's filesystem store, byte for byte and path for path
 * (pkg/chunk/local/fs_object_client.go).
 */
class FilesystemLayoutTest {
    static final String GOLDEN_KEY = "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:d97c78e1";
    static final String GOLDEN_FILE =
            "dXNlcklEL2ZkMzQ3NzY2NmRhY2Y5MmE6MTZhYWIzN2M4ZTg6MTZhYWI2ZWI3Njg6ZDk3Yzc4ZTE=";

    @TempDir Path dir;

    private static byte[] goldenChunk() throws IOException {
        return Files.readAllBytes(Golden.dir().resolve("chunk-d97c78e1.bin"));
    }

    @Test
    void aChunkIsOneFileNamedByTheBase64OfItsExternalKey() throws IOException {
        byte[] golden = goldenChunk();
        try (LocalBackend b = LocalBackend.open(dir)) {
            b.chunkClient().putChunks(List.of(new EncodedChunk(GOLDEN_KEY, "chunks_2591", golden)));
        }
        Path file = dir.resolve("chunks").resolve(GOLDEN_FILE);
        assertThat(file).isRegularFile();
        assertThat(Files.readAllBytes(file)).isEqualTo(golden);
        try (var files = Files.list(dir.resolve("chunks"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(GOLDEN_FILE);
        }
    }

    @Test
    void aChunkDirectoryWrittenByCortexIsReadInPlaceByTheFilesystemStore() throws IOException {
        byte[] golden = goldenChunk();
        Files.write(dir.resolve(GOLDEN_FILE), golden);
        try (StorageBackend b =
                StorageProviders.open(
                        new BackendContext(
                                "filesystem",
                                Map.of("filesystem", Map.of("directory", dir.toString())),
                                null,
                                null))) {
            assertThat(b.getClass()).isEqualTo(LocalBackend.class);
            List<EncodedChunk> got =
                    b.chunkClient().getChunks(List.of(new ChunkLocation(GOLDEN_KEY, "")));
            assertThat(got).containsExactly(new EncodedChunk(GOLDEN_KEY, "", golden));
            assertThatThrownBy(b::indexClient)
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("chunks only");
        }
    }

    @Test
    void slashesInTheBase64NameMakeSubdirectoriesThatDeleteRemovesAgain() {
        // 'ü?' encodes to "w7w/", so Cortex's layout puts this chunk in the sub-directory w7w.
        String key = "ü?/fd3477666dacf92a:16aab37c8e8:16aab6eb768:d97c78e1";
        try (LocalBackend b = LocalBackend.open(dir)) {
            b.chunkClient().putChunks(List.of(new EncodedChunk(key, "", new byte[] {1, 2, 3})));
            Path file =
                    dir.resolve("chunks")
                            .resolve("w7w")
                            .resolve(
                                    "L2ZkMzQ3NzY2NmRhY2Y5MmE6MTZhYWIzN2M4ZTg6MTZhYWI2ZWI3Njg6ZDk3Yzc4ZTE=");
            assertThat(file).isRegularFile().hasBinaryContent(new byte[] {1, 2, 3});
            b.chunkClient().deleteChunk(new ChunkLocation(key, ""));
            assertThat(file).doesNotExist();
            assertThat(dir.resolve("chunks").resolve("w7w"))
                    .as("emptied parent directory")
                    .doesNotExist();
            assertThat(dir.resolve("chunks")).as("the root stays").isDirectory();
        }
    }

    @Test
    void listingWithAndWithoutDelimiterAndModificationTimes() throws IOException {
        FilesystemObjectClient fs = new FilesystemObjectClient(dir, true);
        for (String k : List.of("a/b/c", "a/b/d", "a/e", "f", "ab")) {
            fs.putObject(k, k.getBytes());
        }
        Instant t = Instant.parse("2020-01-02T03:04:05Z");
        Files.setLastModifiedTime(dir.resolve("a").resolve("e"), FileTime.from(t));

        ListResult all = fs.list("", "");
        assertThat(all.objects())
                .extracting(StorageObject::key)
                .containsExactly("a/b/c", "a/b/d", "a/e", "ab", "f");
        assertThat(all.commonPrefixes()).isEmpty();
        assertThat(all.objects())
                .filteredOn(o -> o.key().equals("a/e"))
                .extracting(StorageObject::modifiedAt)
                .containsExactly(t);

        ListResult top = fs.list("", "/");
        assertThat(top.objects()).extracting(StorageObject::key).containsExactly("ab", "f");
        assertThat(top.commonPrefixes()).containsExactly("a/");

        ListResult underA = fs.list("a/", "/");
        assertThat(underA.objects()).extracting(StorageObject::key).containsExactly("a/e");
        assertThat(underA.commonPrefixes()).containsExactly("a/b/");

        assertThat(fs.list("a", "").objects())
                .extracting(StorageObject::key)
                .containsExactly("a/b/c", "a/b/d", "a/e", "ab");
        assertThat(fs.list("a/b/", "").objects())
                .extracting(StorageObject::key)
                .containsExactly("a/b/c", "a/b/d");
        assertThat(fs.list("nothing/", "").objects()).isEmpty();
        assertThatThrownBy(() -> fs.list("", ":"))
                .isInstanceOf(io.chunkstore.spi.InvalidRequestException.class)
                .hasMessageContaining("delimiters");
    }

    @Test
    void keysAreCleanedLikeGoFilepathJoinAndCannotLeaveTheDirectory() {
        FilesystemObjectClient fs = new FilesystemObjectClient(dir, false);
        assertThat(fs.pathFor("a//b/./c")).isEqualTo(dir.toAbsolutePath().resolve("a/b/c"));
        assertThat(fs.pathFor("/a/")).isEqualTo(dir.toAbsolutePath().resolve("a"));
        assertThatThrownBy(() -> fs.pathFor("a/../../etc/passwd"))
                .isInstanceOf(io.chunkstore.spi.InvalidRequestException.class)
                .hasMessageContaining("..");
        assertThatThrownBy(() -> fs.pathFor("//"))
                .isInstanceOf(io.chunkstore.spi.InvalidRequestException.class);
        assertThatThrownBy(() -> fs.pathFor("x/" + FilesystemObjectClient.TEMP_PREFIX + "1"))
                .isInstanceOf(io.chunkstore.spi.InvalidRequestException.class);
    }
}
