package io.chunkstore.grpc;

import io.chunkstore.grpc.proto.grpc_storeGrpc;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.support.SimpleBackend;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A chunkstore backend that talks to a grpc_store plugin server (ours, or any server of the Cortex
 * / Loki protocol): the SPI over the wire, so any JVM program and the conformance suite can use a
 * remote store.
 *
 * <p>It behaves like the Go client (Cortex's pkg/chunk/grpc/grpc_client.go) where that is the
 * contract: keepalive pings every 20 s also without calls; {@code batchWrite} sends WriteIndex,
 * then DeleteIndex; {@code queryPagesAsync} (and the blocking {@code queryPages} over it) opens one
 * QueryIndex stream per query, up to {@code queryParallelism} at a time, and hands each received
 * message to the consumer as one page (a consumer that returns false cancels its stream); {@code
 * deleteChunk} sends the chunk id (and names the chunk's table in the {@code
 * chunkstore-chunk-table} header, which other servers ignore). Where the SPI asks for more, it does
 * more: requests larger than {@code maxRequestMessageBytes} (4 MiB, what a Go server accepts) are
 * split into several, empty WriteIndex / DeleteIndex calls are not sent, and errors come back typed
 * (status code → SPI exception; a requested chunk the server did not return is a {@link
 * io.chunkstore.spi.ChunkNotFoundException} inside a {@link io.chunkstore.spi.ChunkFetchException}
 * that also carries the chunks received).
 *
 * <p>The three clients share one channel: their {@code close()} does nothing, {@link #close()}
 * closes the channel.
 */
public final class GrpcStoreClient extends SimpleBackend {
    /** The store name of a period config that selects this backend. */
    public static final String STORE_NAME = "grpc-store";

    /**
     * The largest chunk the default capabilities promise: the server's message limit less room for
     * key and table.
     */
    public static final long DEFAULT_MAX_CHUNK_SIZE =
            GrpcStoreServer.GO_MAX_RECEIVE_MESSAGE_BYTES - 1024;

    /**
     * What a grpc_store server is assumed to offer unless told otherwise ({@link
     * Builder#capabilities}).
     */
    public static final Capabilities DEFAULT_CAPABILITIES =
            Capabilities.of(Feature.INDEX, Feature.CHUNKS, Feature.TABLES, Feature.CHUNK_DELETE)
                    .withMaxChunkSize(DEFAULT_MAX_CHUNK_SIZE);

    private final String target;
    private final ManagedChannel channel;

    private GrpcStoreClient(Builder b, ManagedChannel channel) {
        this(
                b,
                channel,
                new Calls(
                        grpc_storeGrpc.newBlockingStub(channel),
                        grpc_storeGrpc.newStub(channel),
                        b.callTimeout,
                        b.maxRequestMessageBytes));
    }

    private GrpcStoreClient(Builder b, ManagedChannel channel, Calls calls) {
        super(
                b.storeName,
                b.capabilities,
                new GrpcIndexClient(calls, b.queryParallelism),
                new GrpcChunkClient(calls),
                new GrpcTableClient(calls));
        this.target = b.target;
        this.channel = channel;
    }

    /**
     * @param serverAddress {@code host:port}, or any gRPC target ({@code dns:///host:port})
     */
    public static Builder builder(String serverAddress) {
        return new Builder(serverAddress);
    }

    /**
     * The blocking and the asynchronous stub with the per-call settings the three clients share.
     */
    record Calls(
            grpc_storeGrpc.grpc_storeBlockingStub stub,
            grpc_storeGrpc.grpc_storeStub async,
            Duration timeout,
            int maxRequestBytes) {
        /** The stub for a unary call: with the call timeout, if one is set. */
        grpc_storeGrpc.grpc_storeBlockingStub unary() {
            return timeout.isZero()
                    ? stub
                    : stub.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        /**
         * The stub for a stream: no deadline, like Go (a large row may take long; the consumer can
         * stop it).
         */
        grpc_storeGrpc.grpc_storeBlockingStub stream() {
            return stub;
        }
    }

    /** The server address this client dials. */
    public String target() {
        return target;
    }

    /** Closes the channel (waiting up to 5 s for calls in flight). */
    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.shutdownNow();
        }
    }

    /** The client's settings; defaults follow the Go client. */
    public static final class Builder {
        private final String target;
        private String storeName = STORE_NAME;
        private ChannelCredentials credentials = InsecureChannelCredentials.create();
        private Duration keepAliveTime = Duration.ofSeconds(20);
        private Duration keepAliveTimeout = Duration.ofSeconds(10);
        private int maxInboundMessageBytes = 64 * 1024 * 1024;
        private int maxRequestMessageBytes = GrpcStoreServer.GO_MAX_RECEIVE_MESSAGE_BYTES;
        private int queryParallelism = 100;
        private Duration callTimeout = Duration.ZERO;
        private Capabilities capabilities = DEFAULT_CAPABILITIES;
        private final List<ClientInterceptor> interceptors = new ArrayList<>();

        private Builder(String target) {
            if (target == null || target.isBlank()) {
                throw new ConfigException(
                        "grpc_store client: the server address (host:port) is empty");
            }
            this.target = target.trim();
        }

        /**
         * The store name reported by {@link GrpcStoreClient#storeName()} (default {@code
         * grpc-store}).
         */
        public Builder storeName(String name) {
            this.storeName = Objects.requireNonNull(name);
            return this;
        }

        /**
         * Channel credentials: plaintext by default, as Go dials; {@code TlsChannelCredentials} for
         * a TLS server (with a key manager for mutual TLS).
         */
        public Builder credentials(ChannelCredentials credentials) {
            this.credentials = Objects.requireNonNull(credentials);
            return this;
        }

        /**
         * Ping the server after this long without traffic, also with no call in flight (default 20
         * s, as Go).
         */
        public Builder keepAliveTime(Duration d) {
            this.keepAliveTime = Objects.requireNonNull(d);
            return this;
        }

        /** Close the connection when a ping is not answered within this (default 10 s, as Go). */
        public Builder keepAliveTimeout(Duration d) {
            this.keepAliveTimeout = Objects.requireNonNull(d);
            return this;
        }

        /**
         * The largest response message accepted (default 64 MiB; Go accepts 4 MiB, which our server
         * keeps to, but other servers may send more).
         */
        public Builder maxInboundMessageBytes(int bytes) {
            this.maxInboundMessageBytes = positive(bytes, "maxInboundMessageBytes");
            return this;
        }

        /**
         * Requests (WriteIndex, DeleteIndex, PutChunks, GetChunks) are split to stay under this
         * size (default 4 MiB, what a Go server accepts); a single chunk larger than it is still
         * sent alone.
         */
        public Builder maxRequestMessageBytes(int bytes) {
            this.maxRequestMessageBytes = positive(bytes, "maxRequestMessageBytes");
            return this;
        }

        /**
         * At most this many QueryIndex streams at a time per {@code queryPagesAsync} or {@code
         * queryPages} call (default 100, as Cortex).
         */
        public Builder queryParallelism(int n) {
            this.queryParallelism = positive(n, "queryParallelism");
            return this;
        }

        /**
         * A deadline for each unary call; zero (default) means none, as Go. Streams never get one.
         */
        public Builder callTimeout(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("callTimeout must not be negative");
            }
            this.callTimeout = d;
            return this;
        }

        /**
         * What the remote store can do (default {@link #DEFAULT_CAPABILITIES}); the protocol cannot
         * ask, so a caller that knows the served backend (the conformance test) says so here.
         */
        public Builder capabilities(Capabilities capabilities) {
            this.capabilities = Objects.requireNonNull(capabilities);
            return this;
        }

        /**
         * Sends {@code authorization: Bearer <token>} on every call, for a server started with
         * tokens ({@code chunkstore serve --auth-file}). Over plaintext the token is readable on
         * the network path: outside loopback, use {@link #credentials} with TLS.
         */
        public Builder bearerToken(String token) {
            io.grpc.Metadata headers = new io.grpc.Metadata();
            headers.put(CallGuard.AUTHORIZATION, "Bearer " + Objects.requireNonNull(token));
            return intercept(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
        }

        /** Interceptors on every call (metrics, tracing, auth headers), in gRPC's order. */
        public Builder intercept(ClientInterceptor... interceptors) {
            this.interceptors.addAll(List.of(interceptors));
            return this;
        }

        private static int positive(int v, String name) {
            if (v <= 0) {
                throw new IllegalArgumentException(name + " must be positive, got " + v);
            }
            return v;
        }

        /** Creates the channel; it connects lazily, on the first call. */
        public GrpcStoreClient build() {
            ManagedChannel channel =
                    Grpc.newChannelBuilder(target, credentials)
                            .keepAliveTime(keepAliveTime.toNanos(), TimeUnit.NANOSECONDS)
                            .keepAliveTimeout(keepAliveTimeout.toNanos(), TimeUnit.NANOSECONDS)
                            .keepAliveWithoutCalls(true)
                            .maxInboundMessageSize(maxInboundMessageBytes)
                            .userAgent("chunkstore-grpc-store-client")
                            .intercept(interceptors)
                            .build();
            return new GrpcStoreClient(this, channel);
        }
    }
}
