package io.chunkstore.bigtable;

import com.google.cloud.bigtable.admin.v2.BigtableTableAdminClient;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminSettings;
import io.chunkstore.testservers.BigtableEndpoint;
import io.chunkstore.testservers.TestServers;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Backends on the test-servers Bigtable emulator (started once per test JVM), and fresh table
 * names.
 */
final class Emulator {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static final String RUN =
            Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);

    private Emulator() {}

    /** The {@code bigtable:} block for the emulator, plus {@code extra} keys. */
    static Map<String, Object> block(Map<String, ?> extra) {
        BigtableEndpoint e = TestServers.bigtable();
        Map<String, Object> m = new HashMap<>();
        m.put("project", e.projectId());
        m.put("instance", e.instanceId());
        m.put("emulator_host", e.hostAndPort());
        m.putAll(extra);
        return m;
    }

    static BigtableBackend open(
            String store, MeterRegistry metrics, int pageCells, Map<String, ?> extra) {
        return BigtableBackend.open(
                store,
                BigtableConfig.bind(block(extra), k -> null),
                metrics,
                "test_" + RequestMetrics.NAME,
                pageCells);
    }

    static BigtableBackend open(String store, MeterRegistry metrics) {
        return open(store, metrics, BigtableIndexClient.DEFAULT_PAGE_CELLS, Map.of());
    }

    /** A raw admin client, to make tables the backend would not. */
    static BigtableTableAdminClient admin() {
        BigtableEndpoint e = TestServers.bigtable();
        try {
            return BigtableTableAdminClient.create(
                    BigtableTableAdminSettings.newBuilderForEmulator(e.host(), e.port())
                            .setProjectId(e.projectId())
                            .setInstanceId(e.instanceId())
                            .build());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** A table name no other test uses. */
    static String table(String hint) {
        return hint + "_" + RUN + "_" + TABLES.incrementAndGet();
    }
}
