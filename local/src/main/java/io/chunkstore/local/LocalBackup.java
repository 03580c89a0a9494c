package io.chunkstore.local;

import io.chunkstore.spi.StorageException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * A consistent online backup of a {@code local} data directory ({@code index/} and {@code chunks/},
 * as {@link LocalConfig#under} lays it out) into a new directory that is itself a data directory:
 * restoring is pointing the store (or {@code serve --data}) at it, or moving it into place while
 * the store is stopped.
 *
 * <p>The index is read through a RocksDB <em>secondary instance</em>: it takes no lock and writes
 * nothing in the source, so a running store does not notice it (a RocksDB checkpoint would need the
 * database open read-write, which only the process holding its lock can do). After one catch-up
 * with the primary's MANIFEST and write-ahead log (every write the store acknowledged by then,
 * synced or not), every column family is copied as is, so the backup is one point in time of the
 * index, in whatever format the source has. Chunk files are hard-linked afterwards (copied where
 * the target is on another file system): a chunk is never changed in place (a put renames a new
 * file over it), so a link is a frozen copy, and since chunks are written before the index entries
 * naming them, every chunk the backed-up index names is there unless it was deleted during the
 * backup. Other regular files at the top of the data directory (the schema file of {@code serve})
 * are copied.
 */
public final class LocalBackup {
    private static final int COPY_BATCH_BYTES = 4 << 20;

    static {
        RocksDB.loadLibrary();
    }

    /** What one backup did. */
    public record Result(
            long indexEntries,
            long chunkFilesLinked,
            long chunkFilesCopied,
            long otherFiles,
            Duration took) {}

    private LocalBackup() {}

    /**
     * Backs up {@code dataDir} into {@code target}, which must not exist or be empty.
     *
     * @throws StorageException when the source is no local data directory, the target is not empty,
     *     or reading or writing fails (the half-written target is then left for inspection)
     */
    public static Result backup(Path dataDir, Path target) {
        long start = System.nanoTime();
        LocalConfig source = LocalConfig.under(dataDir);
        if (!Files.isRegularFile(source.indexDirectory().resolve("CURRENT"))) {
            throw new StorageException(
                    "no local index in "
                            + source.indexDirectory()
                            + " (a data directory holds"
                            + " index/ and chunks/)");
        }
        requireEmpty(target);
        LocalConfig copy = LocalConfig.under(target);
        long entries = copyIndex(source.indexDirectory(), copy.indexDirectory());
        long[] chunks = linkChunks(source.chunksDirectory(), copy.chunksDirectory());
        long others = copyTopLevelFiles(dataDir, target);
        return new Result(
                entries, chunks[0], chunks[1], others, Duration.ofNanos(System.nanoTime() - start));
    }

    private static void requireEmpty(Path target) {
        try {
            if (Files.exists(target)) {
                try (Stream<Path> s = Files.list(target)) {
                    if (s.findAny().isPresent()) {
                        throw new StorageException(
                                "the backup target " + target + " is not empty; give a new folder");
                    }
                }
            }
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new StorageException("cannot create the backup folder " + target + ": " + e, e);
        }
    }

    private static long copyIndex(Path index, Path targetIndex) {
        Path secondary;
        try {
            secondary = Files.createTempDirectory("chunkstore-backup-secondary");
        } catch (IOException e) {
            throw new StorageException("cannot create a temporary folder for the backup: " + e, e);
        }
        List<ColumnFamilyHandle> from = new ArrayList<>();
        List<ColumnFamilyHandle> to = new ArrayList<>();
        try (Options listing = new Options();
                ColumnFamilyOptions familyOptions = new ColumnFamilyOptions();
                DBOptions sourceOptions =
                        new DBOptions()
                                .setMaxOpenFiles(-1)
                                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL);
                DBOptions targetOptions =
                        new DBOptions()
                                .setCreateIfMissing(true)
                                .setCreateMissingColumnFamilies(true)
                                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL);
                WriteOptions unsynced = new WriteOptions()) {
            List<ColumnFamilyDescriptor> families = new ArrayList<>();
            for (byte[] name : RocksDB.listColumnFamilies(listing, index.toString())) {
                families.add(new ColumnFamilyDescriptor(name, familyOptions));
            }
            // A secondary instance needs every file open (max_open_files = -1): the primary may
            // delete them.
            try (RocksDB src =
                            RocksDB.openAsSecondary(
                                    sourceOptions,
                                    index.toString(),
                                    secondary.toString(),
                                    families,
                                    from);
                    RocksDB dst =
                            RocksDB.open(targetOptions, targetIndex.toString(), families, to)) {
                src.tryCatchUpWithPrimary();
                long entries = 0;
                for (int i = 0; i < from.size(); i++) {
                    entries += copyFamily(src, from.get(i), dst, to.get(i), unsynced);
                }
                dst.syncWal();
                return entries;
            } finally {
                from.forEach(ColumnFamilyHandle::close);
                to.forEach(ColumnFamilyHandle::close);
            }
        } catch (RocksDBException e) {
            throw new StorageException(
                    "backing up the local index "
                            + index
                            + " into "
                            + targetIndex
                            + " failed: "
                            + e.getMessage(),
                    e);
        } finally {
            deleteTree(secondary);
        }
    }

    private static long copyFamily(
            RocksDB src,
            ColumnFamilyHandle from,
            RocksDB dst,
            ColumnFamilyHandle to,
            WriteOptions wo)
            throws RocksDBException {
        long n = 0;
        org.rocksdb.WriteBatch wb = new org.rocksdb.WriteBatch();
        try (RocksIterator it = src.newIterator(from)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                wb.put(to, it.key(), it.value());
                n++;
                if (wb.getDataSize() >= COPY_BATCH_BYTES) {
                    dst.write(wo, wb);
                    wb.close();
                    wb = new org.rocksdb.WriteBatch();
                }
            }
            it.status();
            dst.write(wo, wb);
        } finally {
            wb.close();
        }
        return n;
    }

    /** Hard-links (or, across file systems, copies) every chunk file; returns {linked, copied}. */
    private static long[] linkChunks(Path chunks, Path targetChunks) {
        long[] counts = new long[2];
        if (!Files.isDirectory(chunks)) {
            return counts;
        }
        try {
            Files.walkFileTree(
                    chunks,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs)
                                throws IOException {
                            Path name = f.getFileName();
                            if (!attrs.isRegularFile()
                                    || name == null
                                    || name.toString()
                                            .startsWith(FilesystemObjectClient.TEMP_PREFIX)) {
                                return FileVisitResult.CONTINUE;
                            }
                            Path t = targetChunks.resolve(chunks.relativize(f).toString());
                            Path parent = t.getParent();
                            if (parent != null) {
                                Files.createDirectories(parent);
                            }
                            try {
                                Files.createLink(t, f);
                                counts[0]++;
                            } catch (NoSuchFileException e) {
                                // deleted while the backup ran (retention): not part of it
                            } catch (UnsupportedOperationException | FileSystemException e) {
                                Files.copy(f, t);
                                counts[1]++;
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path f, IOException e)
                                throws IOException {
                            if (e instanceof NoSuchFileException) {
                                return FileVisitResult.CONTINUE; // deleted while listing
                            }
                            throw e;
                        }
                    });
        } catch (IOException e) {
            throw new StorageException(
                    "backing up the chunk files of "
                            + chunks
                            + " into "
                            + targetChunks
                            + " failed: "
                            + e,
                    e);
        }
        return counts;
    }

    private static long copyTopLevelFiles(Path dataDir, Path target) {
        long n = 0;
        try (DirectoryStream<Path> entries =
                Files.newDirectoryStream(dataDir, Files::isRegularFile)) {
            for (Path f : entries) {
                Path name = f.getFileName();
                if (name != null) {
                    Files.copy(f, target.resolve(name.toString()));
                    n++;
                }
            }
        } catch (IOException e) {
            throw new StorageException(
                    "copying the files of "
                            + dataDir
                            + " into the backup "
                            + target
                            + " failed: "
                            + e,
                    e);
        }
        return n;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // best effort: a leftover of the secondary instance's temporary folder costs nothing
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(LocalBackup::deleteQuietly);
        } catch (IOException e) {
            // a temporary folder of RocksDB's secondary instance: its info log only
        }
    }
}
