package io.chunkstore.local;

import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.support.ConfigBinder;
import io.chunkstore.spi.support.ConfigKey;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the local store: the {@code local:} block of the storage config (Loki {@code
 * storage_config:}, Cortex {@code storage:}); its keys are {@link Block}'s (and
 * docs/configuration.md).
 *
 * @param indexDirectory where the RocksDB index lives
 * @param chunksDirectory root of the chunk files (Cortex's {@code filesystem} layout)
 * @param syncWrites whether a write is on disk (WAL synced, chunk files and directories fsynced)
 *     before the call returns; when false a machine crash may lose the last writes (never tear
 *     them)
 * @param queryPageSize most entries in one page
 * @param queryPageBytes most range value plus value bytes in one page (a larger single entry gets a
 *     page alone)
 * @param queryConcurrency queries of one {@code queryPages} call that run at once
 * @param chunkConcurrency chunk files of one call read or written at once
 * @param memory the index's native memory and file bounds
 */
public record LocalConfig(
        Path indexDirectory,
        Path chunksDirectory,
        boolean syncWrites,
        int queryPageSize,
        int queryPageBytes,
        int queryConcurrency,
        int chunkConcurrency,
        Memory memory) {

    /**
     * The bounds of the index's native memory and open files, whatever the number of tables.
     *
     * @param blockCacheBytes capacity of the one block cache (data, index and filter blocks);
     *     memtables are charged to it, so RocksDB's memory stays near this number
     * @param writeBufferBytes all memtables together (one write-buffer manager); a flush writes at
     *     most this much, so a write is refused while the index's disk has less free space than
     *     this
     * @param maxOpenFiles SST files kept open at once
     */
    public record Memory(long blockCacheBytes, long writeBufferBytes, int maxOpenFiles) {
        public static final Memory DEFAULT = new Memory(128L << 20, 64L << 20, 512);

        public Memory {
            positive("block_cache_bytes", blockCacheBytes);
            positive("write_buffer_bytes", writeBufferBytes);
            positive("max_open_files", maxOpenFiles);
        }
    }

    /** The config block's name. */
    public static final String BLOCK = "local";

    public static final int DEFAULT_QUERY_PAGE_SIZE = 1000;
    public static final int DEFAULT_QUERY_PAGE_BYTES = 1 << 20;
    public static final int DEFAULT_QUERY_CONCURRENCY = 16;
    public static final int DEFAULT_CHUNK_CONCURRENCY = 32;

    public LocalConfig {
        Objects.requireNonNull(indexDirectory, "indexDirectory");
        Objects.requireNonNull(chunksDirectory, "chunksDirectory");
        positive("query_page_size", queryPageSize);
        positive("query_page_bytes", queryPageBytes);
        positive("query_concurrency", queryConcurrency);
        positive("chunk_concurrency", chunkConcurrency);
        Objects.requireNonNull(memory, "memory");
    }

    /** Defaults under one directory: {@code index/} and {@code chunks/} inside it. */
    public static LocalConfig under(Path directory) {
        return new LocalConfig(
                directory.resolve("index"),
                directory.resolve("chunks"),
                true,
                DEFAULT_QUERY_PAGE_SIZE,
                DEFAULT_QUERY_PAGE_BYTES,
                DEFAULT_QUERY_CONCURRENCY,
                DEFAULT_CHUNK_CONCURRENCY,
                Memory.DEFAULT);
    }

    public LocalConfig withSyncWrites(boolean v) {
        return new LocalConfig(
                indexDirectory,
                chunksDirectory,
                v,
                queryPageSize,
                queryPageBytes,
                queryConcurrency,
                chunkConcurrency,
                memory);
    }

    public LocalConfig withQueryPaging(int entries, int bytes) {
        return new LocalConfig(
                indexDirectory,
                chunksDirectory,
                syncWrites,
                entries,
                bytes,
                queryConcurrency,
                chunkConcurrency,
                memory);
    }

    public LocalConfig withQueryConcurrency(int v) {
        return new LocalConfig(
                indexDirectory,
                chunksDirectory,
                syncWrites,
                queryPageSize,
                queryPageBytes,
                v,
                chunkConcurrency,
                memory);
    }

    public LocalConfig withMemory(Memory v) {
        return new LocalConfig(
                indexDirectory,
                chunksDirectory,
                syncWrites,
                queryPageSize,
                queryPageBytes,
                queryConcurrency,
                chunkConcurrency,
                v);
    }

    /**
     * The {@code local:} block as written in YAML, bound by {@link ConfigBinder}.
     *
     * @param directory {@code directory}
     * @param indexDirectory {@code index_directory}, "" for {@code <directory>/index}
     * @param chunksDirectory {@code chunks_directory}, "" for {@code <directory>/chunks}
     * @param syncWrites {@code sync_writes}
     * @param queryPageSize {@code query_page_size}
     * @param queryPageBytes {@code query_page_bytes}
     * @param queryConcurrency {@code query_concurrency}
     * @param chunkConcurrency {@code chunk_concurrency}
     * @param blockCacheBytes {@code block_cache_bytes}
     * @param writeBufferBytes {@code write_buffer_bytes}
     * @param maxOpenFiles {@code max_open_files}
     */
    public record Block(
            @ConfigKey(
                            value = "directory",
                            doc =
                                    "Root of the store: the index in <directory>/index, the chunks in"
                                            + " <directory>/chunks. Required unless both index_directory and chunks_directory are given.")
                    String directory,
            @ConfigKey(
                            value = "index_directory",
                            doc =
                                    "Where the RocksDB index lives, instead of"
                                            + " <directory>/index.")
                    String indexDirectory,
            @ConfigKey(
                            value = "chunks_directory",
                            doc =
                                    "Root of the chunk files (Cortex's filesystem layout),"
                                            + " instead of <directory>/chunks.")
                    String chunksDirectory,
            @ConfigKey(
                            value = "sync_writes",
                            dflt = "true",
                            doc =
                                    "Whether a write is on disk (WAL synced, chunk"
                                            + " files and directories fsynced) before it returns; when false a machine crash may lose the"
                                            + " last writes (never tear them).")
                    boolean syncWrites,
            @ConfigKey(
                            value = "query_page_size",
                            dflt = "" + DEFAULT_QUERY_PAGE_SIZE,
                            min = 1,
                            doc = "Most entries in one page of an index query.")
                    int queryPageSize,
            @ConfigKey(
                            value = "query_page_bytes",
                            dflt = "1MiB",
                            min = 1,
                            bytes = true,
                            doc =
                                    "Most range value"
                                            + " plus value bytes in one page (a larger single entry gets a page alone).")
                    int queryPageBytes,
            @ConfigKey(
                            value = "query_concurrency",
                            dflt = "" + DEFAULT_QUERY_CONCURRENCY,
                            min = 1,
                            doc = "Queries of one index call that run at once.")
                    int queryConcurrency,
            @ConfigKey(
                            value = "chunk_concurrency",
                            dflt = "" + DEFAULT_CHUNK_CONCURRENCY,
                            min = 1,
                            doc = "Chunk files of one call read or written at once.")
                    int chunkConcurrency,
            @ConfigKey(
                            value = "block_cache_bytes",
                            dflt = "128MiB",
                            min = 1,
                            bytes = true,
                            doc =
                                    "Capacity of the"
                                            + " index's one RocksDB block cache (data, index and filter blocks); the memtables are charged to"
                                            + " it, so the index's native memory stays near this, whatever the number of tables.")
                    long blockCacheBytes,
            @ConfigKey(
                            value = "write_buffer_bytes",
                            dflt = "64MiB",
                            min = 1,
                            bytes = true,
                            doc =
                                    "All memtables"
                                            + " together (one write-buffer manager); also the free disk space a write needs, since a flush"
                                            + " writes at most this much.")
                    long writeBufferBytes,
            @ConfigKey(
                            value = "max_open_files",
                            dflt = "512",
                            min = 1,
                            doc = "SST files RocksDB keeps open at" + " once.")
                    int maxOpenFiles) {}

    /**
     * The {@code filesystem:} block of Cortex and Loki: chunks only, in one directory.
     *
     * @param directory {@code directory}
     */
    public record Filesystem(
            @ConfigKey(
                            value = "directory",
                            doc =
                                    "The chunk directory, as in Cortex and Loki."
                                            + " Required for store filesystem.")
                    String directory) {}

    /**
     * Reads the {@code local:} block.
     *
     * @throws ConfigException naming the key when a key is unknown, mistyped or out of range, or
     *     when no directory is given
     */
    public static LocalConfig fromBlock(Map<String, Object> block) {
        Block b = ConfigBinder.bind(Block.class, block, BLOCK);
        Path dir = path(b.directory(), "directory");
        Path index = path(b.indexDirectory(), "index_directory");
        Path chunks = path(b.chunksDirectory(), "chunks_directory");
        if (dir == null && (index == null || chunks == null)) {
            throw new ConfigException(
                    "the local store needs storage config key "
                            + BLOCK
                            + ".directory (or both "
                            + BLOCK
                            + ".index_directory and "
                            + BLOCK
                            + ".chunks_directory)");
        }
        return new LocalConfig(
                index != null ? index : dir.resolve("index"),
                chunks != null ? chunks : dir.resolve("chunks"),
                b.syncWrites(),
                b.queryPageSize(),
                b.queryPageBytes(),
                b.queryConcurrency(),
                b.chunkConcurrency(),
                new Memory(b.blockCacheBytes(), b.writeBufferBytes(), b.maxOpenFiles()));
    }

    /** A directory key as a path; null when not given. */
    static Path path(String value, String key) {
        if (value.isEmpty()) {
            return null;
        }
        if (value.isBlank()) {
            throw new ConfigException(
                    BLOCK + "." + key + " must be a directory path, not '" + value + "'");
        }
        return Path.of(value);
    }

    private static void positive(String key, long v) {
        if (v < 1) {
            throw new ConfigException(BLOCK + "." + key + " must be at least 1, not " + v);
        }
    }
}
