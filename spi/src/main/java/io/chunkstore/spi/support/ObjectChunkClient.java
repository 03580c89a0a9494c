package io.chunkstore.spi.support;

import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.ObjectClient;
import io.chunkstore.spi.ObjectNotFoundException;
import io.chunkstore.spi.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Chunks in any {@link ObjectClient} (Cortex's {@code objectclient.Client}): each chunk is one object named by its
 * external key, optionally transformed by a {@link KeyEncoder} (the filesystem store uses {@link KeyEncoder#BASE64}).
 * Table names are ignored: object stores have no chunk tables.
 *
 * <p>Puts and gets run concurrently on up to {@code parallelism} threads of this client (Cortex uses up to 1000 for
 * gets). Every chunk of a call is attempted even when some fail: a get returns the chunks it read and reports each
 * failed key with its own typed error in a {@link ChunkFetchException} (a missing object becomes a
 * {@link ChunkNotFoundException}); a put throws the first error after trying every chunk. Thread-safe; closing it
 * closes the object client.
 */
public final class ObjectChunkClient implements ChunkClient {

    /** Turns an external key into an object name. */
    @FunctionalInterface
    public interface KeyEncoder {
        String encode(String externalKey);

        /** The object name is the external key itself (S3, GCS, Azure, Swift). */
        KeyEncoder IDENTITY = key -> key;

        /**
         * Standard base64 with {@code =} padding of the UTF-8 key (Cortex's {@code Base64Encoder}, used by the
         * filesystem store): {@code userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:d97c78e1} becomes
         * {@code dXNlcklEL2ZkMzQ3NzY2NmRhY2Y5MmE6MTZhYWIzN2M4ZTg6MTZhYWI2ZWI3Njg6ZDk3Yzc4ZTE=}.
         */
        KeyEncoder BASE64 = key -> Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
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
     * @param objects     the object store; closed with this client
     * @param encoder     maps external keys to object names
     * @param parallelism how many objects one call reads or writes at once (at least 1)
     */
    public ObjectChunkClient(ObjectClient objects, KeyEncoder encoder, int parallelism) {
        this.objects = Objects.requireNonNull(objects, "objects");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        if (parallelism < 1) {
            throw new IllegalArgumentException("chunk parallelism must be at least 1, got " + parallelism);
        }
        this.parallelism = parallelism;
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor tpe = new ThreadPoolExecutor(parallelism, parallelism, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "chunkstore-object-chunks-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
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
        List<StorageException> errors = Collections.synchronizedList(new ArrayList<>());
        forEachParallel(chunks.size(), i -> {
            EncodedChunk c = chunks.get(i);
            try {
                objects.putObject(objectName(c.key()), c.encoded());
            } catch (StorageException e) {
                errors.add(e);
            } catch (RuntimeException e) {
                errors.add(new StorageException("writing chunk " + c.key() + " failed: " + e, e));
            }
        });
        if (!errors.isEmpty()) {
            StorageException first = errors.get(0);
            for (int i = 1; i < errors.size(); i++) {
                first.addSuppressed(errors.get(i));
            }
            throw first;
        }
    }

    @Override
    public List<EncodedChunk> getChunks(List<ChunkLocation> chunks) {
        EncodedChunk[] fetched = new EncodedChunk[chunks.size()];
        StorageException[] failed = new StorageException[chunks.size()];
        forEachParallel(chunks.size(), i -> {
            ChunkLocation l = chunks.get(i);
            try {
                fetched[i] = new EncodedChunk(l.key(), l.tableName(), objects.getObject(objectName(l.key())));
            } catch (ObjectNotFoundException e) {
                failed[i] = new ChunkNotFoundException(l.key(), e);
            } catch (StorageException e) {
                failed[i] = e;
            } catch (RuntimeException e) {
                failed[i] = new StorageException("reading chunk " + l.key() + " failed: " + e, e);
            }
        });
        List<EncodedChunk> out = new ArrayList<>(chunks.size());
        Map<String, StorageException> failures = new LinkedHashMap<>();
        for (int i = 0; i < fetched.length; i++) {
            if (failed[i] != null) {
                failures.putIfAbsent(chunks.get(i).key(), failed[i]);
            } else {
                out.add(fetched[i]);
            }
        }
        if (!failures.isEmpty()) {
            throw new ChunkFetchException(out, failures);
        }
        return out;
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

    /** Runs {@code task(i)} for every i in [0, n) on up to {@code parallelism} workers, the caller being one. */
    private void forEachParallel(int n, IntConsumer task) {
        if (n == 0) {
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i; (i = next.getAndIncrement()) < n; ) {
                task.accept(i);
            }
        };
        int helpers = Math.min(parallelism, n) - 1;
        List<Future<?>> futures = new ArrayList<>(helpers);
        try {
            for (int w = 0; w < helpers; w++) {
                futures.add(pool.submit(worker));
            }
        } catch (RejectedExecutionException e) {
            next.set(n);
            throw new StorageException("the chunk client is closed", e);
        }
        worker.run();
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            next.set(n);
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for chunk reads or writes", e);
        } catch (ExecutionException e) {
            throw new StorageException("chunk worker failed: " + e.getCause(), e.getCause());
        }
    }
}
