package io.chunkstore.local;

import io.chunkstore.spi.ConfigException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settings of the local store: the {@code local:} block of the storage config (Loki {@code storage_config:}, Cortex
 * {@code storage:}). YAML keys:
 *
 * <pre>
 * local:
 *   directory: /var/lib/chunkstore   # index in &lt;directory&gt;/index, chunks in &lt;directory&gt;/chunks
 *   index_directory: ...            # optional, overrides &lt;directory&gt;/index
 *   chunks_directory: ...           # optional, overrides &lt;directory&gt;/chunks
 *   sync_writes: true               # fsync / WAL sync before a write returns
 *   query_page_size: 1000           # most entries in one page of an index query
 *   query_page_bytes: 1048576       # most range value + value bytes in one page
 *   query_concurrency: 16           # queries of one call run at once
 *   chunk_concurrency: 32           # chunk files of one call read or written at once
 *   block_cache_bytes: 134217728    # RocksDB's one block cache; the memtables are charged to it too
 *   write_buffer_bytes: 67108864    # all memtables together; also the free disk space writes need
 *   max_open_files: 512             # SST files RocksDB keeps open at once
 * </pre>
 *
 * @param indexDirectory   where the RocksDB index lives
 * @param chunksDirectory  root of the chunk files (Cortex's {@code filesystem} layout)
 * @param syncWrites       whether a write is on disk (WAL synced, chunk files and directories fsynced) before the
 *                         call returns; when false a machine crash may lose the last writes (never tear them)
 * @param queryPageSize    most entries in one page
 * @param queryPageBytes   most range value plus value bytes in one page (a larger single entry gets a page alone)
 * @param queryConcurrency queries of one {@code queryPages} call that run at once
 * @param chunkConcurrency chunk files of one call read or written at once
 * @param memory           the index's native memory and file bounds
 */
public record LocalConfig(Path indexDirectory, Path chunksDirectory, boolean syncWrites, int queryPageSize,
        int queryPageBytes, int queryConcurrency, int chunkConcurrency, Memory memory) {

    /**
     * The bounds of the index's native memory and open files, whatever the number of tables.
     *
     * @param blockCacheBytes  capacity of the one block cache (data, index and filter blocks); memtables are charged
     *                         to it, so RocksDB's memory stays near this number
     * @param writeBufferBytes all memtables together (one write-buffer manager); a flush writes at most this much,
     *                         so a write is refused while the index's disk has less free space than this
     * @param maxOpenFiles     SST files kept open at once
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

    private static final Set<String> KEYS = Set.of("directory", "index_directory", "chunks_directory", "sync_writes",
            "query_page_size", "query_page_bytes", "query_concurrency", "chunk_concurrency", "block_cache_bytes",
            "write_buffer_bytes", "max_open_files");

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
        return new LocalConfig(directory.resolve("index"), directory.resolve("chunks"), true, DEFAULT_QUERY_PAGE_SIZE,
                DEFAULT_QUERY_PAGE_BYTES, DEFAULT_QUERY_CONCURRENCY, DEFAULT_CHUNK_CONCURRENCY, Memory.DEFAULT);
    }

    public LocalConfig withSyncWrites(boolean v) {
        return new LocalConfig(indexDirectory, chunksDirectory, v, queryPageSize, queryPageBytes, queryConcurrency,
                chunkConcurrency, memory);
    }

    public LocalConfig withQueryPaging(int entries, int bytes) {
        return new LocalConfig(indexDirectory, chunksDirectory, syncWrites, entries, bytes, queryConcurrency,
                chunkConcurrency, memory);
    }

    public LocalConfig withQueryConcurrency(int v) {
        return new LocalConfig(indexDirectory, chunksDirectory, syncWrites, queryPageSize, queryPageBytes, v,
                chunkConcurrency, memory);
    }

    public LocalConfig withMemory(Memory v) {
        return new LocalConfig(indexDirectory, chunksDirectory, syncWrites, queryPageSize, queryPageBytes,
                queryConcurrency, chunkConcurrency, v);
    }

    /**
     * Reads the {@code local:} block.
     *
     * @throws ConfigException naming the key when a key is unknown, mistyped or out of range, or when no directory is
     *                         given
     */
    public static LocalConfig fromBlock(Map<String, Object> block) {
        TreeSet<String> unknown = new TreeSet<>(block.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown key(s) " + unknown + " in storage config block '" + BLOCK
                    + "'; known keys: " + new TreeSet<>(KEYS));
        }
        Path dir = path(block, "directory");
        Path index = path(block, "index_directory");
        Path chunks = path(block, "chunks_directory");
        if (dir == null && (index == null || chunks == null)) {
            throw new ConfigException("the local store needs storage config key " + BLOCK + ".directory (or both "
                    + BLOCK + ".index_directory and " + BLOCK + ".chunks_directory)");
        }
        return new LocalConfig(index != null ? index : dir.resolve("index"),
                chunks != null ? chunks : dir.resolve("chunks"),
                bool(block, "sync_writes", true),
                integer(block, "query_page_size", DEFAULT_QUERY_PAGE_SIZE),
                integer(block, "query_page_bytes", DEFAULT_QUERY_PAGE_BYTES),
                integer(block, "query_concurrency", DEFAULT_QUERY_CONCURRENCY),
                integer(block, "chunk_concurrency", DEFAULT_CHUNK_CONCURRENCY),
                new Memory(number(block, "block_cache_bytes", Memory.DEFAULT.blockCacheBytes(), Long.MAX_VALUE),
                        number(block, "write_buffer_bytes", Memory.DEFAULT.writeBufferBytes(), Long.MAX_VALUE),
                        integer(block, "max_open_files", Memory.DEFAULT.maxOpenFiles())));
    }

    static Path path(Map<String, Object> block, String key) {
        Object v = block.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s) || s.isBlank()) {
            throw new ConfigException(BLOCK + "." + key + " must be a directory path, not '" + v + "'");
        }
        return Path.of(s);
    }

    private static boolean bool(Map<String, Object> block, String key, boolean dflt) {
        Object v = block.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if ("true".equalsIgnoreCase(v.toString()) || "false".equalsIgnoreCase(v.toString())) {
            return Boolean.parseBoolean(v.toString());
        }
        throw new ConfigException(BLOCK + "." + key + " must be true or false, not '" + v + "'");
    }

    private static int integer(Map<String, Object> block, String key, int dflt) {
        return (int) number(block, key, dflt, Integer.MAX_VALUE);
    }

    private static long number(Map<String, Object> block, String key, long dflt, long max) {
        Object v = block.get(key);
        if (v == null) {
            return dflt;
        }
        long n;
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            n = ((Number) v).longValue();
        } else {
            try {
                n = Long.parseLong(v.toString().trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(BLOCK + "." + key + " must be a whole number, not '" + v + "'");
            }
        }
        if (n < 1 || n > max) {
            throw new ConfigException(BLOCK + "." + key + " must be between 1 and " + max + ", not " + v);
        }
        return n;
    }

    private static void positive(String key, long v) {
        if (v < 1) {
            throw new ConfigException(BLOCK + "." + key + " must be at least 1, not " + v);
        }
    }
}
