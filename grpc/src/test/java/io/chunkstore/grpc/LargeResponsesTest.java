package io.chunkstore.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.chunkstore.grpc.proto.Chunk;
import io.chunkstore.grpc.proto.GetChunksRequest;
import io.chunkstore.grpc.proto.GetChunksResponse;
import io.chunkstore.grpc.proto.PutChunksRequest;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.memory.InMemoryBackend;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Rows and chunks far larger than one message come back whole, through messages that each stay
 * within the 4 MiB a Go client receives. The Java client here accepts exactly 4 MiB like Go, so one
 * oversized message fails the call; an interceptor also records every message's size.
 */
class LargeResponsesTest {
    private static final int LIMIT = GrpcStoreServer.GO_MAX_RECEIVE_MESSAGE_BYTES;

    /**
     * Records the size of every response message the client receives, as read from the wire (the
     * client parses some responses into its own types, so this counts bytes, not messages' sizes;
     * the calls are not compressed, so the two are the same).
     */
    static final class MessageSizes implements ClientInterceptor {
        final List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(
                MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            ClientStreamTracer.Factory factory =
                    new ClientStreamTracer.Factory() {
                        @Override
                        public ClientStreamTracer newClientStreamTracer(
                                ClientStreamTracer.StreamInfo info, Metadata headers) {
                            return new ClientStreamTracer() {
                                @Override
                                public void inboundMessageRead(
                                        int seqNo, long wireSize, long uncompressedSize) {
                                    sizes.add((int) wireSize);
                                }
                            };
                        }
                    };
            return next.newCall(method, options.withStreamTracerFactory(factory));
        }

        int max() {
            synchronized (sizes) {
                return sizes.stream().mapToInt(Integer::intValue).max().orElse(0);
            }
        }
    }

    private static TestHarness start(
            InMemoryBackend backend, MessageSizes sizes, Consumer<GrpcStoreServer.Builder> server) {
        return TestHarness.start(
                s -> server.accept(s.backend(backend)),
                c -> c.maxInboundMessageBytes(LIMIT).intercept(sizes));
    }

    private static byte[] random(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    @Test
    void aRowOf100000EntriesComesBackWholeInMessagesUnder4MiB() throws Exception {
        InMemoryBackend backend = new InMemoryBackend();
        backend.createTable(TableDesc.named("index"));
        Random r = new Random(42);
        WriteBatch batch = new WriteBatch();
        List<byte[]> ranges = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            byte[] range =
                    (String.format("%08d:", i) + "x".repeat(40)).getBytes(); // ascending, 49 bytes
            ranges.add(range);
            batch.add("index", "row", range, random(r, 60));
        }
        backend.batchWrite(batch);

        // Default settings (1 MiB target), and packing right up to the limit.
        for (int target : new int[] {1024 * 1024, LIMIT}) {
            MessageSizes sizes = new MessageSizes();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (TestHarness h =
                    start(
                            backend,
                            sizes,
                            s -> s.messageTargetBytes(target).meterRegistry(registry))) {
                List<byte[]> got = new ArrayList<>();
                AtomicInteger pages = new AtomicInteger();
                h.client
                        .indexClient()
                        .queryPages(
                                List.of(IndexQuery.row("index", "row")),
                                (q, page) -> {
                                    pages.incrementAndGet();
                                    ReadBatch.ReadBatchIterator it = page.iterator();
                                    while (it.next()) {
                                        got.add(it.rangeValue());
                                    }
                                    return true;
                                });
                assertThat(got).hasSize(100_000);
                for (int i = 0; i < got.size(); i++) {
                    if (!Arrays.equals(got.get(i), ranges.get(i))) {
                        throw new AssertionError("entry " + i + " differs");
                    }
                }
                // ~11 MB of rows: several messages, each within the limit.
                assertThat(sizes.sizes).hasSize(pages.get()).hasSizeGreaterThanOrEqualTo(3);
                assertThat(sizes.max()).isLessThanOrEqualTo(LIMIT);
                if (target == LIMIT) {
                    assertThat(sizes.max())
                            .as("packed to within one row of the limit")
                            .isGreaterThan(LIMIT - 200);
                }
                DistributionSummary summary =
                        registry.get("chunkstore_grpc_store_stream_message_size")
                                .tag("method", "QueryIndex")
                                .summary();
                assertThat(summary.count()).isEqualTo(pages.get());
                assertThat(summary.max()).isEqualTo(sizes.max());
            }
        }
    }

