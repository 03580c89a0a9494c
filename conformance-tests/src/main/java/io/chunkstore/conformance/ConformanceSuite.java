package io.chunkstore.conformance;

/**
 * The whole conformance suite: implement it in one test class per backend, {@code
 * <Backend>ConformanceTest}, with the single hook {@link BackendContract#openBackend()}. Nothing
 * else is needed to certify a backend:
 *
 * <pre>{@code
 * class LocalConformanceTest implements ConformanceSuite {
 *     @TempDir static Path dir;   // class-level: the backend lives as long as the class
 *
 *     @Override
 *     public StorageBackend openBackend() {
 *         return StorageProviders.open(new BackendContext("local",
 *                 Map.of("local", Map.of("directory", dir.toString())), null, null));
 *     }
 * }
 * }</pre>
 *
 * A backend that cannot do something declares it in its {@link io.chunkstore.spi.Capabilities}; the
 * tests needing it are skipped with the missing feature named. A known deviation may be opted out
 * of by overriding the test method with {@code @Disabled("why")}. New contracts are added to this
 * list, so every backend runs them without changes.
 */
public interface ConformanceSuite
        extends CortexCasesContract,
                IndexContract,
                IndexStreamingContract,
                ChunkContract,
                TableContract,
                SeriesStoreContract,
                DeleteContract {}
