package io.chunkstore.local;

import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexScan;
import io.chunkstore.spi.IndexWriteException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.StorageFullException;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.TableStatus;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.support.DaemonThreads;
import io.chunkstore.spi.support.SyncPageLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Env;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.SstFileManager;
import org.rocksdb.Statistics;
import org.rocksdb.Status;
import org.rocksdb.TickerType;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * The local index: one RocksDB database holding every table in one column family ({@value
 * #ENTRIES_FAMILY}), each table's keys under its own id prefix ({@link IndexKeys}); the catalog
 * (table name to id) lives in the default column family next to the format marker. Creating a table
 * is one small write batch, deleting one a catalog write plus one range delete, so neither grows
 * with the number of tables; memory is one block cache, one write-buffer manager and a bounded
 * number of open files ({@link LocalConfig.Memory}). Writes are one atomic {@link
 * org.rocksdb.WriteBatch} per call (puts, then deletes) through the write-ahead log, synced when
 * {@link LocalConfig#syncWrites()}; a batch naming a missing table writes nothing and throws {@link
 * TableNotFoundException}. Queries seek to their lower bound, iterate up to an exclusive upper
 * bound and stream pages of bounded size; a consumer returning {@code false} closes the iterator.
 * An index in the first layout (one column family per table, format 1) is migrated on open, table
 * by table, resumably. Thread-safe; {@link #close()} waits for calls in progress (queries stop at
 * their next page) and then frees every native handle.
 */
public final class LocalIndex implements IndexClient, TableClient {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalIndex.class);

    /** The column family of every table's entries. */
    static final String ENTRIES_FAMILY = "entries";

    /**
     * Format 1: each table a column family of this prefix. Format 2: a catalog key of this prefix,
     * value its id.
     */
    static final String TABLE_CF_PREFIX = "table:";

    /**
     * Catalog key of a deleted table whose entries are still to be range-deleted (value: empty).
     */
    static final String DROPPING_PREFIX = "dropping:";

    /** Catalog key of a format 1 table being copied into the entries family (value: its new id). */
    static final String MIGRATING_PREFIX = "migrating:";

    static final byte[] NEXT_TABLE_ID_KEY = "next-table-id".getBytes(StandardCharsets.UTF_8);
    static final byte[] FORMAT_KEY =
            "chunkstore.local.index.format".getBytes(StandardCharsets.UTF_8);
    static final byte[] FORMAT_VERSION = "2".getBytes(StandardCharsets.UTF_8);
    static final byte[] FORMAT_ONE_FAMILY_PER_TABLE = "1".getBytes(StandardCharsets.UTF_8);

    /** Bytes copied per write batch while migrating a format 1 table. */
    private static final int MIGRATION_BATCH_BYTES = 4 << 20;

    static {
        RocksDB.loadLibrary();
    }

    /**
     * A table's id prefix, counted while in use: a deleted table's entries are range-deleted when
     * the last running call lets go of it, so a running query finishes on what it started with and
     * a write racing the delete never leaves entries behind.
     */
    private final class Table {
        final String name;
        final int id;
        final byte[] prefix;
        private int users;
        private boolean dropped;

        Table(String name, int id) {
            this.name = name;
            this.id = id;
            this.prefix = IndexKeys.tablePrefix(id);
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
                purge(id);
            }
        }

        /**
         * Removes the catalog entry. Unused, the entries go in the same batch; in use, a {@value
         * #DROPPING_PREFIX} mark is written instead and the last user's {@link #release()} purges
         * them.
         */
        synchronized void drop() throws RocksDBException {
            try (org.rocksdb.WriteBatch wb = new org.rocksdb.WriteBatch()) {
                wb.delete(catalog, (TABLE_CF_PREFIX + name).getBytes(StandardCharsets.UTF_8));
                if (users == 0) {
                    wb.deleteRange(entries, prefix, IndexKeys.upperBound(prefix));
                } else {
                    wb.put(
                            catalog,
                            (DROPPING_PREFIX + id).getBytes(StandardCharsets.UTF_8),
                            new byte[0]);
                }
                db.write(writeOptions, wb);
            }
            dropped = true;
        }
    }

    private final LocalConfig config;
    private final Path directory;
    private final FileStore disk;
    private final LRUCache blockCache;
    private final WriteBufferManager writeBuffers;
    private final SstFileManager sstFiles;

    /** RocksDB's counters (its block cache's hits and misses are exported). */
    private final Statistics statistics;

    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final WriteOptions writeOptions;

    /**
     * For the catalog entry of a new table: never synced on its own. The WAL is one log written in
     * order, so the first synced write after a create (any write into the new table, with the
     * default {@code sync_writes: true}) syncs the create too: a table that holds acknowledged data
     * always survives a power loss. Only a table still empty can be lost with the OS, and an empty
     * table lost is created again by the table manager's next sync or by serve's first write to it.
     * A create then costs no fsync: 10,000 of them take about a second instead of one fsync each.
     * Deletes stay synced (a deleted table must not come back with its data).
     */
    private final WriteOptions createOptions;

    private final RocksDB db;
    private final ColumnFamilyHandle catalog;

    /**
     * Set in the constructor once the format is known (created then in a new or format 1 index).
     */
    private ColumnFamilyHandle entries;

    private final ConcurrentSkipListMap<String, Table> tables = new ConcurrentSkipListMap<>();
    private final Object tableLock = new Object();
    private int nextTableId;
    private final ExecutorService queryPool;
    private final Counter entriesScanned;
    private final Counter pagesDelivered;

    private final Object guard = new Object();
    private int inFlight;
    private volatile boolean closed;

    /**
     * Opens (creating if needed) the index under {@link LocalConfig#indexDirectory()}, migrating a
     * format 1 index, and logs how long the open took.
     *
     * @throws StorageException when the directory cannot be created, holds an index of an unknown
     *     format, or is locked by another process
     */
    public LocalIndex(LocalConfig config, MeterRegistry metrics, String metricPrefix) {
        long start = System.nanoTime();
        this.config = config;
        this.directory = config.indexDirectory();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StorageException(
                    "cannot create the local index directory " + directory + ": " + e, e);
        }
        this.disk = fileStore(directory);
        LocalConfig.Memory memory = config.memory();
        this.statistics = new Statistics();
        this.blockCache = new LRUCache(memory.blockCacheBytes());
        this.writeBuffers = new WriteBufferManager(memory.writeBufferBytes(), blockCache);
        try {
            this.sstFiles = new SstFileManager(Env.getDefault());
        } catch (RocksDBException e) {
            blockCache.close();
            statistics.close();
            writeBuffers.close();
            throw new StorageException(
                    "cannot set up the local index in " + directory + ": " + e.getMessage(), e);
        }
        // Memtables of all families share the write-buffer manager. The WAL is kept to that size
        // too (a full WAL
        // forces a flush of the families holding it, the rarely written catalog included), so a
        // crash replays at
        // most that much on open. The SST file manager lets RocksDB resume by itself once a disk
        // that
        // filled up during a flush or compaction has room again.
        this.dbOptions =
                new DBOptions()
                        .setCreateIfMissing(true)
                        .setCreateMissingColumnFamilies(true)
                        .setWriteBufferManager(writeBuffers)
                        .setSstFileManager(sstFiles)
                        .setStatistics(statistics)
                        .setMaxOpenFiles(memory.maxOpenFiles())
                        .setMaxTotalWalSize(memory.writeBufferBytes())
                        .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                        .setKeepLogFileNum(3)
                        .setMaxManifestFileSize(64L << 20);
        // Index and filter blocks live in the block cache too, so open files cost no memory outside
        // it. Reads are
        // range scans only (no point lookups), so no bloom filter.
        this.cfOptions =
                new ColumnFamilyOptions()
                        .setWriteBufferSize(
                                Math.max(
                                        1L << 20,
                                        Math.min(memory.writeBufferBytes() / 2, 64L << 20)))
                        .setTableFormatConfig(
                                new BlockBasedTableConfig()
                                        .setBlockCache(blockCache)
                                        .setCacheIndexAndFilterBlocks(true)
                                        .setPinL0FilterAndIndexBlocksInCache(true));
        this.writeOptions = new WriteOptions().setSync(config.syncWrites());
        this.createOptions = new WriteOptions().setSync(false);
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
        ColumnFamilyHandle entriesFamily = null;
        Map<String, ColumnFamilyHandle> formatOneTables = new java.util.TreeMap<>();
        List<ColumnFamilyHandle> others = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = new String(names.get(i), StandardCharsets.UTF_8);
            if (name.startsWith(TABLE_CF_PREFIX)) {
                formatOneTables.put(name.substring(TABLE_CF_PREFIX.length()), handles.get(i));
            } else if (name.equals("default")) {
                dflt = handles.get(i);
            } else if (name.equals(ENTRIES_FAMILY)) {
                entriesFamily = handles.get(i);
            } else {
                others.add(handles.get(i));
            }
        }
        this.catalog = dflt;
        this.entries = entriesFamily;
        try {
            boolean current = checkFormat(formatOneTables, others);
            if (entries == null) {
                if (!catalogEntries(TABLE_CF_PREFIX).isEmpty()) {
                    throw new StorageException(
                            "the local index in "
                                    + directory
                                    + " lists tables but has no '"
                                    + ENTRIES_FAMILY
                                    + "' column family; it is damaged or was not written by chunkstore");
                }
                entries =
                        db.createColumnFamily(
                                new ColumnFamilyDescriptor(
                                        ENTRIES_FAMILY.getBytes(StandardCharsets.UTF_8),
                                        cfOptions));
            }
            if (!current || !formatOneTables.isEmpty()) {
                migrate(formatOneTables);
            }
            finishDrops();
            loadCatalog();
        } catch (RocksDBException | RuntimeException e) {
            formatOneTables.values().forEach(ColumnFamilyHandle::close);
            others.forEach(ColumnFamilyHandle::close);
            releaseNatives();
            throw e instanceof RocksDBException r
                    ? new StorageException(
                            "cannot open the local index in " + directory + ": " + r.getMessage(),
                            r)
                    : (RuntimeException) e;
        }
        int threads = Math.max(1, config.queryConcurrency() - 1);
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(
                        threads,
                        threads,
                        30,
                        TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(),
                        DaemonThreads.named("chunkstore-local-query"));
        pool.allowCoreThreadTimeOut(true);
        this.queryPool = pool;
        this.entriesScanned =
                Counter.builder(metricPrefix + "local_index_entries_scanned")
                        .description(
                                "Index entries the local store read from disk for queries, filtered ones included")
                        .register(metrics);
        this.pagesDelivered =
                Counter.builder(metricPrefix + "local_index_pages")
                        .description(
                                "Pages of index entries the local store delivered to query consumers")
                        .register(metrics);
        registerGauges(metrics, metricPrefix);
        LOG.info(
                "opened the local index in {} in {} ms ({} tables)",
                directory,
                (System.nanoTime() - start) / 1_000_000,
                tables.size());
    }

    private static FileStore fileStore(Path dir) {
        try {
            return Files.getFileStore(dir);
        } catch (IOException e) {
            return null; // free space unknown: only RocksDB's own disk-full errors then
        }
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
            return new StorageException(
                    "the local index directory "
                            + directory
                            + " is in use by another process"
                            + " (or another open store in this one): "
                            + msg
                            + "; if that is a running chunkstore serve, read through it instead"
                            + " (the cli's --server HOST:PORT, e.g. --server 127.0.0.1:9966)",
                    e);
        }
        return new StorageException("cannot open the local index in " + directory + ": " + msg, e);
    }

    /**
     * Refuses an index written in a layout this code cannot read.
     *
     * @return whether the index is marked format 2 already (false for a new index and a format 1
     *     one, which the migration marks when it ends)
     */
    private boolean checkFormat(
            Map<String, ColumnFamilyHandle> formatOneTables, List<ColumnFamilyHandle> others) {
        try {
            byte[] v = db.get(catalog, FORMAT_KEY);
            if (v == null) {
                if (!formatOneTables.isEmpty() || !others.isEmpty() || entries != null) {
                    throw new StorageException(
                            "the RocksDB database in "
                                    + directory
                                    + " has tables but no chunkstore"
                                    + " format marker; it was not written by chunkstore's local store");
                }
                return false;
            }
            boolean formatOne = Arrays.equals(v, FORMAT_ONE_FAMILY_PER_TABLE);
            if (!formatOne && !Arrays.equals(v, FORMAT_VERSION)) {
                throw new StorageException(
                        "the local index in "
                                + directory
                                + " has format "
                                + new String(v, StandardCharsets.UTF_8)
                                + "; this version reads formats 1 and 2 only");
            }
            if (!others.isEmpty()) {
                throw new StorageException(
                        "the local index in "
                                + directory
                                + " has column families this version"
                                + " does not know; it was written by a newer chunkstore or another program");
            }
            return !formatOne;
        } catch (RocksDBException e) {
            throw new StorageException(
                    "cannot read the local index format marker in " + directory + ": " + e, e);
        }
    }

    /**
     * Migrates every format 1 table (each closed once empty and dropped), then marks the index
     * format 2.
     */
    private void migrate(Map<String, ColumnFamilyHandle> formatOneTables) throws RocksDBException {
        nextTableId = readNextTableId();
        for (var t : new ArrayList<>(formatOneTables.entrySet())) {
            migrate(t.getKey(), t.getValue());
            formatOneTables.remove(t.getKey());
        }
        db.put(catalog, writeOptions, FORMAT_KEY, FORMAT_VERSION);
    }

    /** Catalog keys (without the prefix) and values under a prefix. */
    private Map<String, byte[]> catalogEntries(String prefix) {
        Map<String, byte[]> out = new java.util.TreeMap<>();
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        try (Slice upper = new Slice(IndexKeys.upperBound(p));
                ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
                RocksIterator it = db.newIterator(catalog, ro)) {
            for (it.seek(p); it.isValid(); it.next()) {
                byte[] k = it.key();
                out.put(
                        new String(k, p.length, k.length - p.length, StandardCharsets.UTF_8),
                        it.value());
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StorageException(
                    "cannot read the table catalog of the local index in "
                            + directory
                            + ": "
                            + e.getMessage(),
                    e);
        }
        return out;
    }

    private int readNextTableId() throws RocksDBException {
        byte[] v = db.get(catalog, NEXT_TABLE_ID_KEY);
        return v == null ? 1 : IndexKeys.tableId(v);
    }

    /**
     * Copies one format 1 table (its own column family) into the entries family under a new id,
     * then drops the family. Resumable: the id is recorded first ({@value #MIGRATING_PREFIX}), a
     * restarted copy clears what an interrupted one wrote, and the catalog entry is written in the
     * same batch that ends the migration.
     */
    private void migrate(String name, ColumnFamilyHandle family) throws RocksDBException {
        long start = System.nanoTime();
        byte[] tableKey = (TABLE_CF_PREFIX + name).getBytes(StandardCharsets.UTF_8);
        byte[] migratingKey = (MIGRATING_PREFIX + name).getBytes(StandardCharsets.UTF_8);
        long copied = 0;
        if (db.get(catalog, tableKey) == null) {
            byte[] id = db.get(catalog, migratingKey);
            if (id != null) {
                db.deleteRange(entries, writeOptions, id, IndexKeys.upperBound(id));
            } else {
                id = IndexKeys.tablePrefix(nextTableId++);
                try (org.rocksdb.WriteBatch wb = new org.rocksdb.WriteBatch()) {
                    wb.put(catalog, migratingKey, id);
                    wb.put(catalog, NEXT_TABLE_ID_KEY, IndexKeys.tablePrefix(nextTableId));
                    db.write(writeOptions, wb);
                }
            }
            org.rocksdb.WriteBatch wb = new org.rocksdb.WriteBatch();
            try (WriteOptions unsynced = new WriteOptions();
                    RocksIterator it = db.newIterator(family)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    wb.put(entries, Bytes.concat(id, it.key()), it.value());
                    copied++;
                    if (wb.getDataSize() >= MIGRATION_BATCH_BYTES) {
                        db.write(unsynced, wb);
                        wb.close();
                        wb = new org.rocksdb.WriteBatch();
                    }
                }
                it.status();
                wb.delete(catalog, migratingKey);
                wb.put(catalog, tableKey, id);
                db.write(writeOptions, wb);
            } finally {
                wb.close();
            }
        }
        db.dropColumnFamily(family);
        family.close();
        LOG.info(
                "migrated table {} of the local index in {} from one column family per table into the shared one:"
                        + " {} entries in {} ms",
                name,
                directory,
                copied,
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Range-deletes the entries of tables deleted before a crash or a failed purge. */
    private void finishDrops() {
        for (String id : catalogEntries(DROPPING_PREFIX).keySet()) {
            purge(Integer.parseInt(id));
        }
    }

    private void loadCatalog() {
        int next = 1;
        for (var e : catalogEntries(TABLE_CF_PREFIX).entrySet()) {
            Table t = new Table(e.getKey(), IndexKeys.tableId(e.getValue()));
            tables.put(t.name, t);
            next = Math.max(next, t.id + 1);
        }
        try {
            nextTableId = Math.max(next, readNextTableId());
        } catch (RocksDBException e) {
            throw new StorageException(
                    "cannot read the table catalog of the local index in "
                            + directory
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** Deletes a dropped table's entries and its {@value #DROPPING_PREFIX} mark in one batch. */
    private void purge(int id) {
        byte[] prefix = IndexKeys.tablePrefix(id);
        try (org.rocksdb.WriteBatch wb = new org.rocksdb.WriteBatch()) {
            wb.deleteRange(entries, prefix, IndexKeys.upperBound(prefix));
            wb.delete(catalog, (DROPPING_PREFIX + id).getBytes(StandardCharsets.UTF_8));
            db.write(writeOptions, wb);
        } catch (RocksDBException e) {
            // The mark stays: the next open deletes the entries. Until then they only take disk
            // space.
            LOG.warn(
                    "could not delete the entries of a deleted table (id {}) from the local index in {}; the next open"
                            + " retries: {}",
                    id,
                    directory,
                    e.getMessage());
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
                    wb.put(entries, key(used.get(e.tableName()), e), e.value());
                }
                for (IndexEntry e : batch.deletes()) {
                    wb.delete(entries, key(used.get(e.tableName()), e));
                }
                requireFreeSpace();
                db.write(writeOptions, wb);
            } catch (RocksDBException | StorageException e) {
                StorageException cause = e instanceof StorageException se ? se : writeError(e);
                throw new IndexWriteException(
                        "the local index in "
                                + directory
                                + " refused a write batch: "
                                + cause.getMessage(),
                        batch.puts(),
                        batch.deletes(),
                        cause);
            }
        } finally {
            used.values().forEach(Table::release);
            exit();
        }
    }

    private static byte[] key(Table t, IndexEntry e) {
        return Bytes.concat(t.prefix, IndexKeys.key(e.hashValue(), e.rangeValue()));
    }

    /**
     * Refuses a write while the index's disk has less free space than the write buffers: a flush of
     * full memtables could not be written, and RocksDB would stop every write until it is restarted
     * or finds room. Refusing early keeps the store readable and lets writes resume by themselves
     * once space is freed.
     */
    /**
     * Throws {@link StorageFullException} while the index's disk has less free space than the write
     * buffers (writes are refused then; reads work).
     */
    void checkFreeSpace() {
        requireFreeSpace();
    }

    private void requireFreeSpace() {
        long free;
        try {
            free = disk == null ? Long.MAX_VALUE : disk.getUsableSpace();
        } catch (IOException e) {
            return; // cannot tell: RocksDB's own error names the folder if the disk is full
        }
        long needed = config.memory().writeBufferBytes();
        if (free < needed) {
            throw new StorageFullException(
                    "the disk holding the local index folder "
                            + directory
                            + " is full: "
                            + free
                            + " bytes free, writes need at least "
                            + needed
                            + " (local.write_buffer_bytes); reads still work,"
                            + " and writes resume once space is freed there");
        }
    }

    private StorageException writeError(Exception e) {
        String msg = String.valueOf(e.getMessage());
        if (e instanceof RocksDBException r
                        && r.getStatus() != null
                        && r.getStatus().getSubCode() == Status.SubCode.NoSpace
                || msg.contains("No space left")) {
            return new StorageFullException(
                    "the disk holding the local index folder "
                            + directory
                            + " is full ("
                            + msg
                            + "); reads still work, and writes resume once space is freed there",
                    e);
        }
        return new StorageException(msg, e);
    }

    /**
     * The first query runs on the calling thread (a one-row query costs no thread hop), the others
     * on the query pool, up to {@code query_concurrency} at a time; a consumer that defers holds no
     * thread (see {@link SyncPageLoop}).
     */
    @Override
    public CompletionStage<Void> queryPagesAsync(
            List<IndexQuery> queries, AsyncPageConsumer consumer) {
        if (queries.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        enter();
        CompletionStage<Void> all;
        try {
            all =
                    SyncPageLoop.run(
                            queries, config.queryConcurrency(), queryPool, RowPages::new, consumer);
        } catch (RuntimeException | Error e) {
            exit();
            throw e;
        }
        all.whenComplete((ignored, error) -> exit());
        return all;
    }

    /** The pages of one query, read from a RocksDB iterator bounded to the query's row. */
    private final class RowPages implements SyncPageLoop.PageSource {
        private final IndexQuery q;
        private final Table table;
        private final byte[] row;
        private final Slice upperSlice;
        private final ReadOptions ro;
        private final RocksIterator it;
        private long scanned;
        private int delivered;

        /** The entry that did not fit in the last page, first of the next. */
        private byte[] heldRange;

        private byte[] heldValue;

        RowPages(IndexQuery q) {
            this.q = q;
            this.table = acquire(q.tableName());
            this.row = Bytes.concat(table.prefix, IndexKeys.rowPrefix(q.hashValue()));
            byte[] lower =
                    q.hasPrefix()
                            ? IndexKeys.key(row, q.rangeValuePrefix())
                            : q.hasStart() ? IndexKeys.key(row, q.rangeValueStart()) : row;
            byte[] upper = IndexKeys.upperBound(q.hasPrefix() ? lower : row);
            Slice slice = null;
            ReadOptions options = null;
            try {
                slice = new Slice(upper);
                options = new ReadOptions().setIterateUpperBound(slice);
                this.it = db.newIterator(entries, options);
            } catch (RuntimeException | Error e) {
                if (options != null) {
                    options.close();
                }
                if (slice != null) {
                    slice.close();
                }
                table.release();
                throw e;
            }
            this.upperSlice = slice;
            this.ro = options;
            it.seek(lower);
        }

        @Override
        public ReadBatch next() {
            if (delivered > 0 && closed) {
                throw new StorageException(
                        "the local index in "
                                + directory
                                + " was closed while "
                                + q
                                + " was being read");
            }
            ReadBatch.Builder page = new ReadBatch.Builder();
            if (heldRange != null) {
                page.add(heldRange, heldValue);
                heldRange = null;
                heldValue = null;
            }
            for (; it.isValid(); it.next()) {
                scanned++;
                byte[] value = it.value();
                if (!q.matchesValue(value)) {
                    continue;
                }
                byte[] range = IndexKeys.rangeValue(it.key(), row.length);
                if (!page.isEmpty()
                        && (page.size() >= config.queryPageSize()
                                || page.byteSize() + range.length + value.length
                                        > config.queryPageBytes())) {
                    heldRange = range;
                    heldValue = value;
                    it.next();
                    return deliver(page);
                }
                page.add(range, value);
            }
            try {
                it.status();
            } catch (RocksDBException e) {
                throw new StorageException(
                        "reading "
                                + q
                                + " from the local index in "
                                + directory
                                + " failed: "
                                + e.getMessage(),
                        e);
            }
            return page.isEmpty() ? null : deliver(page);
        }

        private ReadBatch deliver(ReadBatch.Builder page) {
            delivered++;
            pagesDelivered.increment();
            return page.build();
        }

        @Override
        public void close() {
            entriesScanned.increment(scanned);
            scanned = 0;
            it.close();
            ro.close();
            upperSlice.close();
            table.release();
        }
    }

    /**
     * Keys are ordered by hash length before hash (see {@link IndexKeys}), so the rows of a prefix
     * are not contiguous: a scan walks the whole table in key order and keeps the prefix's rows.
     */
    @Override
    public void scan(String tableName, String hashPrefix, IndexScan consumer) {
        enter();
        try {
            Table table = acquire(tableName);
            long scanned = 0;
            try (Slice upperSlice = new Slice(IndexKeys.upperBound(table.prefix));
                    ReadOptions ro = new ReadOptions().setIterateUpperBound(upperSlice);
                    RocksIterator it = db.newIterator(entries, ro)) {
                List<IndexEntry> page = new ArrayList<>();
                for (it.seek(table.prefix); it.isValid(); it.next()) {
                    scanned++;
                    byte[] key = it.key();
                    byte[] inTable = Arrays.copyOfRange(key, table.prefix.length, key.length);
                    String hash = IndexKeys.hashValue(inTable);
                    if (!hash.startsWith(hashPrefix)) {
                        continue;
                    }
                    int rowLength = IndexKeys.rowPrefix(hash).length;
                    page.add(
                            new IndexEntry(
                                    tableName,
                                    hash,
                                    IndexKeys.rangeValue(inTable, rowLength),
                                    it.value()));
                    if (page.size() >= config.queryPageSize()) {
                        if (!consumer.onPage(List.copyOf(page))) {
                            return;
                        }
                        page.clear();
                    }
                }
                try {
                    it.status();
                } catch (RocksDBException e) {
                    throw new StorageException(
                            "scanning table "
                                    + tableName
                                    + " of the local index in "
                                    + directory
                                    + " failed: "
                                    + e.getMessage(),
                            e);
                }
                if (!page.isEmpty()) {
                    consumer.onPage(List.copyOf(page));
                }
            } finally {
                entriesScanned.increment(scanned);
                table.release();
            }
        } finally {
            exit();
        }
    }

    @Override
    public IndexScan.Mode scanMode() {
        return IndexScan.Mode.WHOLE_TABLE;
    }

    // ---- tables

    @Override
    public List<String> listTables() {
        return List.copyOf(tables.keySet());
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
                Table t = new Table(name, nextTableId);
                try (org.rocksdb.WriteBatch wb = new org.rocksdb.WriteBatch()) {
                    wb.put(
                            catalog,
                            (TABLE_CF_PREFIX + name).getBytes(StandardCharsets.UTF_8),
                            t.prefix);
                    wb.put(catalog, NEXT_TABLE_ID_KEY, IndexKeys.tablePrefix(t.id + 1));
                    db.write(createOptions, wb);
                }
                nextTableId++;
                tables.put(name, t);
            }
        } catch (RocksDBException e) {
            throw new StorageException(
                    "cannot create table "
                            + name
                            + " in the local index "
                            + directory
                            + ": "
                            + e.getMessage(),
                    e);
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
                t.drop();
                tables.remove(name);
            }
        } catch (RocksDBException e) {
            throw new StorageException(
                    "cannot delete table "
                            + name
                            + " from the local index "
                            + directory
                            + ": "
                            + e.getMessage(),
                    e);
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

    /**
     * Nothing to change on a local table (throughput and tags mean nothing here); the table must
     * exist.
     */
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
        LOG.info("closed the local index in {} (write-ahead log synced, lock released)", directory);
    }

    private void releaseNatives() {
        synchronized (tableLock) {
            tables.clear();
        }
        if (catalog != null) {
            catalog.close();
        }
        if (entries != null) {
            entries.close();
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
        createOptions.close();
        cfOptions.close();
        dbOptions.close();
        sstFiles.close();
        writeBuffers.close();
        blockCache.close();
        statistics.close();
    }

    /**
     * The store's size, its disk's room and its block cache's hit counts, read when /metrics is
     * scraped (the dashboard's "embedded store" row and the disk alert of deploy/): {@code
     * local_index_size_bytes} (the SST files RocksDB tracks), {@code
     * local_disk_{free,capacity}_bytes} (the file system of the index folder, as a write's free
     * space check sees it), {@code local_index_block_cache_{hits,misses}_total}. A closed index
     * reads NaN, never its freed native handles.
     */
    private void registerGauges(MeterRegistry metrics, String metricPrefix) {
        String where = directory.toString();
        Gauge.builder(
                        metricPrefix + "local_index_size_bytes",
                        this,
                        i -> i.guarded(i.sstFiles::getTotalSize))
                .description("Bytes of the local index's SST files on disk")
                .tag("directory", where)
                .baseUnit("bytes")
                .register(metrics);
        if (disk != null) {
            Gauge.builder(metricPrefix + "local_disk_free_bytes", disk, LocalIndex::usable)
                    .description(
                            "Free bytes (usable by chunkstore) on the disk holding the local index")
                    .tag("directory", where)
                    .register(metrics);
            Gauge.builder(metricPrefix + "local_disk_capacity_bytes", disk, LocalIndex::total)
                    .description("Size in bytes of the disk holding the local index")
                    .tag("directory", where)
                    .register(metrics);
        }
        FunctionCounter.builder(
                        metricPrefix + "local_index_block_cache_hits",
                        this,
                        i ->
                                i.guarded(
                                        () ->
                                                i.statistics.getTickerCount(
                                                        TickerType.BLOCK_CACHE_HIT)))
                .description("Reads of the local index served from its block cache")
                .tag("directory", where)
                .register(metrics);
        FunctionCounter.builder(
                        metricPrefix + "local_index_block_cache_misses",
                        this,
                        i ->
                                i.guarded(
                                        () ->
                                                i.statistics.getTickerCount(
                                                        TickerType.BLOCK_CACHE_MISS)))
                .description(
                        "Reads of the local index that missed its block cache and read the disk")
                .tag("directory", where)
                .register(metrics);
    }

    /** A native reading, or NaN once the index is closed (its handles are freed then). */
    private double guarded(java.util.function.LongSupplier reading) {
        synchronized (guard) {
            if (closed) {
                return Double.NaN;
            }
            inFlight++;
        }
        try {
            return reading.getAsLong();
        } finally {
            exit();
        }
    }

    private static double usable(FileStore store) {
        try {
            return store.getUsableSpace();
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    private static double total(FileStore store) {
        try {
            return store.getTotalSpace();
        } catch (IOException e) {
            return Double.NaN;
        }
    }
}
