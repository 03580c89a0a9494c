package io.chunkstore.local;

import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.ObjectClient;
import io.chunkstore.spi.ObjectNotFoundException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.StorageFullException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Objects as files under a directory (Cortex's filesystem object store,
 * pkg/chunk/local/fs_object_client.go): the key's {@code /}-separated segments are the path below
 * the root, cleaned like Go's {@code filepath.Join} (empty and {@code .} segments vanish); a {@code
 * ..} segment is refused. A put is atomic: the bytes go to a temporary file in the target's
 * directory ({@value #TEMP_PREFIX}...), are fsynced, renamed over the target, and the directory is
 * fsynced, so a reader or a crash sees the old object or the new one, never a part. Delete removes
 * the file and then every parent directory that became empty, never the root. Listing supports the
 * {@code ""} and {@code "/"} delimiters. Temporary files are invisible to get and list.
 * Thread-safe; holds no open files between calls.
 */
public class FilesystemObjectClient implements ObjectClient {
    /** Names of in-progress writes start with this; no object key segment may. */
    public static final String TEMP_PREFIX = ".chunkstore-tmp-";

    private static final int DIRECTORY_RACE_RETRIES = 50;

    /**
     * Puts hold one of these (shared) while they make directories and move their file in; a delete
     * removes the directories it emptied only when it gets it exclusively at once, else leaves them
     * (an empty directory is harmless, and the next delete there removes it). Striped by the key's
     * first directory, so puts and deletes of different tenants never meet. Within this process a
     * put therefore never sees its directory removed under it; another process sharing the folder
     * is still met by the put's retries.
     */
    private final ReadWriteLock[] directoryLocks = new ReadWriteLock[64];

    private final Path root;
    private final boolean sync;

    /**
     * @param root the directory holding the objects (created if missing)
     * @param sync whether to fsync files and directories before a put or delete returns
     */
    public FilesystemObjectClient(Path root, boolean sync) {
        this.root = root.toAbsolutePath().normalize();
        this.sync = sync;
        for (int i = 0; i < directoryLocks.length; i++) {
            directoryLocks[i] = new ReentrantReadWriteLock();
        }
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new StorageException(
                    "cannot create the chunk directory " + this.root + ": " + e, e);
        }
    }

    public Path root() {
        return root;
    }

    /** The file an object key maps to. */
    public Path pathFor(String key) {
        Path p = root;
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                throw new InvalidRequestException(
                        "object key '"
                                + key
                                + "' has a '..' segment, which would leave"
                                + " the directory "
                                + root);
            }
            if (segment.startsWith(TEMP_PREFIX)) {
                throw new InvalidRequestException(
                        "object key '"
                                + key
                                + "' has a segment starting with "
                                + TEMP_PREFIX
                                + ", which the filesystem store reserves for writes in progress");
            }
            try {
                p = p.resolve(segment);
            } catch (InvalidPathException e) {
                throw new InvalidRequestException(
                        "object key '" + key + "' is not a valid file name here: " + e.getMessage(),
                        e);
            }
        }
        if (p.equals(root)) {
            throw new InvalidRequestException("object key '" + key + "' names no file");
        }
        return p;
    }

    @Override
    public void putObject(String key, byte[] data) {
        put(key, ch -> writeContent(ch, data));
    }

    /** Copies the file into place (kernel to kernel), never holding it in memory. */
    @Override
    public void putObject(String key, Path file) {
        put(
                key,
                ch -> {
                    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                        long size = in.size();
                        long done = 0;
                        while (done < size) {
                            done += in.transferTo(done, size - done, ch);
                        }
                    } catch (NoSuchFileException e) {
                        throw new java.io.UncheckedIOException(
                                "cannot read " + file + " to store it as " + key + ": " + e, e);
                    }
                });
    }

    /** Writes one object's content into an open temporary file. */
    @FunctionalInterface
    private interface Content {
        void writeTo(FileChannel ch) throws IOException;
    }

    private void put(String key, Content content) {
        Path target = pathFor(key);
        Lock directories = directoryLock(target).readLock();
        directories.lock();
        try {
            putUnderLock(key, target, content);
        } finally {
            directories.unlock();
        }
    }

    private void putUnderLock(String key, Path target, Content content) {
        for (int attempt = 0; ; attempt++) {
            Path tmp = null;
            try {
                createDirectories(target.getParent());
                tmp =
                        target.resolveSibling(
                                TEMP_PREFIX
                                        + HexFormat.of()
                                                .toHexDigits(
                                                        ThreadLocalRandom.current().nextLong()));
                try (FileChannel ch =
                        FileChannel.open(
                                tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    content.writeTo(ch);
                    if (sync) {
                        ch.force(true);
                    }
                }
                Files.move(
                        tmp,
                        target,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                tmp = null;
                if (sync) {
                    fsyncDirectory(target.getParent());
                }
                return;
            } catch (NoSuchFileException e) {
                // A concurrent delete removed a directory this put had created: make it again.
                if (attempt >= DIRECTORY_RACE_RETRIES) {
                    throw new StorageException(
                            "writing object " + key + " to " + target + " failed: " + e, e);
                }
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("No space left on device")) {
                    throw new StorageFullException(
                            "the disk holding the chunk folder "
                                    + root
                                    + " is full: writing object "
                                    + key
                                    + " failed ("
                                    + e.getMessage()
                                    + "); reads still work, and writes resume once space"
                                    + " is freed there",
                            e);
                }
                throw new StorageException(
                        "writing object " + key + " to " + target + " failed: " + e, e);
            } finally {
                if (tmp != null) {
                    try {
                        Files.deleteIfExists(tmp);
                    } catch (IOException e) {
                        // the write already failed; a stray temp file is ignored by get and list
                    }
                }
            }
        }
    }

    /**
     * Writes the bytes to the temporary file (a seam for tests that make a write fail half-way).
     */
    void writeContent(FileChannel ch, byte[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    @Override
    public byte[] getObject(String key) {
        Path p = pathFor(key);
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key, e);
        } catch (IOException e) {
            if (!Files.isRegularFile(p)) {
                throw new ObjectNotFoundException(key, e);
            }
            throw new StorageException("reading object " + key + " from " + p + " failed: " + e, e);
        }
    }

    @Override
    public void deleteObject(String key) {
        Path p = pathFor(key);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new ObjectNotFoundException(key);
        }
        try {
            Files.delete(p);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key, e);
        } catch (IOException e) {
            throw new StorageException("deleting object " + key + " (" + p + ") failed: " + e, e);
        }
        Path dir = p.getParent();
        Lock directories = directoryLock(p).writeLock();
        boolean removeEmptied = directories.tryLock();
        try {
            while (removeEmptied && !dir.equals(root) && dir.startsWith(root)) {
                try {
                    Files.delete(dir);
                } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                    break;
                }
                dir = dir.getParent();
            }
            if (sync) {
                fsyncDirectory(dir);
            }
        } catch (IOException e) {
            throw new StorageException(
                    "object "
                            + key
                            + " was deleted, but removing its empty directory "
                            + dir
                            + " failed: "
                            + e,
                    e);
        } finally {
            if (removeEmptied) {
                directories.unlock();
            }
        }
    }

    /** The lock of the object's first directory below the root (see {@link #directoryLocks}). */
    private ReadWriteLock directoryLock(Path object) {
        Path relative = root.relativize(object);
        int stripe = relative.getNameCount() > 1 ? relative.getName(0).hashCode() : 0;
        return directoryLocks[Math.floorMod(stripe, directoryLocks.length)];
    }

    @Override
    public ListResult list(String prefix, String delimiter) {
        if (!delimiter.isEmpty() && !delimiter.equals("/")) {
            throw new InvalidRequestException(
                    "the filesystem object store lists with the delimiters \"\" and \"/\""
                            + " only, not \""
                            + delimiter
                            + "\"");
        }
        int slash = prefix.lastIndexOf('/');
        String dirKey = cleanKey(slash < 0 ? "" : prefix.substring(0, slash));
        String namePrefix = prefix.substring(slash + 1);
        String keyPrefix = (dirKey.isEmpty() ? "" : dirKey + "/") + namePrefix;
        Path dir = dirKey.isEmpty() ? root : pathFor(dirKey);
        List<StorageObject> objects = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return new ListResult(objects, prefixes);
        }
        try {
            if (delimiter.isEmpty()) {
                Files.walkFileTree(
                        dir,
                        new SimpleFileVisitor<>() {
                            @Override
                            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                                String key = keyOf(file);
                                if (attrs.isRegularFile()
                                        && !isTemp(file)
                                        && key.startsWith(keyPrefix)) {
                                    objects.add(
                                            new StorageObject(
                                                    key, attrs.lastModifiedTime().toInstant()));
                                }
                                return FileVisitResult.CONTINUE;
                            }

                            @Override
                            public FileVisitResult visitFileFailed(Path file, IOException e)
                                    throws IOException {
                                if (e instanceof NoSuchFileException) {
                                    return FileVisitResult.CONTINUE; // deleted while listing
                                }
                                throw e;
                            }
                        });
            } else {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                    for (Path p : entries) {
                        String name = p.getFileName().toString();
                        if (isTemp(p) || !name.startsWith(namePrefix)) {
                            continue;
                        }
                        BasicFileAttributes attrs;
                        try {
                            attrs = Files.readAttributes(p, BasicFileAttributes.class);
                        } catch (NoSuchFileException e) {
                            continue;
                        }
                        if (attrs.isDirectory()) {
                            prefixes.add(keyOf(p) + "/");
                        } else if (attrs.isRegularFile()) {
                            objects.add(
                                    new StorageObject(
                                            keyOf(p), attrs.lastModifiedTime().toInstant()));
                        }
                    }
                }
            }
        } catch (NoSuchFileException e) {
            // the directory went away while listing: nothing under the prefix
        } catch (IOException e) {
            throw new StorageException(
                    "listing objects under '" + prefix + "' in " + root + " failed: " + e, e);
        }
        objects.sort(Comparator.comparing(StorageObject::key));
        prefixes.sort(Comparator.naturalOrder());
        return new ListResult(objects, prefixes);
    }

    /**
     * Deletes temporary files of writes that never finished (a process killed mid-put leaves one
     * behind; the data is still correct, the file is only litter). Only files older than {@code
     * olderThan} go, so a write in progress in another process is never touched.
     *
     * @return how many files were deleted
     */
    public int removeStaleTemporaryFiles(java.time.Duration olderThan) {
        java.time.Instant cutoff = java.time.Instant.now().minus(olderThan);
        int[] removed = {0};
        try (java.util.stream.Stream<Path> files = Files.walk(root)) {
            files.filter(FilesystemObjectClient::isTemp)
                    .forEach(
                            f -> {
                                try {
                                    if (Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)
                                            && Files.deleteIfExists(f)) {
                                        removed[0]++;
                                    }
                                } catch (IOException e) {
                                    // raced with its own writer finishing, or unreadable: leave it
                                }
                            });
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new StorageException(
                    "cleaning unfinished writes under " + root + " failed: " + e, e);
        }
        return removed[0];
    }

    private static boolean isTemp(Path p) {
        return p.getFileName().toString().startsWith(TEMP_PREFIX);
    }

    private String keyOf(Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    /** A key without empty or {@code .} segments, as it maps to a path. */
    private static String cleanKey(String key) {
        StringBuilder b = new StringBuilder();
        for (String s : key.split("/")) {
            if (!s.isEmpty() && !s.equals(".")) {
                if (b.length() > 0) {
                    b.append('/');
                }
                b.append(s);
            }
        }
        return b.toString();
    }

    /** Creates the directory and missing parents; with sync, fsyncs each new directory's parent. */
    private void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        List<Path> missing = new ArrayList<>();
        for (Path d = dir; d != null && !Files.isDirectory(d); d = d.getParent()) {
            missing.add(d);
        }
        for (int i = missing.size() - 1; i >= 0; i--) {
            Path d = missing.get(i);
            try {
                Files.createDirectory(d);
            } catch (FileAlreadyExistsException e) {
                // One look only: puts and deletes racing here may create and remove the directory
                // in between.
                // If it is gone again (NoSuchFileException), the caller starts over.
                if (!Files.readAttributes(d, BasicFileAttributes.class).isDirectory()) {
                    throw new StorageException(
                            "cannot store an object under " + d + ": a file of that name exists",
                            e);
                }
            }
            if (sync) {
                fsyncDirectory(d.getParent());
            }
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public void close() {
        // holds no open files between calls
    }
}
