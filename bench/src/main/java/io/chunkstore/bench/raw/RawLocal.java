package io.chunkstore.bench.raw;

import io.chunkstore.bench.Subject;
import io.chunkstore.bench.Tally;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.support.DaemonThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * The local backend's baseline: RocksDB and files used directly. The index is a RocksDB database of
 * its own (one database cannot be opened twice), tuned exactly as the local store's (32 MiB LRU
 * block cache, 64 MiB write-buffer budget, 16 MiB write buffers, 10-bit bloom filters, WAL fsync as
 * {@code sync_writes}), one column family per table, keys {@code uvarint(len(hash)) ‖ hash ‖
 * range}; it is loaded with the same entries. Reads seek to the row and iterate to its upper bound.
 * Chunks are read from and written to the local store's own chunk folder with the same file names
 * (base64 of the key), written to a temporary file (fsynced with {@code sync_writes}) and renamed
 * into place as the store does; the same concurrency (threads) as the store's {@code
 * query_concurrency} and {@code chunk_concurrency}.
 */
public final class RawLocal implements Subject {
    static {
        RocksDB.loadLibrary();
    }

    private final Path chunksDir;
    private final LRUCache cache;
    private final WriteBufferManager writeBuffers;
    private final BloomFilter bloom;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final WriteOptions writeOptions;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> initialHandles = new ArrayList<>();
    private final Map<String, ColumnFamilyHandle> tables = new ConcurrentHashMap<>();
    private final ExecutorService queryPool;
    private final ExecutorService chunkPool;
    private final int queryConcurrency;
    private final boolean sync;

    /**
     * @param indexDir a fresh folder for the baseline's RocksDB
     * @param chunksDir the local store's chunk folder
     * @param queryConcurrency the store's {@code query_concurrency}
     * @param chunkConcurrency the store's {@code chunk_concurrency}
     * @param sync the store's {@code sync_writes}: fsync the WAL on every write, and chunk files
     *     and their folder
     */
    public RawLocal(
            Path indexDir,
            Path chunksDir,
            int queryConcurrency,
            int chunkConcurrency,
            boolean sync) {
        this.chunksDir = chunksDir;
        this.sync = sync;
        this.queryConcurrency = queryConcurrency;
        this.cache = new LRUCache(32L << 20);
        this.writeBuffers = new WriteBufferManager(64L << 20, cache);
        this.bloom = new BloomFilter(10);
        this.dbOptions =
                new DBOptions()
                        .setCreateIfMissing(true)
                        .setCreateMissingColumnFamilies(true)
                        .setWriteBufferManager(writeBuffers)
                        .setInfoLogLevel(InfoLogLevel.WARN_LEVEL);
        this.cfOptions =
                new ColumnFamilyOptions()
                        .setWriteBufferSize(16L << 20)
                        .setTableFormatConfig(
                                new BlockBasedTableConfig()
                                        .setBlockCache(cache)
                                        .setFilterPolicy(bloom));
        this.writeOptions = new WriteOptions().setSync(sync);
        try {
            Files.createDirectories(indexDir);
            this.db =
                    RocksDB.open(
                            dbOptions,
                            indexDir.toString(),
                            List.of(
                                    new ColumnFamilyDescriptor(
                                            RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions)),
                            initialHandles);
        } catch (IOException | RocksDBException e) {
            throw new StorageException(
                    "cannot open the raw RocksDB baseline in " + indexDir + ": " + e, e);
        }
        this.queryPool =
                Executors.newFixedThreadPool(
                        queryConcurrency, DaemonThreads.named("raw-local-query"));
        this.chunkPool =
                Executors.newFixedThreadPool(
                        chunkConcurrency, DaemonThreads.named("raw-local-chunk"));
    }

    @Override
    public String label() {
        return "raw";
    }

    private ColumnFamilyHandle table(String name) {
        return tables.computeIfAbsent(
                name,
                n -> {
                    try {
                        return db.createColumnFamily(
                                new ColumnFamilyDescriptor(
                                        n.getBytes(StandardCharsets.UTF_8), cfOptions));
                    } catch (RocksDBException e) {
                        throw new StorageException(
                                "cannot create column family " + n + ": " + e, e);
                    }
                });
    }

