package io.chunkstore.loki.query;

import io.chunkstore.loki.LogEntry;
import java.util.List;

/**
 * The result of a log query as Loki's engine returns it ({@code readStreams}): at most {@code
 * limit} entries, grouped into streams sorted by labels string, each stream's entries in query
 * direction.
 *
 * @param streams the streams with at least one entry
 * @param stats counters of the query
 * @param skipped what "skip corrupt" left out (empty otherwise)
 */
public record LogQueryResult(List<Stream> streams, QueryStats stats, List<SkippedChunk> skipped) {
    public LogQueryResult {
        streams = List.copyOf(streams);
        skipped = List.copyOf(skipped);
    }

    /** One stream's entries. */
    public record Stream(LogStream stream, List<LogEntry> entries) {
        public Stream {
            entries = List.copyOf(entries);
        }
    }

    /** The number of entries in all streams. */
    public int entryCount() {
        return streams.stream().mapToInt(s -> s.entries.size()).sum();
    }
}
