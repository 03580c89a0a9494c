package io.chunkstore.local;

import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProvider;
import io.chunkstore.spi.support.ConfigBinder;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Opens the embedded stores by name: {@code local} (index in RocksDB plus chunk files; config block
 * {@code local:}, see {@link LocalConfig}) and {@code filesystem} (chunk files only, Cortex's and
 * Loki's {@code filesystem:} block with its {@code directory} key, so an existing Cortex or Loki
 * chunk directory is read in place). It does not answer to {@code boltdb}: Cortex's BoltDB index
 * files are a different format, and an empty RocksDB index opened in their place would silently
 * hide the data.
 */
public final class LocalStorageProvider implements StorageProvider {

    @Override
    public Set<String> storeNames() {
        return Set.of("local", "filesystem");
    }

    @Override
    public Capabilities capabilities(String storeName) {
        return switch (storeName) {
            case "local" -> LocalBackend.LOCAL;
            case "filesystem" -> LocalBackend.FILESYSTEM;
            default ->
                    throw new ConfigException(
                            "the local provider does not open store '" + storeName + "'");
        };
    }

    @Override
    public StorageBackend open(BackendContext context) {
        return switch (context.storeName()) {
            case "local" ->
                    LocalBackend.open(
                            LocalConfig.fromBlock(context.block(LocalConfig.BLOCK)),
                            context.metrics(),
                            context.metricName(""));
            case "filesystem" -> openFilesystem(context.block("filesystem"));
            default ->
                    throw new ConfigException(
                            "the local provider does not open store '" + context.storeName() + "'");
        };
    }

    private static StorageBackend openFilesystem(Map<String, Object> block) {
        LocalConfig.Filesystem fs =
                ConfigBinder.bind(LocalConfig.Filesystem.class, block, "filesystem");
        if (fs.directory().isBlank()) {
            throw new ConfigException(
                    "the filesystem store needs storage config key filesystem.directory (the chunk"
                            + " directory, as in Cortex and Loki)");
        }
        return LocalBackend.openFilesystem(
                Path.of(fs.directory()), true, LocalConfig.DEFAULT_CHUNK_CONCURRENCY);
    }
}
