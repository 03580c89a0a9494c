package io.chunkstore.conformance;

import io.chunkstore.spi.StorageBackend;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The one hook every contract of the suite shares; backends implement it once, through {@link
 * ConformanceSuite}.
 *
 * <p>Each test receives a {@link TestScope} parameter: the backend's clients, fresh table names and
 * a tenant of its own. The backend itself is opened once per test class (on the one instance of the
 * class: the lifecycle is per class) and closed after the class, before class-level resources such
 * as a {@code static @TempDir} are cleaned up. Use static (class-level) resources in the hook:
 * JUnit gives an instance {@code @TempDir} field a new directory per test and deletes it after the
 * test. Tests that need a feature the backend's {@link io.chunkstore.spi.Capabilities} lack are
 * aborted with the feature named, so they show as skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ConformanceExtension.class)
public interface BackendContract {

    /**
     * Opens the backend under test: connect its clients to the server (started once per test run,
     * for example by the test-servers module) and return them with their declared capabilities.
     * Called at most once per test class; the suite closes the backend after the class. Throw
     * {@link org.opentest4j.TestAbortedException} (for example through {@code
     * Assumptions.assumeTrue}) to skip the whole class when the server is not available.
     */
    StorageBackend openBackend() throws Exception;

    /**
     * Adapts a unique table name the suite made up ({@code [a-z0-9_]}, starts with a letter, at
     * most 40 characters) to the backend's rules; the default keeps it. Every name a test uses
     * passes through here.
     */
    default String tableName(String suggested) {
        return suggested;
    }

    /**
     * Whether the tables a test created are deleted after it (through the backend's table client).
     * Turn off for a server where dropping tables is slow; table names never repeat, so tests still
     * never see each other's data.
     */
    default boolean dropTablesAfterEachTest() {
        return true;
    }
}
