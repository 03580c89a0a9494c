package io.chunkstore.cli.serve;

import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.store.StoreBackends;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What a running {@code chunkstore serve} offers the handlers mounted on its HTTP port ({@link HttpMount}).
 *
 * @param config   the effective config (the file given, or the embedded store's)
 * @param backends its backends, already open; owned by the server (do not close)
 * @param registry the Prometheus registry behind {@code /metrics}
 */
public record ServeContext(ChunkstoreConfig config, StoreBackends backends, MeterRegistry registry) {
}
