package io.chunkstore.loki.query;

import io.chunkstore.spi.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Per-query state shared by the iterators and fetch threads: stats and what was skipped. */
final class QueryContext {
    final QueryStats stats = new QueryStats();
    private final boolean skipCorrupt;
    private final Map<String, SkippedChunk> skipped = new TreeMap<>();

    QueryContext(boolean skipCorrupt) {
        this.skipCorrupt = skipCorrupt;
    }

    boolean skipCorrupt() {
        return skipCorrupt;
    }

    /** Records a skipped chunk or block once, or throws the error when not skipping. */
    synchronized void skipOrThrow(String key, int block, StorageException error) {
        if (!skipCorrupt) {
            throw error;
        }
        skipped.putIfAbsent(
                key + "#" + String.format("%011d", block + 1),
                new SkippedChunk(key, block, error.getMessage()));
    }

    synchronized List<SkippedChunk> skipped() {
        return List.copyOf(new ArrayList<>(skipped.values()));
    }
}
