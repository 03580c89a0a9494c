package io.chunkstore.loki.query;

import io.chunkstore.loki.LokiChunk;

/** A fetched, decoded chunk of one stream. */
record OpenChunk(LogChunkRef ref, LokiChunk chunk, LogStream stream) {
    String key() {
        return ref.externalKey();
    }
}