    @Test
    void chunksTotallingOver20MiBComeBackWholeInMessagesUnder4MiB() throws Exception {
        InMemoryBackend backend = new InMemoryBackend();
        Random r = new Random(7);
        List<EncodedChunk> chunks = new ArrayList<>();
        long total = 0;
        for (int i = 0; total <= 20L * 1024 * 1024 + 1; i++) {
            EncodedChunk c =
                    new EncodedChunk(
                            "user/" + Integer.toHexString(i) + ":1:2:3",
                            "chunks_user",
                            random(r, 600_000 + r.nextInt(900_000)));
            chunks.add(c);
            total += c.encoded().length;
        }
        // One chunk whose response message is exactly the limit.
        chunks.add(exactly(LIMIT, "user/edge:1:2:3"));

        MessageSizes sizes = new MessageSizes();
        try (TestHarness h = start(backend, sizes, s -> {})) {
            h.client
                    .chunkClient()
                    .putChunks(chunks); // split into several PutChunks requests by the client
            List<EncodedChunk> got =
                    h.client
                            .chunkClient()
                            .getChunks(chunks.stream().map(EncodedChunk::location).toList());
            assertThat(got).containsExactlyInAnyOrderElementsOf(chunks);
            assertThat(sizes.sizes.size()).isGreaterThanOrEqualTo(7);
            assertThat(sizes.max()).isEqualTo(LIMIT);
        }
    }

    /** A chunk whose GetChunksResponse field is exactly {@code bytes} long. */
    private static EncodedChunk exactly(int bytes, String key) {
        int n = bytes - 64;
        while (true) {
            EncodedChunk c = new EncodedChunk(key, "chunks_user", new byte[n]);
            int size = MessageBatcher.fieldSize(ProtoMapping.toProto(c));
            if (size == bytes) {
                return c;
            }
            n += bytes - size > 0 ? 1 : -1;
        }
    }

    @Test
    void aChunkTooLargeForOneMessageIsRefusedOnPutWithItsKeyAndSize() throws Exception {
        InMemoryBackend backend = new InMemoryBackend();
        MessageSizes sizes = new MessageSizes();
        EncodedChunk big = exactly(LIMIT + 1, "user/big:1:2:3");
        try (TestHarness h = start(backend, sizes, s -> {})) {
            StatusRuntimeException raw =
                    (StatusRuntimeException)
                            catchThrowable(
                                    () ->
                                            h.raw.putChunks(
                                                    PutChunksRequest.newBuilder()
                                                            .addChunks(ProtoMapping.toProto(big))
                                                            .build()));
            assertThat(raw.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(raw.getStatus().getDescription())
                    .contains("user/big:1:2:3", big.encoded().length + " bytes", "4194304");

            InvalidChunkException e =
                    (InvalidChunkException)
                            catchThrowable(() -> h.client.chunkClient().putChunks(List.of(big)));
            assertThat(e.reason()).isEqualTo(InvalidChunkException.Reason.TOO_LARGE);
            assertThat(e.key()).isEqualTo("user/big:1:2:3");
            assertThat(catchThrowable(() -> backend.getChunks(List.of(big.location()))))
                    .isInstanceOf(ChunkFetchException.class);
        }
    }

    @Test
    void aStoredChunkTooLargeForOneMessageFailsAloneAndTheOthersArrive() throws Exception {
        InMemoryBackend backend = new InMemoryBackend();
        EncodedChunk big = exactly(LIMIT + 1, "user/big:1:2:3");
        EncodedChunk small =
                new EncodedChunk("user/small:1:2:3", "chunks_user", new byte[] {1, 2, 3});
        backend.putChunks(List.of(big, small)); // written past the server, e.g. by another tool
        MessageSizes sizes = new MessageSizes();
        try (TestHarness h = start(backend, sizes, s -> {})) {
            var it =
                    h.raw.getChunks(
                            GetChunksRequest.newBuilder()
                                    .addChunks(ProtoMapping.toProto(big.location()))
                                    .addChunks(ProtoMapping.toProto(small.location()))
                                    .build());
            GetChunksResponse first = it.next();
            assertThat(first.getChunksList())
                    .extracting(Chunk::getKey)
                    .containsExactly("user/small:1:2:3");
            StatusRuntimeException raw = (StatusRuntimeException) catchThrowable(it::hasNext);
            assertThat(raw.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(raw.getStatus().getDescription())
                    .contains("user/big:1:2:3", big.encoded().length + " bytes encoded");

            ChunkFetchException e =
                    (ChunkFetchException)
                            catchThrowable(
                                    () ->
                                            h.client
                                                    .chunkClient()
                                                    .getChunks(
                                                            List.of(
                                                                    big.location(),
                                                                    small.location())));
            assertThat(e.fetched()).containsExactly(small);
            assertThat(e.failures()).containsOnlyKeys("user/big:1:2:3");
            assertThat(e.failures().get("user/big:1:2:3"))
                    .isInstanceOfSatisfying(
                            InvalidChunkException.class,
                            ic ->
                                    assertThat(ic.reason())
                                            .isEqualTo(InvalidChunkException.Reason.TOO_LARGE));
            assertThat(sizes.max()).isLessThanOrEqualTo(LIMIT);
        }
    }
}