    static byte[] rowPrefix(String hash) {
        byte[] h = hash.getBytes(StandardCharsets.UTF_8);
        int n = h.length;
        byte[] tmp = new byte[5];
        int len = 0;
        while ((n & ~0x7F) != 0) {
            tmp[len++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        tmp[len++] = (byte) n;
        byte[] out = new byte[len + h.length];
        System.arraycopy(tmp, 0, out, 0, len);
        System.arraycopy(h, 0, out, len, h.length);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public void writeIndex(List<IndexEntry> batch) {
        try (WriteBatch wb = new WriteBatch()) {
            for (IndexEntry e : batch) {
                wb.put(
                        table(e.tableName()),
                        concat(rowPrefix(e.hashValue()), e.rangeValue()),
                        e.value());
            }
            db.write(writeOptions, wb);
        } catch (RocksDBException e) {
            throw new StorageException("raw RocksDB write failed: " + e, e);
        }
    }

    @Override
    public Tally query(List<IndexQuery> queries) {
        if (queries.size() == 1) {
            return scan(queries.get(0));
        }
        List<Callable<Tally>> tasks = new ArrayList<>();
        for (IndexQuery q : queries) {
            tasks.add(() -> scan(q));
        }
        return sum(invokeAll(queryPool, tasks));
    }

    private Tally scan(IndexQuery q) {
        byte[] row = rowPrefix(q.hashValue());
        byte[] upper = row.clone();
        int i = upper.length - 1;
        while (upper[i] == (byte) 0xFF) {
            i--;
        }
        upper[i]++;
        upper = java.util.Arrays.copyOf(upper, i + 1);
        long n = 0;
        long bytes = 0;
        try (Slice bound = new Slice(upper);
                ReadOptions ro = new ReadOptions().setIterateUpperBound(bound);
                RocksIterator it = db.newIterator(table(q.tableName()), ro)) {
            for (it.seek(row); it.isValid(); it.next()) {
                byte[] key = it.key();
                byte[] range = java.util.Arrays.copyOfRange(key, row.length, key.length);
                byte[] value = it.value();
                n++;
                bytes += range.length + value.length;
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StorageException("raw RocksDB scan failed: " + e, e);
        }
        return new Tally(n, bytes);
    }

    private Path chunkPath(String key) {
        return chunksDir.resolve(
                Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void putChunks(List<EncodedChunk> chunks) {
        List<Callable<Tally>> tasks = new ArrayList<>();
        for (EncodedChunk c : chunks) {
            tasks.add(
                    () -> {
                        Path target = chunkPath(c.key());
                        Files.createDirectories(target.getParent());
                        Path tmp =
                                target.resolveSibling(
                                        ".raw-tmp-" + ThreadLocalRandom.current().nextLong());
                        try (FileChannel ch =
                                FileChannel.open(
                                        tmp,
                                        StandardOpenOption.CREATE_NEW,
                                        StandardOpenOption.WRITE)) {
                            ByteBuffer b = ByteBuffer.wrap(c.encoded());
                            while (b.hasRemaining()) {
                                ch.write(b);
                            }
                            if (sync) {
                                ch.force(true);
                            }
                        }
                        Files.move(
                                tmp,
                                target,
                                StandardCopyOption.ATOMIC_MOVE,
                                StandardCopyOption.REPLACE_EXISTING);
                        if (sync) {
                            try (FileChannel dir =
                                    FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                                dir.force(true);
                            }
                        }
                        return Tally.ZERO;
                    });
        }
        invokeAll(chunkPool, tasks);
    }

    @Override
    public Tally getChunks(List<ChunkLocation> chunks) {
        List<Callable<Tally>> tasks = new ArrayList<>();
        for (ChunkLocation c : chunks) {
            tasks.add(() -> new Tally(1, Files.readAllBytes(chunkPath(c.key())).length));
        }
        return sum(invokeAll(chunkPool, tasks));
    }

    @Override
    public void resetTable(String table) {
        ColumnFamilyHandle h = tables.remove(table);
        if (h != null) {
            try {
                db.dropColumnFamily(h);
            } catch (RocksDBException e) {
                throw new StorageException("cannot drop column family " + table + ": " + e, e);
            }
            h.close();
        }
        table(table);
    }

    @Override
    public boolean sharesOurIndex() {
        return false;
    }

    static <T> List<T> invokeAll(ExecutorService pool, List<Callable<T>> tasks) {
        try {
            List<T> out = new ArrayList<>(tasks.size());
            for (Future<T> f : pool.invokeAll(tasks)) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new StorageException("raw baseline task failed: " + c, c);
        }
    }

    static Tally sum(List<Tally> tallies) {
        Tally t = Tally.ZERO;
        for (Tally x : tallies) {
            t = t.plus(x);
        }
        return t;
    }

    @Override
    public void close() {
        queryPool.shutdownNow();
        chunkPool.shutdownNow();
        tables.values().forEach(ColumnFamilyHandle::close);
        initialHandles.forEach(ColumnFamilyHandle::close);
        db.close();
        writeOptions.close();
        cfOptions.close();
        dbOptions.close();
        bloom.close();
        writeBuffers.close();
        cache.close();
    }
}
