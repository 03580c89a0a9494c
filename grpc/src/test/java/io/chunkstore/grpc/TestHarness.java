package io.chunkstore.grpc;

import io.chunkstore.grpc.proto.grpc_storeGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real Netty server on a loopback port with a Java client and a raw stub (to send what the Go
 * client sends, byte for byte, including what the Java client never would).
 */
final class TestHarness implements AutoCloseable {
    /**
     * The chunk table resolver of the tests: the table is the key's user
     * ("user/fp:from:through:checksum").
     */
    static final ChunkTableResolver BY_USER =
            key -> "chunks_" + key.substring(0, Math.max(0, key.indexOf('/')));

    final GrpcStoreServer server;
    final GrpcStoreClient client;
    final ManagedChannel rawChannel;
    final grpc_storeGrpc.grpc_storeBlockingStub raw;

    private TestHarness(GrpcStoreServer server, GrpcStoreClient client) {
        this.server = server;
        this.client = client;
        this.rawChannel =
                NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                        .usePlaintext()
                        .maxInboundMessageSize(GrpcStoreServer.GO_MAX_RECEIVE_MESSAGE_BYTES)
                        .build();
        this.raw = grpc_storeGrpc.newBlockingStub(rawChannel);
    }

    static TestHarness start(Consumer<GrpcStoreServer.Builder> server) {
        return start(server, c -> {});
    }

    static TestHarness start(
            Consumer<GrpcStoreServer.Builder> server, Consumer<GrpcStoreClient.Builder> client) {
        GrpcStoreServer.Builder sb =
                GrpcStoreServer.builder()
                        .chunkTableResolver(BY_USER)
                        .allowTableDeletion(true)
                        .shutdownGracePeriod(java.time.Duration.ofSeconds(5));
        server.accept(sb);
        GrpcStoreServer s = sb.build().start();
        GrpcStoreClient.Builder cb = GrpcStoreClient.builder("127.0.0.1:" + s.port());
        client.accept(cb);
        return new TestHarness(s, cb.build());
    }

    @Override
    public void close() {
        client.close();
        try {
            rawChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
    }
}
