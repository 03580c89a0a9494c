package io.chunkstore.server;

import io.chunkstore.core.config.ChunkstoreConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to run a {@link ChunkstoreServer}.
 *
 * @param config the effective config: its schema and storage blocks
 * @param grpc where the grpc_store server listens
 * @param http where {@code /metrics}, {@code /ready} and the mounted handlers listen
 * @param tlsCert PEM certificate chain for TLS, or null for plaintext
 * @param tlsKey PKCS#8 PEM private key for TLS, or null
 * @param clientCa PEM CA certificates whose client certificates are required (mutual TLS), or null
 * @param tableManager whether to create and keep the schema's tables (one table manager per store
 *     with tables)
 * @param grace how long shutdown lets calls in flight finish before cancelling them
 * @param mounts extra handlers on the HTTP port, tried in order before the built-in endpoints
 * @param lazyTables create the schema's tables on first write and read missing ones as empty (for a
 *     store this process owns alone, the embedded one; see {@link LazyTables})
 * @param security credentials, read-only mode, table deletion and resource limits of both ports
 */
public record ServeSettings(
        ChunkstoreConfig config,
        InetSocketAddress grpc,
        InetSocketAddress http,
        Path tlsCert,
        Path tlsKey,
        Path clientCa,
        boolean tableManager,
        Duration grace,
        List<HttpMount> mounts,
        boolean lazyTables,
        ServeSecurity security) {

    public ServeSettings {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(grpc, "grpc");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(grace, "grace");
        mounts = List.copyOf(mounts);
        Objects.requireNonNull(security, "security");
    }

    /**
     * Plaintext, no table manager, a 30 s grace period, no mounts, {@link ServeSecurity#DEFAULT}.
     */
    public static ServeSettings of(
            ChunkstoreConfig config, InetSocketAddress grpc, InetSocketAddress http) {
        return new ServeSettings(
                config,
                grpc,
                http,
                null,
                null,
                null,
                false,
                Duration.ofSeconds(30),
                List.of(),
                false,
                ServeSecurity.DEFAULT);
    }

    public ServeSettings withTableManager(boolean on) {
        return new ServeSettings(
                config,
                grpc,
                http,
                tlsCert,
                tlsKey,
                clientCa,
                on,
                grace,
                mounts,
                lazyTables,
                security);
    }

    public ServeSettings withGrace(Duration d) {
        return new ServeSettings(
                config,
                grpc,
                http,
                tlsCert,
                tlsKey,
                clientCa,
                tableManager,
                d,
                mounts,
                lazyTables,
                security);
    }

    public ServeSettings withTls(Path cert, Path key, Path ca) {
        return new ServeSettings(
                config,
                grpc,
                http,
                cert,
                key,
                ca,
                tableManager,
                grace,
                mounts,
                lazyTables,
                security);
    }

    public ServeSettings withLazyTables(boolean on) {
        return new ServeSettings(
                config,
                grpc,
                http,
                tlsCert,
                tlsKey,
                clientCa,
                tableManager,
                grace,
                mounts,
                on,
                security);
    }

    public ServeSettings withMounts(List<HttpMount> m) {
        return new ServeSettings(
                config,
                grpc,
                http,
                tlsCert,
                tlsKey,
                clientCa,
                tableManager,
                grace,
                m,
                lazyTables,
                security);
    }

    /** With these credentials, switches and limits. */
    public ServeSettings withSecurity(ServeSecurity s) {
        return new ServeSettings(
                config,
                grpc,
                http,
                tlsCert,
                tlsKey,
                clientCa,
                tableManager,
                grace,
                mounts,
                lazyTables,
                s);
    }
}
