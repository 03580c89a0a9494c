package io.chunkstore.local;

import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.support.DaemonThreads;
import io.chunkstore.spi.support.ObjectChunkClient;
import io.chunkstore.spi.support.SimpleBackend;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;

/**
 * The embedded store: a {@link LocalIndex} (index and tables) plus chunk files in Cortex's
 * filesystem layout ({@link FilesystemObjectClient} wrapped by {@link ObjectChunkClient} with the
 * base64 key encoder). Store name {@code local}; the chunks-only variant answers to {@code
 * filesystem}. Closing closes everything it opened.
 */
public final class LocalBackend extends SimpleBackend {
    private static final org.slf4j.Logger LOG =
            org.slf4j.LoggerFactory.getLogger(LocalBackend.class);

    /** Chunks are read whole into one array. */
    public static final long MAX_CHUNK_SIZE = Integer.MAX_VALUE - 8;

    static final Capabilities LOCAL =
            Capabilities.of(
                            Feature.INDEX,
                            Feature.CHUNKS,
                            Feature.TABLES,
                            Feature.MISSING_TABLE_ERRORS,
                            Feature.CHUNK_DELETE,
                            Feature.INDEX_SCAN,
                            Feature.PERSISTENT)
                    .withMaxChunkSize(MAX_CHUNK_SIZE);
    static final Capabilities FILESYSTEM =
            Capabilities.of(Feature.CHUNKS, Feature.CHUNK_DELETE, Feature.PERSISTENT)
                    .withMaxChunkSize(MAX_CHUNK_SIZE);

    private final LocalIndex index;
    private final FilesystemObjectClient files;
    private final ObjectChunkClient chunks;

    private LocalBackend(
            String storeName,
            Capabilities capabilities,
            LocalIndex index,
            FilesystemObjectClient files,
            ObjectChunkClient chunks) {
        super(storeName, capabilities, index, chunks, index);
        this.index = index;
        this.files = files;
        this.chunks = chunks;
    }

    private static ObjectChunkClient chunksIn(FilesystemObjectClient files, int chunkConcurrency) {
        return new ObjectChunkClient(files, ObjectChunkClient.KeyEncoder.BASE64, chunkConcurrency);
    }

    /** Opens the {@code local} store: index, tables and chunks. */
    public static LocalBackend open(
            LocalConfig config, MeterRegistry metrics, String metricPrefix) {
        FilesystemObjectClient files =
                new FilesystemObjectClient(config.chunksDirectory(), config.syncWrites());
        LocalIndex index = new LocalIndex(config, metrics, metricPrefix);
        cleanUnfinishedWritesInBackground(files);
        return new LocalBackend(
                "local", LOCAL, index, files, chunksIn(files, config.chunkConcurrency()));
    }

    /**
     * Temp files of puts cut off by a crash are litter, not data: removed after an hour, off the
     * open path.
     */
    private static void cleanUnfinishedWritesInBackground(FilesystemObjectClient files) {
        DaemonThreads.start(
                "chunkstore-local-cleanup",
                () -> {
                    try {
                        int n = files.removeStaleTemporaryFiles(java.time.Duration.ofHours(1));
                        if (n > 0) {
                            LOG.info(
                                    "removed {} temporary files of unfinished chunk writes under {}",
                                    n,
                                    files.root());
                        }
                    } catch (RuntimeException e) {
                        LOG.warn(
                                "could not clean unfinished chunk writes under {}: {}",
                                files.root(),
                                e.getMessage());
                    }
                });
    }

    /** Opens the {@code local} store with its defaults under one directory and private metrics. */
    public static LocalBackend open(Path directory) {
        return open(LocalConfig.under(directory), new SimpleMeterRegistry(), "chunkstore_");
    }

    /**
     * Opens the {@code filesystem} store: chunks only, in Cortex's filesystem layout (Loki's before
     * schema v12) under {@code directory}: one file per chunk, named by the standard base64 of the
     * whole external key.
     */
    public static LocalBackend openFilesystem(
            Path directory, boolean syncWrites, int chunkConcurrency) {
        FilesystemObjectClient files = new FilesystemObjectClient(directory, syncWrites);
        return new LocalBackend(
                "filesystem", FILESYSTEM, null, files, chunksIn(files, chunkConcurrency));
    }

    /** The object store under the chunk client (for listing and inspection). */
    public FilesystemObjectClient objectClient() {
        return files;
    }

    @Override
    protected String lacking(Feature client) {
        return "store '"
                + storeName()
                + "' holds chunks only; use store 'local' for an index and tables";
    }

    /**
     * The index's disk has room for a flush of the write buffers (else {@link
     * io.chunkstore.spi.StorageFullException}); a chunks-only store has nothing to check.
     */
    @Override
    public void checkHealth() {
        if (index != null) {
            index.checkFreeSpace();
        }
    }

    @Override
    public void close() {
        try {
            chunks.close();
        } finally {
            if (index != null) {
                index.close();
            }
        }
    }
}
