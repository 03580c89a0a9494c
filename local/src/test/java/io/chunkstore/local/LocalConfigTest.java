package io.chunkstore.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProvider;
import io.chunkstore.spi.StorageProviders;
import io.chunkstore.spi.TableDesc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code local:} config block, and opening the stores by name through the provider SPI. */
class LocalConfigTest {
    @TempDir Path dir;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(String text) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readValue(text, Map.class);
    }

    @Test
    void defaultsUnderOneDirectory() throws Exception {
        LocalConfig c = LocalConfig.fromBlock(yaml("directory: /var/lib/chunkstore"));
        assertThat(c.indexDirectory()).isEqualTo(Path.of("/var/lib/chunkstore/index"));
        assertThat(c.chunksDirectory()).isEqualTo(Path.of("/var/lib/chunkstore/chunks"));
        assertThat(c.syncWrites()).isTrue();
        assertThat(c.queryPageSize()).isEqualTo(1000);
        assertThat(c.queryPageBytes()).isEqualTo(1 << 20);
        assertThat(c.queryConcurrency()).isEqualTo(16);
        assertThat(c.chunkConcurrency()).isEqualTo(32);
    }

    @Test
    void everyKeyIsRead() throws Exception {
        LocalConfig c =
                LocalConfig.fromBlock(
                        yaml(
                                """
                directory: /d
                index_directory: /fast/index
                chunks_directory: /big/chunks
                sync_writes: false
                query_page_size: 250
                query_page_bytes: "65536"
                query_concurrency: 4
                chunk_concurrency: 100
                block_cache_bytes: 8589934592
                write_buffer_bytes: "1048576"
                max_open_files: 64
                """));
        assertThat(c)
                .isEqualTo(
                        new LocalConfig(
                                Path.of("/fast/index"),
                                Path.of("/big/chunks"),
                                false,
                                250,
                                65536,
                                4,
                                100,
                                new LocalConfig.Memory(8L << 30, 1 << 20, 64)));
    }

    @Test
    void mistakesAreNamed() throws Exception {
        assertThatThrownBy(() -> LocalConfig.fromBlock(yaml("chunk_directory: /x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("chunk_directory")
                .hasMessageContaining("chunks_directory");
        assertThatThrownBy(() -> LocalConfig.fromBlock(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("local.directory");
        assertThatThrownBy(() -> LocalConfig.fromBlock(yaml("index_directory: /i")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("local.chunks_directory");
        assertThatThrownBy(() -> LocalConfig.fromBlock(yaml("{directory: /d, query_page_size: 0}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("local.query_page_size");
        assertThatThrownBy(
                        () ->
                                LocalConfig.fromBlock(
                                        yaml("{directory: /d, query_concurrency: lots}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> LocalConfig.fromBlock(yaml("{directory: /d, sync_writes: maybe}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("local.sync_writes");
        assertThatThrownBy(() -> LocalConfig.fromBlock(yaml("{directory: /d, max_open_files: 0}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("local.max_open_files");
        assertThatThrownBy(() -> LocalConfig.fromBlock(yaml("{directory: [a, b]}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("local.directory");
    }

    @Test
    void aLokiStyleStorageConfigOpensTheLocalStoreByName() throws Exception {
        Map<String, Object> storageConfig =
                yaml(
                        """
                local:
                  directory: %s
                  query_page_size: 10
                filesystem:
                  directory: /not/used/by/store/local
                """
                                .formatted(dir));
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (StorageBackend b =
                StorageProviders.open(
                        new BackendContext("local", storageConfig, metrics, "loki"))) {
            assertThat(b.storeName()).isEqualTo("local");
            assertThat(b.capabilities().features())
                    .contains(
                            Feature.INDEX,
                            Feature.CHUNKS,
                            Feature.TABLES,
                            Feature.MISSING_TABLE_ERRORS,
                            Feature.CHUNK_DELETE,
                            Feature.PERSISTENT);
            b.tableClient().createTable(TableDesc.named("loki_index_19000"));
            assertThat(metrics.find("loki_local_index_entries_scanned").counter()).isNotNull();
        }
        assertThat(dir.resolve("index")).isDirectory();
        assertThat(dir.resolve("chunks")).isDirectory();
    }

    @Test
    void theProviderAnswersToLocalAndFilesystemButNotBoltdb() {
        StorageProvider p = StorageProviders.forStore("local");
        assertThat(p).isInstanceOf(LocalStorageProvider.class);
        assertThat(StorageProviders.forStore("filesystem"))
                .isInstanceOf(LocalStorageProvider.class);
        assertThat(p.capabilities("filesystem").features())
                .containsExactlyInAnyOrder(
                        Feature.CHUNKS, Feature.CHUNK_DELETE, Feature.PERSISTENT);
        assertThatThrownBy(() -> StorageProviders.forStore("boltdb"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("local");
        assertThatThrownBy(
                        () ->
                                StorageProviders.open(
                                        new BackendContext("filesystem", Map.of(), null, null)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("filesystem.directory");
        assertThatThrownBy(
                        () ->
                                StorageProviders.open(
                                        new BackendContext("local", Map.of(), null, null)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("local.directory");
    }
}
