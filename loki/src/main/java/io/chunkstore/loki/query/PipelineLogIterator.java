package io.chunkstore.loki.query;

import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.logql.LabelsBuilder;
import io.chunkstore.loki.logql.Pipeline;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link LogIterator} that runs a log pipeline over another one: lines the pipeline drops are
 * skipped, and each kept entry belongs to the stream of its labels after the pipeline (as Loki
 * returns them: grafana/loki {@code pkg/logql/log/pipeline.go}). An entry's structured metadata
 * joins its labels before the first stage (a name already in the stream gets {@code _extracted}),
 * so stages can use it. Checks the query's {@link QueryGuard} as it reads.
 */
public final class PipelineLogIterator implements LogIterator {
    private static final int STREAM_CACHE = 10_000;

    private final LogIterator in;
    private final Pipeline pipeline;
    private final QueryGuard guard;
    private final Map<String, LogStream> streams = new HashMap<>();
    private StreamEntry next;
    private int sinceCheck;

    /** Wraps {@code in}; an empty pipeline passes entries through unchanged. */
    public PipelineLogIterator(LogIterator in, Pipeline pipeline, QueryGuard guard) {
        this.in = in;
        this.pipeline = pipeline;
        this.guard = guard;
    }

    @Override
    public boolean hasNext() {
        while (next == null) {
            if (++sinceCheck >= 256) {
                sinceCheck = 0;
                guard.check(in.stats());
            } else {
                guard.checkBytes(in.stats());
            }
            if (!in.hasNext()) {
                guard.check(in.stats());
                return false;
            }
            StreamEntry e = in.next();
            if (pipeline.isEmpty()) {
                next = e;
                break;
            }
            LabelsBuilder lbs = new LabelsBuilder(e.stream().labels());
            List<Label> sm = e.entry().sortedStructuredMetadata();
            for (Label l : sm) {
                lbs.setExtracted(l.name(), l.value());
            }
            Pipeline.Line line = new Pipeline.Line(e.timestamp(), e.entry().line(), lbs);
            if (!pipeline.process(line)) {
                continue;
            }
            Labels labels = lbs.labels();
            String key = labels.toString();
            LogStream s = streams.get(key);
            if (s == null) {
                if (streams.size() >= STREAM_CACHE) {
                    streams.clear();
                }
                s = LogStream.of(labels);
                streams.put(key, s);
            }
            next = new StreamEntry(s, new LogEntry(e.timestamp(), line.bytes(), List.of()));
        }
        return true;
    }

    @Override
    public StreamEntry next() {
        if (!hasNext()) {
            throw new java.util.NoSuchElementException();
        }
        StreamEntry e = next;
        next = null;
        return e;
    }

    @Override
    public StreamEntry peek() {
        return hasNext() ? next : null;
    }

    @Override
    public QueryStats stats() {
        return in.stats();
    }

    @Override
    public List<SkippedChunk> skipped() {
        return in.skipped();
    }

    @Override
    public void close() {
        in.close();
    }
}
