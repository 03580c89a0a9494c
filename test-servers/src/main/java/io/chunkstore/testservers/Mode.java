package io.chunkstore.testservers;

/** Where a test server comes from. */
public enum Mode {
    /** Started here from Maven artifacts, as a child process of the test JVM (the default). */
    LOCAL,
    /**
     * An already running server named by an environment variable (or system property) such as
     * {@code CASSANDRA_TEST_ADDRESSES}. Nothing is started or stopped.
     */
    EXTERNAL,
    /**
     * A Docker container through Testcontainers; opt-in with {@code
     * -Dchunkstore.testservers=testcontainers} or {@code CHUNKSTORE_TESTSERVERS=testcontainers}.
     * Needs Docker; untested on the Docker-less build machines.
     */
    TESTCONTAINERS
}
