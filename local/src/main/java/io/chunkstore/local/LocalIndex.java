package io.chunkstore.local;

import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexWriteException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.PageConsumer;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.TableStatus;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.support.DaemonThreads;
import io.chunkstore.spi.support.ParallelQueries;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * The local index: one RocksDB database, one column family per table (named {@code table:<name>}), keys laid out by
 * {@link IndexKeys}. Writes are one atomic {@link org.rocksdb.WriteBatch} per call (puts, then deletes) through the
 * write-ahead log, synced when {@link LocalConfig#syncWrites()}; a batch naming a missing table writes nothing and
 * throws {@link TableNotFoundException}. Queries seek to their lower bound, iterate up to an exclusive upper bound and
 * stream pages of bounded size; a consumer returning {@code false} closes the iterator. Thread-safe; {@link #close()}
 * waits for calls in progress (queries stop at their next page) and then frees every native handle.
 */
public final class LocalIndex implements IndexClient, TableClient {

    static final String TABLE_CF_PREFIX = "table:";
    static final byte[] FORMAT_KEY = "chunkstore.local.index.format".getBytes(StandardCharsets.UTF_8);
    static final byte[] FORMAT_VERSION = "1".getBytes(StandardCharsets.UTF_8);

    static {
        RocksDB.loadLibrary();
    }

    /** A table's column family, counted while in use so a drop never frees it under a running call. */
    private static final class Table {
        final String name;
        final ColumnFamilyHandle handle;
        private int users;
        private boolean dropped;

        Table(String name, ColumnFamilyHandle handle) {
            this.name = name;
            this.handle = handle;
        }

        synchronized boolean acquire() {
            if (dropped) {
                return false;
            }
            users++;
            return true;
        }

        synchronized void release() {
            if (--users == 0 && dropped) {
                handle.close();
            }
        }

        /** After the column family was dropped (or the store closes): free the handle once nobody uses it. */
        synchronized void retire() {
            dropped = true;
            if (users == 0) {
                handle.close();
            }
        }
    }

    private final LocalConfig config;
    private final Path directory;
    private final LRUCache blockCache;
    private final WriteBufferManager writeBuffers;
    private final BloomFilter bloom;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final WriteOptions writeOptions;
    private final RocksDB db;
    private final ColumnFamilyHandle defaultFamily;
    private final Map<String, Table> tables = new ConcurrentHashMap<>();
    private final Object tableLock = new Object();
    private final ExecutorService queryPool;
    private final Counter entriesScanned;
    private final Counter pagesDelivered;

    private final Object guard = new Object();
    private int inFlight;
    private volatile boolean closed;

    /**
     * Opens (creating if needed) the index under {@link LocalConfig#indexDirectory()}.
     *
     * @throws StorageException when the directory cannot be created, holds an index of an unknown format, or is
     *                          locked by another process
     */
    public LocalIndex(LocalConfig config, MeterRegistry metrics, String metricPrefix) {
        this.config = config;
        this.directory = config.indexDirectory();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StorageException("cannot create the local index directory " + directory + ": " + e, e);
        }
        this.blockCache = new LRUCache(32L << 20);
        this.writeBuffers = new WriteBufferManager(64L << 20, blockCache);
        this.bloom = new BloomFilter(10);
        this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setWriteBufferManager(writeBuffers).setInfoLogLevel(InfoLogLevel.WARN_LEVEL).setKeepLogFileNum(3)
                .setMaxManifestFileSize(64L << 20);
        this.cfOptions = new ColumnFamilyOptions().setWriteBufferSize(16L << 20)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(blockCache).setFilterPolicy(bloom));
        this.writeOptions = new WriteOptions().setSync(config.syncWrites());
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        List<byte[]> names;
        try {
            names = existingFamilies(directory);
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (byte[] n : names) {
                descriptors.add(new ColumnFamilyDescriptor(n, cfOptions));
            }
            this.db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            closeOptions();
            throw openError(e);
        }
        ColumnFamilyHandle dflt = null;
        for (int i = 0; i < names.size(); i++) {
            String name = new String(names.get(i), StandardCharsets.UTF_8);
            if (name.startsWith(TABLE_CF_PREFIX)) {
                String table = name.substring(TABLE_CF_PREFIX.length());
                tables.put(table, new Table(table, handles.get(i)));
            } else if (name.equals("default")) {
                dflt = handles.get(i);
            } else {
                handles.get(i).close();
            }
        }
        this.defaultFamily = dflt;
        try {
            checkFormat();
        } catch (RuntimeException e) {
            releaseNatives();
            throw e;
        }
        int threads = Math.max(1, config.queryConcurrency() - 1);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), DaemonThreads.named("chunkstore-local-query"));
        pool.allowCoreThreadTimeOut(true);
        this.queryPool = pool;
        this.entriesScanned = Counter.builder(metricPrefix + "local_index_entries_scanned")
                .description("Index entries the local store read from disk for queries, filtered ones included")
                .register(metrics);
        this.pagesDelivered = Counter.builder(metricPrefix + "local_index_pages")
                .description("Pages of index entries the local store delivered to query consumers")
                .register(metrics);
    }

    private static List<byte[]> existingFamilies(Path dir) throws RocksDBException {
        if (!Files.exists(dir.resolve("CURRENT"))) {
            return List.of(RocksDB.DEFAULT_COLUMN_FAMILY);
        }
        try (Options o = new Options()) {
            return RocksDB.listColumnFamilies(o, dir.toString());
        }
    }

    private StorageException openError(RocksDBException e) {
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("lock")) {
            return new StorageException("the local index directory " + directory + " is in use by another process"
                    + " (or another open store in this one): " + msg, e);
        }
        return new StorageException("cannot open the local index in " + directory + ": " + msg, e);
    }

    /** Records the key layout version in a new index; refuses an index written in a layout this code cannot read. */
    private void checkFormat() {
        try {
            byte[] v = db.get(defaultFamily, FORMAT_KEY);
            if (v == null) {
                if (!tables.isEmpty()) {
                    throw new StorageException("the RocksDB database in " + directory + " has tables but no chunkstore"
                            + " format marker; it was not written by chunkstore's local store");
                }
                db.put(defaultFamily, writeOptions, FORMAT_KEY, FORMAT_VERSION);
            } else if (!Arrays.equals(v, FORMAT_VERSION)) {
                throw new StorageException("the local index in " + directory + " has format "
                        + new String(v, StandardCharsets.UTF_8) + "; this version reads format 1 only");
            }
        } catch (RocksDBException e) {
            throw new StorageException("cannot read the local index format marker in " + directory + ": " + e, e);
        }
    }

    /** Where the index lives. */
    public Path directory() {
        return directory;
    }

    // ---- call guard

    private void enter() {
        synchronized (guard) {
            if (closed) {
                throw new StorageException("the local index in " + directory + " is closed");
            }
            inFlight++;
        }
    }

    private void exit() {
        synchronized (guard) {
            if (--inFlight == 0) {
                guard.notifyAll();
            }
        }
    }

    private Table acquire(String tableName) {
        Table t = tables.get(tableName);
        if (t == null || !t.acquire()) {
            throw new TableNotFoundException(tableName);
        }
        return t;
    }

    // ---- index

    @Override
    public void batchWrite(WriteBatch batch) {
        if (batch.isEmpty()) {
            return;
        }
        enter();
        Map<String, Table> used = new HashMap<>();
        try {
            for (IndexEntry e : batch.puts()) {
                used.computeIfAbsent(e.tableName(), this::acquire);
            }
            for (IndexEntry e : batch.deletes()) {
                used.computeIfAbsent(e.tableName(), this::acquire);
            }
            try (org.rocksdb.WriteBatch wb = new org.rocksdb.WriteBatch()) {
                for (IndexEntry e : batch.puts()) {
                    wb.put(used.get(e.tableName()).handle, IndexKeys.key(e.hashValue(), e.rangeValue()), e.value());
                }
                for (IndexEntry e : batch.deletes()) {
                    wb.delete(used.get(e.tableName()).handle, IndexKeys.key(e.hashValue(), e.rangeValue()));
                }
                db.write(writeOptions, wb);
            } catch (RocksDBException e) {
                throw new IndexWriteException("the local index in " + directory + " refused a write batch: "
                        + e.getMessage(), batch.puts(), batch.deletes(), new StorageException(String.valueOf(
                        e.getMessage()), e));
            }
        } finally {
            used.values().forEach(Table::release);
            exit();
        }
    }

    @Override
    public void queryPages(List<IndexQuery> queries, PageConsumer consumer) {
        if (queries.isEmpty()) {
            return;
        }
        enter();
        try {
            ParallelQueries.run(queries, config.queryConcurrency(), queryPool, this::query, consumer);
        } finally {
            exit();
        }
    }

    private void query(IndexQuery q, PageConsumer consumer) {
        Table table = acquire(q.tableName());
        long scanned = 0;
        try {
            byte[] row = IndexKeys.rowPrefix(q.hashValue());
            byte[] lower = q.hasPrefix() ? IndexKeys.key(row, q.rangeValuePrefix())
                    : q.hasStart() ? IndexKeys.key(row, q.rangeValueStart()) : row;
            byte[] upper = IndexKeys.upperBound(q.hasPrefix() ? lower : row);
            try (Slice upperSlice = new Slice(upper);
                    ReadOptions ro = new ReadOptions().setIterateUpperBound(upperSlice);
                    RocksIterator it = db.newIterator(table.handle, ro)) {
                ReadBatch.Builder page = new ReadBatch.Builder();
                for (it.seek(lower); it.isValid(); it.next()) {
                    scanned++;
                    byte[] value = it.value();
                    if (!q.matchesValue(value)) {
                        continue;
                    }
                    byte[] range = IndexKeys.rangeValue(it.key(), row.length);
                    if (!page.isEmpty() && (page.size() >= config.queryPageSize()
                            || page.byteSize() + range.length + value.length > config.queryPageBytes())) {
                        pagesDelivered.increment();
                        if (!consumer.onPage(q, page.build())) {
                            return;
                        }
                        if (closed) {
                            throw new StorageException("the local index in " + directory + " was closed while "
                                    + q + " was being read");
                        }
                        page = new ReadBatch.Builder();
                    }
                    page.add(range, value);
                }
                try {
                    it.status();
                } catch (RocksDBException e) {
                    throw new StorageException("reading " + q + " from the local index in " + directory
                            + " failed: " + e.getMessage(), e);
                }
                if (!page.isEmpty()) {
                    pagesDelivered.increment();
                    consumer.onPage(q, page.build());
                }
            }
        } finally {
            entriesScanned.increment(scanned);
            table.release();
        }
    }

    // ---- tables

    @Override
    public List<String> listTables() {
        return tables.keySet().stream().sorted().toList();
    }

    @Override
    public void createTable(TableDesc desc) {
        String name = desc.name();
        if (name.isEmpty()) {
            throw new InvalidRequestException("a table needs a non-empty name");
        }
        enter();
        try {
            synchronized (tableLock) {
                if (tables.containsKey(name)) {
                    return;
                }
                ColumnFamilyHandle h = db.createColumnFamily(new ColumnFamilyDescriptor(
                        (TABLE_CF_PREFIX + name).getBytes(StandardCharsets.UTF_8), cfOptions));
                tables.put(name, new Table(name, h));
            }
        } catch (RocksDBException e) {
            throw new StorageException("cannot create table " + name + " in the local index " + directory + ": "
                    + e.getMessage(), e);
        } finally {
            exit();
        }
    }

    @Override
    public void deleteTable(String name) {
        enter();
        try {
            synchronized (tableLock) {
                Table t = tables.get(name);
                if (t == null) {
                    return;
                }
                db.dropColumnFamily(t.handle);
                tables.remove(name);
                t.retire();
            }
        } catch (RocksDBException e) {
            throw new StorageException("cannot delete table " + name + " from the local index " + directory + ": "
                    + e.getMessage(), e);
        } finally {
            exit();
        }
    }

    @Override
    public TableStatus describeTable(String name) {
        if (!tables.containsKey(name)) {
            throw new TableNotFoundException(name);
        }
        return new TableStatus(TableDesc.named(name), true);
    }

    /** Nothing to change on a local table (throughput and tags mean nothing here); the table must exist. */
    @Override
    public void updateTable(TableDesc current, TableDesc expected) {
        describeTable(current.name());
    }

    // ---- lifecycle

    /** Waits for calls in progress, then frees the database and every native handle. Idempotent. */
    @Override
    public void close() {
        synchronized (guard) {
            if (closed) {
                return;
            }
            closed = true;
            boolean interrupted = false;
            while (inFlight > 0) {
                try {
                    guard.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        queryPool.shutdownNow();
        releaseNatives();
    }

    private void releaseNatives() {
        synchronized (tableLock) {
            tables.values().forEach(Table::retire);
            tables.clear();
        }
        if (defaultFamily != null) {
            defaultFamily.close();
        }
        try {
            db.syncWal();
        } catch (RocksDBException e) {
            // closing still releases the handles; the WAL was written and is replayed on open
        }
        db.close();
        closeOptions();
    }

    private void closeOptions() {
        writeOptions.close();
        cfOptions.close();
        dbOptions.close();
        bloom.close();
        writeBuffers.close();
        blockCache.close();
    }
}
