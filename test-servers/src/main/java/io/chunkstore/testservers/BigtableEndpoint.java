package io.chunkstore.testservers;

/**
 * How to reach a Bigtable emulator for tests, and the project and instance ids to use with it (the
 * emulator accepts any; these are the ones tests share). Clients: {@code
 * BigtableDataSettings.newBuilderForEmulator(host, port)} and {@code
 * BigtableTableAdminSettings.newBuilderForEmulator(host, port)}.
 */
public record BigtableEndpoint(String host, int port, String projectId, String instanceId) {
    /** {@code host:port}, the form of the {@code BIGTABLE_EMULATOR_HOST} variable. */
    public String hostAndPort() {
        return host + ":" + port;
    }
}
