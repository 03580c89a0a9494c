package io.chunkstore.server;

import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.store.PeriodClientResolver;
import io.chunkstore.core.store.StoreBackends;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a running {@code chunkstore serve} offers the handlers mounted on its HTTP port ({@link
 * HttpMount}): the effective config, the clients it serves each period with ({@link #clients()},
 * for a store over them), its open backends (owned by the server: do not close them), the registry
 * behind {@code /metrics}, and a place to hand over what a handler opened ({@link
 * #closeOnShutdown}), closed after the HTTP port and before the backends.
 */
public final class ServeContext {
    private final ChunkstoreConfig config;
    private final StoreBackends backends;
    private final PeriodClientResolver clients;
    private final MeterRegistry registry;
    private final Duration queryTimeout;
    private final List<AutoCloseable> closers = new ArrayList<>();

    ServeContext(
            ChunkstoreConfig config,
            StoreBackends backends,
            PeriodClientResolver clients,
            MeterRegistry registry,
            Duration queryTimeout) {
        this.config = Objects.requireNonNull(config);
        this.backends = Objects.requireNonNull(backends);
        this.clients = Objects.requireNonNull(clients);
        this.registry = Objects.requireNonNull(registry);
        this.queryTimeout = Objects.requireNonNull(queryTimeout);
    }

    public ChunkstoreConfig config() {
        return config;
    }

    public StoreBackends backends() {
        return backends;
    }

    /**
     * The clients behind the gRPC server for each period: a store built over them sees what Go
     * clients see (for the embedded store, missing schema tables read as empty).
     */
    public PeriodClientResolver clients() {
        return clients;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * How long one HTTP query may run ({@code chunkstore serve --query-timeout}): the guard answers
     * 504 then, and a handler's query should stop by itself at that moment so that its thread and
     * slot are freed.
     */
    public Duration queryTimeout() {
        return queryTimeout;
    }

    /**
     * A handler's own query time-out capped by serve's ({@code timeout} null: serve's), so its
     * reads stop no later than the guard answers 504.
     */
    static Duration capped(Duration timeout, Duration serveTimeout) {
        return timeout == null || timeout.compareTo(serveTimeout) > 0 ? serveTimeout : timeout;
    }

    /** Closes {@code c} at shutdown, in reverse order of registration. */
    public synchronized void closeOnShutdown(AutoCloseable c) {
        closers.add(Objects.requireNonNull(c));
    }

    /** Closes what was handed over; failures are returned, not thrown, so the shutdown goes on. */
    synchronized List<Exception> close() {
        List<Exception> failures = new ArrayList<>();
        for (int i = closers.size() - 1; i >= 0; i--) {
            try {
                closers.get(i).close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        closers.clear();
        return failures;
    }
}
