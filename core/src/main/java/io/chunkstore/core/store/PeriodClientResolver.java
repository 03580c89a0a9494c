package io.chunkstore.core.store;

import io.chunkstore.core.config.PeriodConfig;

/**
 * Which clients serve a schema period. {@link StoreBackends} resolves them by store name through
 * the backend providers; tests and embedders pass a lambda. Called once per period when a store is
 * built.
 */
@FunctionalInterface
public interface PeriodClientResolver {
    /**
     * @throws io.chunkstore.spi.ConfigException when no backend serves the period's store
     */
    PeriodClients clientsFor(PeriodConfig period);

    /** Every period served by the same clients. */
    static PeriodClientResolver of(PeriodClients clients) {
        return p -> clients;
    }
}
