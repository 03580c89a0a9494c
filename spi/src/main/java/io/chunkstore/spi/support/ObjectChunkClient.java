package io.chunkstore.spi.support;

import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.ChunkWriteException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.ObjectClient;
import io.chunkstore.spi.ObjectNotFoundException;
import io.chunkstore.spi.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Chunks in any {@link ObjectClient} (Cortex's {@code objectclient.Client}): each chunk is one
 * object named by its external key, optionally transformed by a {@link KeyEncoder} (the filesystem
 * store uses {@link KeyEncoder#BASE64}). Table names are ignored: object stores have no chunk
 * tables.
 *
 * <p>Puts and gets run concurrently on up to {@code parallelism} threads of this client (Cortex
 * uses up to 1000 for gets). Every chunk of a call is attempted even when some fail: a get returns
 * the chunks it read and reports each failed key with its own typed error in a {@link
 * ChunkFetchException} (a missing object becomes a {@link ChunkNotFoundException}); a put that
 * stored some chunks and not others throws a {@link ChunkWriteException} naming both (see {@link
 * ChunkWriteException#check}). Thread-safe; closing it closes the object client.
 */
public final class ObjectChunkClient implements ChunkClient {

    /** Turns an external key into an object name. */
    @FunctionalInterface
    public interface KeyEncoder {
        String encode(String externalKey);

        /** The object name is the external key itself (S3, GCS, Azure, Swift). */
        KeyEncoder IDENTITY = key -> key;

        /**
         * Standard base64 with {@code =} padding of the UTF-8 key (Cortex's {@code Base64Encoder},
         * used by the filesystem store): {@code
         * userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:d97c78e1} becomes {@code
         * dXNlcklEL2ZkMzQ3NzY2NmRhY2Y5MmE6MTZhYWIzN2M4ZTg6MTZhYWI2ZWI3Njg6ZDk3Yzc4ZTE=}.
         */
        KeyEncoder BASE64 =
                key -> Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /** Default bound on concurrent object reads and writes of one call. */
    public static final int DEFAULT_PARALLELISM = 100;

    private final ObjectClient objects;
    private final KeyEncoder encoder;
    private final int parallelism;
    private final ExecutorService pool;

    /** With the identity encoder and {@link #DEFAULT_PARALLELISM}. */
    public ObjectChunkClient(ObjectClient objects) {
        this(objects, KeyEncoder.IDENTITY, DEFAULT_PARALLELISM);
    }

    /**
     * @param objects the object store; closed with this client
     * @param encoder maps external keys to object names
     * @param parallelism how many objects one call reads or writes at once (at least 1)
     */
    public ObjectChunkClient(ObjectClient objects, KeyEncoder encoder, int parallelism) {
        this.objects = Objects.requireNonNull(objects, "objects");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        if (parallelism < 1) {
            throw new IllegalArgumentException(
                    "chunk parallelism must be at least 1, got " + parallelism);
        }
        this.parallelism = parallelism;
        ThreadPoolExecutor tpe =
                new ThreadPoolExecutor(
                        parallelism,
                        parallelism,
                        30,
                        TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(),
                        DaemonThreads.named("chunkstore-object-chunks"));
        tpe.allowCoreThreadTimeOut(true);
        this.pool = tpe;
    }

    /** The object name a chunk with this external key is stored under. */
    public String objectName(String externalKey) {
        return encoder.encode(externalKey);
    }

    public int parallelism() {
        return parallelism;
    }

    @Override
    public void putChunks(List<EncodedChunk> chunks) {
        List<Parallel.Outcome<EncodedChunk>> outcomes =
                run(
                        chunks,
                        c -> {
                            objects.putObject(objectName(c.key()), c.encoded());
                            return c;
                        });
        Map<String, StorageException> notWritten = new LinkedHashMap<>();
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i).failed()) {
                notWritten.putIfAbsent(
                        chunks.get(i).key(),
                        typed(outcomes.get(i).error(), "writing chunk " + chunks.get(i).key()));
            }
        }
        ChunkWriteException.check("putChunks to the object store", chunks, notWritten);
    }

    @Override
    public List<EncodedChunk> getChunks(List<ChunkLocation> chunks) {
        List<Parallel.Outcome<EncodedChunk>> outcomes =
                run(
                        chunks,
                        l ->
                                new EncodedChunk(
                                        l.key(),
                                        l.tableName(),
                                        objects.getObject(objectName(l.key()))));
        List<EncodedChunk> out = new ArrayList<>(chunks.size());
        Map<String, StorageException> failures = new LinkedHashMap<>();
        for (int i = 0; i < outcomes.size(); i++) {
            String key = chunks.get(i).key();
            RuntimeException e = outcomes.get(i).error();
            if (e == null) {
                out.add(outcomes.get(i).value());
            } else if (e instanceof ObjectNotFoundException missing) {
                failures.putIfAbsent(key, new ChunkNotFoundException(key, missing));
            } else {
                failures.putIfAbsent(key, typed(e, "reading chunk " + key));
            }
        }
        if (!failures.isEmpty()) {
            throw new ChunkFetchException(out, failures);
        }
        return out;
    }

    private static StorageException typed(RuntimeException e, String doing) {
        return e instanceof StorageException s
                ? s
                : new StorageException(doing + " failed: " + e, e);
    }

    @Override
    public void deleteChunk(ChunkLocation chunk) {
        try {
            objects.deleteObject(objectName(chunk.key()));
        } catch (ObjectNotFoundException e) {
            // deleting a missing chunk is a no-op
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        objects.close();
    }

    /** Runs the task on every item, on up to {@code parallelism} threads (the caller being one). */
    private <T, R> List<Parallel.Outcome<R>> run(
            List<T> items, java.util.function.Function<T, R> task) {
        try {
            return Parallel.map(items, parallelism, pool, task);
        } catch (RejectedExecutionException e) {
            throw new StorageException("the chunk client is closed", e);
        }
    }
}
