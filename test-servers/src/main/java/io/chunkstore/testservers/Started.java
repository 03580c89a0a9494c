package io.chunkstore.testservers;

/**
 * A server that is up: its endpoint record, the local Cassandra handle (null otherwise) and how to
 * stop it. Package-private.
 */
record Started(Object endpoint, CassandraServer cassandra, Runnable stopper) {}
