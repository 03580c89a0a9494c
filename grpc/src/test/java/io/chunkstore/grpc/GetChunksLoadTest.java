package io.chunkstore.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.grpc.proto.Chunk;
import io.chunkstore.grpc.proto.GetChunksRequest;
import io.chunkstore.grpc.proto.GetChunksResponse;
import io.chunkstore.grpc.proto.grpc_storeGrpc;
import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 25 item 5: many concurrent GetChunks streams of large chunks, through clients configured
 * like Loki's Go grpc_store client, against the plugin server over the embedded (local) store.
 * Every call must succeed and every chunk must come back byte for byte; a share of the calls is
 * cancelled mid-stream by the client (what Loki does when a query has enough lines), which must not
 * disturb the other streams on the same connection.
 *
 * <p>The Go client (grpc-go defaults, Cortex/Loki {@code grpc_store} client): one connection,
 * initial window 64 KiB with BDP-based window growth, 4 MiB receive limit, keepalive pings every 20
 * s also without calls. Two channels approximate it: one with grpc-java's BDP-driven window
 * starting at 64 KiB, one fixed at 64 KiB (the harder case).
 *
 * <p>CI runs a bounded load (a few hundred calls, well under a minute). A larger run by hand:
 *
 * <pre>
 * mvn -B -ntp -o -pl grpc -am test -Dtest=GetChunksLoadTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dchunkstore.load.calls=3000 -Dchunkstore.load.concurrency=64 -Dchunkstore.load.seconds=600
 * </pre>
 */
class GetChunksLoadTest {
    private static final int LIMIT = GrpcStoreServer.GO_MAX_RECEIVE_MESSAGE_BYTES;
    private static final int CALLS = Integer.getInteger("chunkstore.load.calls", 200);
    private static final int CONCURRENCY = Integer.getInteger("chunkstore.load.concurrency", 48);
    private static final int CHUNKS = Integer.getInteger("chunkstore.load.chunks", 32);

    /** Every how-manieth call the client cancels after its first message; 0 for none. */
    private static final int CANCEL_EVERY = Integer.getInteger("chunkstore.load.cancelEvery", 7);

    /**
     * Calls not started within this time are skipped (and the calls made reported), bounding CI
     * time.
     */
    private static final Duration BUDGET =
            Duration.ofSeconds(Long.getLong("chunkstore.load.seconds", 45));

    /**
     * What grpc-java's Netty server logs (at WARNING, "Stream Error") for each write still queued
     * when the client reset the stream: expected for the streams the client cancels, and for no
     * other reason.
     */
    private static final String WRITE_AFTER_RESET = "Stream closed before write could take place";

    @TempDir Path dir;

    /**
     * Records what grpc-java's transport logs at WARNING and above (Netty "Stream Error", GOAWAY,
     * ...).
     */
    static final class TransportWarnings extends Handler {
        final List<String> records = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                records.add(
                        r.getLoggerName()
                                + ": "
                                + r.getMessage()
                                + (r.getThrown() == null ? "" : " " + r.getThrown()));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    private static ManagedChannel goLike(int port, boolean bdp) {
        NettyChannelBuilder b =
                NettyChannelBuilder.forAddress("127.0.0.1", port)
                        .usePlaintext()
                        .maxInboundMessageSize(LIMIT)
                        .keepAliveTime(20, TimeUnit.SECONDS)
                        .keepAliveTimeout(10, TimeUnit.SECONDS)
                        .keepAliveWithoutCalls(true);
        return bdp ? b.initialFlowControlWindow(65535).build() : b.flowControlWindow(65535).build();
    }

