package io.chunkstore.conformance;

import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one conformance test sees: the backend under test (shared by the test class), table names
 * and a tenant that no other test in the run uses, and a seeded random source. Tables made with
 * {@link #newTable()} are dropped when the test ends (unless the hook says otherwise).
 *
 * <p>Seeds: every test draws a fresh seed, or uses {@value #SEED_PROPERTY} when that system
 * property is set; the seed is published as a report entry and attached to failures.
 */
public final class TestScope {
    /** System property fixing the seed of every test's random source. */
    public static final String SEED_PROPERTY = "chunkstore.conformance.seed";

    private static final SecureRandom SEEDS = new SecureRandom();

    /**
     * Distinguishes this JVM's names from those of earlier runs against the same long-lived server:
     * up to six base-36 digits, never negative (floorMod, where Math.abs of Long.MIN_VALUE would
     * be).
     */
    private static final String RUN =
            Long.toString(Math.floorMod(SEEDS.nextLong(), 2_176_782_336L), 36);

    private static final AtomicLong COUNTER = new AtomicLong();

    private final BackendContract hook;
    private final StorageBackend backend;
    private final String testName;
    private final long seed;
    private final Random random;
    private final String userId;
    private final List<String> created = new ArrayList<>();

    TestScope(BackendContract hook, StorageBackend backend, String testName) {
        this.hook = hook;
        this.backend = backend;
        this.testName = testName;
        String fixed = System.getProperty(SEED_PROPERTY);
        this.seed =
                fixed == null || fixed.isBlank() ? SEEDS.nextLong() : Long.parseLong(fixed.trim());
        this.random = new Random(seed);
        this.userId = "cs-" + RUN + "-" + COUNTER.incrementAndGet();
    }

    public StorageBackend backend() {
        return backend;
    }

    public String storeName() {
        return backend.storeName();
    }

    public Capabilities capabilities() {
        return backend.capabilities();
    }

    public boolean has(Feature f) {
        return backend.capabilities().has(f);
    }

    public IndexClient index() {
        return backend.indexClient();
    }

    public ChunkClient chunks() {
        return backend.chunkClient();
    }

    public TableClient tables() {
        return backend.tableClient();
    }

    /** The seed of {@link #random()}. */
    public long seed() {
        return seed;
    }

    /** This test's random source; repeatable with its {@link #seed()}. */
    public Random random() {
        return random;
    }

    /**
     * A tenant (user ID) that no other test of the run uses: chunk keys under it cannot collide.
     */
    public String userId() {
        return userId;
    }

    /**
     * A table for this test alone: created through the table client when the backend has one
     * ({@link Feature#TABLES}) and dropped after the test; otherwise just a name nobody else uses.
     */
    public String newTable() {
        String name = uniqueTableName();
        if (has(Feature.TABLES)) {
            tables().createTable(TableDesc.named(name));
            created.add(name);
        }
        return name;
    }

    /**
     * A table name nobody uses and that is not created (for missing-table tests and table-client
     * tests).
     */
    public String uniqueTableName() {
        String method = testName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        String name =
                "cs"
                        + RUN
                        + "_"
                        + COUNTER.incrementAndGet()
                        + "_"
                        + method.substring(0, Math.min(method.length(), 12));
        return hook.tableName(name);
    }

    /**
     * Marks a table this test created through the table client itself, so it is dropped after the
     * test too.
     */
    public void dropAfterTest(String tableName) {
        if (!created.contains(tableName)) {
            created.add(tableName);
        }
    }

    void cleanUp() {
        if (!hook.dropTablesAfterEachTest() || !has(Feature.TABLES)) {
            return;
        }
        RuntimeException first = null;
        for (String t : created) {
            try {
                tables().deleteTable(t);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        created.clear();
        if (first != null) {
            throw first;
        }
    }
}
