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

    @Override
    void close();
}
