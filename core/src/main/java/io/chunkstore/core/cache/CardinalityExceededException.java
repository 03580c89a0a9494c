package io.chunkstore.core.cache;

import io.chunkstore.spi.StorageException;

/**
 * An index row holds more entries than the cardinality limit allows (Cortex's {@code
 * CardinalityExceededError}), so the lookup that read it is refused instead of materialising the
 * row. {@link CachingIndexClient} raises it without knowing the query's metric and label; the
 * series store fills them in ({@link #forLookup}) and, as Cortex does, ignores the error for a
 * matcher unless every matcher of the query hit it.
 */
public class CardinalityExceededException extends StorageException {
    private static final long serialVersionUID = 1L;

    private final String metricName;
    private final String labelName;
    private final int size;
    private final int limit;

    public CardinalityExceededException(int size, int limit) {
        this("", "", size, limit);
    }

    public CardinalityExceededException(String metricName, String labelName, int size, int limit) {
        super(
                "cardinality limit exceeded for "
                        + metricName
                        + "{"
                        + labelName
                        + "}; "
                        + size
                        + " entries, more than limit of "
                        + limit);
        this.metricName = metricName;
        this.labelName = labelName;
        this.size = size;
        this.limit = limit;
    }

    /** The same error naming the metric and label whose lookup read the row. */
    public CardinalityExceededException forLookup(String metric, String label) {
        CardinalityExceededException e =
                new CardinalityExceededException(metric, label, size, limit);
        e.initCause(this);
        return e;
    }

    public String metricName() {
        return metricName;
    }

    public String labelName() {
        return labelName;
    }

    /** Entries in the row. */
    public int size() {
        return size;
    }

    public int limit() {
        return limit;
    }
}
