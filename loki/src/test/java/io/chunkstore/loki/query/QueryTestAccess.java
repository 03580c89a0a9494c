package io.chunkstore.loki.query;

import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.loki.chunkenc.GoldenLoki;

/** The query package's test store, for tests in other packages (http, cli). */
public final class QueryTestAccess {
    private QueryTestAccess() {}

    public static SchemaConfig single(SchemaVersion v) {
        return TestStores.single(v);
    }

    public static Object store(SchemaConfig config) {
        return new TestLogStore(config);
    }

    public static LogChunkSource source(Object store) {
        return (TestLogStore) store;
    }

    public static String put(Object store, ChunkCodec.Encoded chunk) {
        return ((TestLogStore) store).put(chunk);
    }

    public static String putGolden(Object store, SchemaConfig config, GoldenLoki g) {
        return TestStores.putGolden((TestLogStore) store, config, g);
    }
}
