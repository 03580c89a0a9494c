package io.chunkstore.spi;

/**
 * The clients of one configured store, sharing its connections. A store may lack some of them (an
 * object store has no index); asking for a client the backend lacks throws {@link
 * UnsupportedOperationException}, and {@link #capabilities()} says in advance which exist. Closing
 * the backend closes its clients.
 */
public interface StorageBackend extends AutoCloseable {

    /**
     * The store name it was opened for ({@code cassandra}, {@code bigtable-hashed}, {@code
     * aws-dynamo}, ...).
     */
    String storeName();

    Capabilities capabilities();

    IndexClient indexClient();

    ChunkClient chunkClient();

    TableClient tableClient();

    /**
     * Checks, with one cheap call, that the store answers and has room for writes: {@code
     * chunkstore serve} and the cli's data commands call it at start (and serve's {@code /ready}
     * while it runs), so an unreachable store fails at once instead of hanging in retries. Callers
     * bound the time it may take. The default lists the tables of a store that has them; a backend
     * that can say more (its address, a full disk) overrides it.
     *
     * @throws StorageException when it does not answer ({@link UnavailableException}, naming where
     *     it was looked for) or has no room ({@link StorageFullException})
     */
    default void checkHealth() {
        if (capabilities().has(Capabilities.Feature.TABLES)) {
            tableClient().listTables();
        }
    }

    @Override
    void close();
}
