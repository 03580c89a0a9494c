package io.chunkstore.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.ChunkWriteException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.ObjectClient;
import io.chunkstore.spi.ObjectNotFoundException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.ThrottledException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ObjectChunkClientTest {

    /**
     * A map-backed object store that records the names it was asked for and how many calls
     * overlapped.
     */
    static final class MapObjects implements ObjectClient {
        final Map<String, byte[]> objects = new ConcurrentHashMap<>();
        final Set<String> failing = ConcurrentHashMap.newKeySet();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        volatile boolean closed;

        private void enter() {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void putObject(String key, byte[] data) {
            enter();
            try {
                if (failing.contains(key)) {
                    throw new ThrottledException("slow down: " + key);
                }
                objects.put(key, data.clone());
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public byte[] getObject(String key) {
            enter();
            try {
                if (failing.contains(key)) {
                    throw new ThrottledException("slow down: " + key);
                }
                byte[] b = objects.get(key);
                if (b == null) {
                    throw new ObjectNotFoundException(key);
                }
                return b.clone();
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public ListResult list(String prefix, String delimiter) {
            List<StorageObject> out = new ArrayList<>();
            objects.keySet().stream()
                    .filter(k -> k.startsWith(prefix))
                    .sorted()
                    .forEach(k -> out.add(new StorageObject(k, Instant.EPOCH)));
            return new ListResult(out, List.of());
        }

        @Override
        public void deleteObject(String key) {
            if (objects.remove(key) == null) {
                throw new ObjectNotFoundException(key);
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static final String GOLDEN_KEY =
            "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:d97c78e1";

    private static EncodedChunk chunk(String key, String payload) {
        return new EncodedChunk(key, "chunks_2600", payload.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void base64EncoderIsCortexFilesystemLayout() {
        // Cortex's filesystem object store (pkg/chunk/local/fs_object_client.go): standard base64
        // with padding of the
        // whole external key.
        assertThat(ObjectChunkClient.KeyEncoder.BASE64.encode(GOLDEN_KEY))
                .isEqualTo(
                        "dXNlcklEL2ZkMzQ3NzY2NmRhY2Y5MmE6MTZhYWIzN2M4ZTg6MTZhYWI2ZWI3Njg6ZDk3Yzc4ZTE=");
        // Padding is kept, and '/' and '+' of the standard alphabet are not replaced.
        assertThat(ObjectChunkClient.KeyEncoder.BASE64.encode("a")).isEqualTo("YQ==");
        assertThat(ObjectChunkClient.KeyEncoder.BASE64.encode("\u00ff\u00ff?"))
                .isEqualTo("w7/Dvz8=");
    }

    @Test
    void chunksAreStoredUnderTheEncodedKeyAndReadBack() {
        MapObjects store = new MapObjects();
        try (ObjectChunkClient client =
                new ObjectChunkClient(store, ObjectChunkClient.KeyEncoder.BASE64, 4)) {
            client.putChunks(List.of(chunk(GOLDEN_KEY, "one"), chunk("user2/1:2:3:4", "two")));
            assertThat(store.objects)
                    .containsOnlyKeys(
                            "dXNlcklEL2ZkMzQ3NzY2NmRhY2Y5MmE6MTZhYWIzN2M4ZTg6MTZhYWI2ZWI3Njg6ZDk3Yzc4ZTE=",
                            ObjectChunkClient.KeyEncoder.BASE64.encode("user2/1:2:3:4"));
            List<EncodedChunk> got =
                    client.getChunks(
                            List.of(
                                    new ChunkLocation(GOLDEN_KEY, "chunks_2600"),
                                    new ChunkLocation("user2/1:2:3:4", "chunks_2600")));
            assertThat(got)
                    .containsExactlyInAnyOrder(
                            chunk(GOLDEN_KEY, "one"), chunk("user2/1:2:3:4", "two"));
        }
        assertThat(store.closed).as("closing the chunk client closes the object client").isTrue();
    }

    @Test
    void identityEncoderUsesTheRawKey() {
        MapObjects store = new MapObjects();
        try (ObjectChunkClient client = new ObjectChunkClient(store)) {
            client.putChunks(List.of(chunk(GOLDEN_KEY, "x")));
            assertThat(store.objects).containsOnlyKeys(GOLDEN_KEY);
        }
    }

    @Test
    void missingChunksGiveTypedNotFoundWithThePartialResult() {
        MapObjects store = new MapObjects();
        try (ObjectChunkClient client =
                new ObjectChunkClient(store, ObjectChunkClient.KeyEncoder.BASE64, 3)) {
            client.putChunks(List.of(chunk("u/1:1:1:1", "a"), chunk("u/2:2:2:2", "b")));
            assertThatThrownBy(
                            () ->
                                    client.getChunks(
                                            List.of(
                                                    new ChunkLocation("u/1:1:1:1", ""),
                                                    new ChunkLocation("u/9:9:9:9", ""),
                                                    new ChunkLocation("u/2:2:2:2", ""))))
                    .isInstanceOfSatisfying(
                            ChunkFetchException.class,
                            e -> {
                                assertThat(e.fetched())
                                        .extracting(EncodedChunk::key)
                                        .containsExactlyInAnyOrder("u/1:1:1:1", "u/2:2:2:2");
                                assertThat(e.failures()).containsOnlyKeys("u/9:9:9:9");
                                assertThat(e.failures().get("u/9:9:9:9"))
                                        .isInstanceOf(ChunkNotFoundException.class)
                                        .hasCauseInstanceOf(ObjectNotFoundException.class);
                                assertThat(
                                                ((ChunkNotFoundException)
                                                                e.failures().get("u/9:9:9:9"))
                                                        .key())
                                        .isEqualTo("u/9:9:9:9");
                                assertThat(e.onlyNotFound()).isTrue();
                                assertThat(e.isRetryable()).isFalse();
                            });
        }
    }

    @Test
    void otherReadErrorsKeepTheirTypeAndTheRestIsStillRead() {
        MapObjects store = new MapObjects();
        try (ObjectChunkClient client =
                new ObjectChunkClient(store, ObjectChunkClient.KeyEncoder.IDENTITY, 2)) {
            client.putChunks(List.of(chunk("u/1:1:1:1", "a"), chunk("u/2:2:2:2", "b")));
            store.failing.add("u/2:2:2:2");
            assertThatThrownBy(
                            () ->
                                    client.getChunks(
                                            List.of(
                                                    new ChunkLocation("u/1:1:1:1", ""),
                                                    new ChunkLocation("u/2:2:2:2", ""))))
                    .isInstanceOfSatisfying(
                            ChunkFetchException.class,
                            e -> {
                                assertThat(e.fetched())
                                        .extracting(EncodedChunk::key)
                                        .containsExactly("u/1:1:1:1");
                                assertThat(e.failures().get("u/2:2:2:2"))
                                        .isInstanceOf(ThrottledException.class);
                                assertThat(e.onlyNotFound()).isFalse();
                                assertThat(e.isRetryable()).isTrue();
                            });
        }
    }

    @Test
    void putTriesEveryChunkAndThrowsTheTypedError() {
        MapObjects store = new MapObjects();
        store.failing.add("u/2:2:2:2");
        store.failing.add("u/4:4:4:4");
        try (ObjectChunkClient client =
                new ObjectChunkClient(store, ObjectChunkClient.KeyEncoder.IDENTITY, 2)) {
            List<EncodedChunk> chunks = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                chunks.add(chunk("u/" + i + ":" + i + ":" + i + ":" + i, "p" + i));
            }
            // some stored, some not: the one partial-write type, naming both halves with each
            // chunk's typed error
            assertThatThrownBy(() -> client.putChunks(chunks))
                    .isInstanceOfSatisfying(
                            ChunkWriteException.class,
                            e -> {
                                assertThat(e.written())
                                        .containsExactly("u/1:1:1:1", "u/3:3:3:3", "u/5:5:5:5");
                                assertThat(e.keys()).containsExactly("u/2:2:2:2", "u/4:4:4:4");
                                assertThat(e.notWritten().values())
                                        .allMatch(ThrottledException.class::isInstance);
                                assertThat(e.getCause()).isInstanceOf(ThrottledException.class);
                                assertThat(e.isRetryable()).isTrue();
                            });
            assertThat(store.objects).containsOnlyKeys("u/1:1:1:1", "u/3:3:3:3", "u/5:5:5:5");
        }
    }

    @Test
    void aPutThatStoredNothingThrowsTheTypedErrorItself() {
        MapObjects store = new MapObjects();
        store.failing.add("u/1:1:1:1");
        store.failing.add("u/2:2:2:2");
        try (ObjectChunkClient client =
                new ObjectChunkClient(store, ObjectChunkClient.KeyEncoder.IDENTITY, 2)) {
            assertThatThrownBy(
                            () ->
                                    client.putChunks(
                                            List.of(
                                                    chunk("u/1:1:1:1", "a"),
                                                    chunk("u/2:2:2:2", "b"))))
                    .isInstanceOf(ThrottledException.class)
                    .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
            assertThat(store.objects).isEmpty();
        }
    }

    @Test
    void readsAndWritesRunInParallelWithinTheBound() {
        MapObjects store = new MapObjects();
        List<EncodedChunk> chunks = new ArrayList<>();
        List<ChunkLocation> locations = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            chunks.add(chunk("u/" + i + ":0:0:0", "payload " + i));
            locations.add(new ChunkLocation("u/" + i + ":0:0:0", "chunks_2600"));
        }
        try (ObjectChunkClient client =
                new ObjectChunkClient(store, ObjectChunkClient.KeyEncoder.BASE64, 8)) {
            client.putChunks(chunks);
            assertThat(client.getChunks(locations)).containsExactlyInAnyOrderElementsOf(chunks);
        }
        assertThat(store.maxInFlight.get()).isBetween(2, 8);
    }

    @Test
    void deleteRemovesTheObjectAndIgnoresMissingOnes() {
        MapObjects store = new MapObjects();
        try (ObjectChunkClient client =
                new ObjectChunkClient(store, ObjectChunkClient.KeyEncoder.BASE64, 2)) {
            client.putChunks(List.of(chunk(GOLDEN_KEY, "x")));
            client.deleteChunk(new ChunkLocation(GOLDEN_KEY, ""));
            assertThat(store.objects).isEmpty();
            client.deleteChunk(new ChunkLocation(GOLDEN_KEY, ""));
            assertThatThrownBy(() -> client.getChunks(List.of(new ChunkLocation(GOLDEN_KEY, ""))))
                    .isInstanceOf(ChunkFetchException.class);
        }
    }

    @Test
    void emptyCallsDoNothingAndAClosedClientSaysSo() {
        MapObjects store = new MapObjects();
        ObjectChunkClient client =
                new ObjectChunkClient(store, ObjectChunkClient.KeyEncoder.BASE64, 4);
        client.putChunks(List.of());
        assertThat(client.getChunks(List.of())).isEmpty();
        client.close();
        assertThatThrownBy(
                        () ->
                                client.getChunks(
                                        List.of(
                                                new ChunkLocation("a", ""),
                                                new ChunkLocation("b", ""))))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(
                        () -> new ObjectChunkClient(store, ObjectChunkClient.KeyEncoder.BASE64, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