    @Test
    void concurrentStreamsOfLargeChunksThroughGoLikeClientsAllArriveWhole() throws Exception {
        Random r = new Random(25);
        List<EncodedChunk> chunks = new ArrayList<>();
        for (int i = 0; i < CHUNKS; i++) {
            byte[] b = new byte[1_000_000 + r.nextInt(2_000_000)]; // 1-3 MB, like large Loki chunks
            r.nextBytes(b);
            chunks.add(
                    new EncodedChunk(
                            "user/" + Integer.toHexString(0x1000 + i) + ":1:2:3",
                            "chunks_user",
                            b));
        }
        Map<String, byte[]> expected = new TreeMap<>();
        chunks.forEach(c -> expected.put(c.key(), c.encoded()));

        Logger grpcLog = Logger.getLogger("io.grpc");
        TransportWarnings warnings = new TransportWarnings();
        grpcLog.addHandler(warnings);
        StorageBackend local =
                StorageProviders.open(
                        new BackendContext(
                                "local",
                                Map.of("local", Map.of("directory", dir.toString())),
                                null,
                                null));
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        ManagedChannel bdp = null;
        ManagedChannel fixed = null;
        try (GrpcStoreServer server =
                GrpcStoreServer.builder()
                        .backend(local)
                        .chunkTableResolver(TestHarness.BY_USER)
                        .shutdownGracePeriod(Duration.ofSeconds(5))
                        .build()
                        .start()) {
            local.chunkClient().putChunks(chunks);
            bdp = goLike(server.port(), true);
            fixed = goLike(server.port(), false);
            var stubs =
                    List.of(
                            grpc_storeGrpc.newBlockingStub(bdp),
                            grpc_storeGrpc.newBlockingStub(fixed));

            ConcurrentMap<String, AtomicInteger> failures = new ConcurrentHashMap<>();
            AtomicInteger completed = new AtomicInteger();
            AtomicInteger cancelled = new AtomicInteger();
            AtomicInteger wrongBytes = new AtomicInteger();
            AtomicInteger overLimit = new AtomicInteger();
            AtomicLong bytes = new AtomicLong();
            long deadline = System.nanoTime() + BUDGET.toNanos();
            long started = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int call = 0; call < CALLS; call++) {
                int n = call;
                futures.add(
                        pool.submit(
                                () -> {
                                    if (System.nanoTime() > deadline) {
                                        return; // out of time: the calls made are reported below
                                    }
                                    Random cr = new Random(n);
                                    // 1 to 6 distinct chunks per call: several messages of up to 4
                                    // MiB each
                                    List<EncodedChunk> want = new ArrayList<>(chunks);
                                    java.util.Collections.shuffle(want, cr);
                                    want = want.subList(0, 1 + cr.nextInt(6));
                                    GetChunksRequest.Builder req = GetChunksRequest.newBuilder();
                                    want.forEach(
                                            c -> req.addChunks(ProtoMapping.toProto(c.location())));
                                    boolean cancel =
                                            CANCEL_EVERY > 0
                                                    && n % CANCEL_EVERY == CANCEL_EVERY - 1;
                                    Context.CancellableContext ctx =
                                            Context.current().withCancellation();
                                    Context previous = ctx.attach();
                                    try {
                                        Iterator<GetChunksResponse> it =
                                                stubs.get(n % 2)
                                                        .withDeadlineAfter(60, TimeUnit.SECONDS)
                                                        .getChunks(req.build());
                                        int got = 0;
                                        while (it.hasNext()) {
                                            GetChunksResponse m = it.next();
                                            if (m.getSerializedSize() > LIMIT) {
                                                overLimit.incrementAndGet();
                                            }
                                            for (Chunk c : m.getChunksList()) {
                                                bytes.addAndGet(c.getEncoded().size());
                                                if (!Arrays.equals(
                                                        c.getEncoded().toByteArray(),
                                                        expected.get(c.getKey()))) {
                                                    wrongBytes.incrementAndGet();
                                                }
                                                got++;
                                            }
                                            if (cancel) {
                                                ctx.cancel(null);
                                                cancelled.incrementAndGet();
                                                return;
                                            }
                                        }
                                        if (got != want.size()) {
                                            failures.computeIfAbsent(
                                                            "short: " + got + " of " + want.size(),
                                                            k -> new AtomicInteger())
                                                    .incrementAndGet();
                                        } else {
                                            completed.incrementAndGet();
                                        }
                                    } catch (StatusRuntimeException e) {
                                        Status s = e.getStatus();
                                        if (cancel && s.getCode() == Status.Code.CANCELLED) {
                                            cancelled.incrementAndGet();
                                            return;
                                        }
                                        failures.computeIfAbsent(
                                                        s.getCode() + ": " + s.getDescription(),
                                                        k -> new AtomicInteger())
                                                .incrementAndGet();
                                    } finally {
                                        ctx.detach(previous);
                                        ctx.cancel(null);
                                    }
                                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            int made =
                    completed.get()
                            + cancelled.get()
                            + failures.values().stream().mapToInt(AtomicInteger::get).sum();
            System.out.printf(
                    "GetChunks load: %d calls (%d completed, %d cancelled by the client), %d concurrent,"
                            + " %.1f MB in %.1f s; failures %s; transport warnings %d%n",
                    made,
                    completed.get(),
                    cancelled.get(),
                    CONCURRENCY,
                    bytes.get() / 1e6,
                    seconds,
                    failures,
                    warnings.records.size());
            warnings.records.stream().limit(20).forEach(w -> System.out.println("  " + w));

            assertThat(failures).as("failed calls by status").isEmpty();
            assertThat(wrongBytes).as("chunks whose bytes differ").hasValue(0);
            assertThat(overLimit).as("messages over the 4 MiB Go limit").hasValue(0);
            assertThat(completed.get()).as("calls completed").isGreaterThan(0);
            assertThat(warnings.records)
                    .as("transport warnings other than writes after a client's reset")
                    .allMatch(w -> w.contains(WRITE_AFTER_RESET));
            if (cancelled.get() == 0) {
                assertThat(warnings.records)
                        .as("transport warnings without cancelled streams")
                        .isEmpty();
            }
        } finally {
            pool.shutdownNow();
            grpcLog.removeHandler(warnings);
            for (ManagedChannel c : new ManagedChannel[] {bdp, fixed}) {
                if (c != null) {
                    c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
            local.close();
        }
    }
}
