package io.chunkstore.loki.query;

import io.chunkstore.loki.LogEntry;

/** One log entry with the stream it belongs to. */
public record StreamEntry(LogStream stream, LogEntry entry) {
    public long timestamp() {
        return entry.timestamp();
    }
}
