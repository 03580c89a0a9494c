package io.chunkstore.loki.query;

import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.LokiFingerprint;
import java.util.Objects;

/**
 * A log stream as queries see it: the stored labels without {@code __name__}, Loki's labels string
 * ({@code {filename="/var/log/syslog", job="varlogs"}}) and its stream hash (Prometheus {@code
 * labels.Hash()} of those labels, which is also the fingerprint Loki's ingesters give the stream),
 * which orders equal timestamps across streams.
 */
public record LogStream(Labels labels, String labelsString, long hash) {
    public LogStream {
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(labelsString, "labelsString");
    }

    /** The stream of these labels ({@code __name__} dropped). */
    public static LogStream of(Labels labels) {
        Labels l = labels.without(Labels.METRIC_NAME);
        return new LogStream(l, l.toString(), LokiFingerprint.of(l));
    }

    @Override
    public String toString() {
        return labelsString;
    }
}
