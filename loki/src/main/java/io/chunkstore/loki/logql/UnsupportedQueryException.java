package io.chunkstore.loki.logql;

import io.chunkstore.spi.InvalidQueryException;

/**
 * A valid LogQL query that uses something outside the subset chunkstore answers (metric queries,
 * parsers, formatters, label filters, pattern or IP line filters). The message names the construct;
 * the HTTP API answers 400 with it.
 */
public class UnsupportedQueryException extends InvalidQueryException {
    private static final long serialVersionUID = 1L;

    public UnsupportedQueryException(String message) {
        super(message);
    }
}
