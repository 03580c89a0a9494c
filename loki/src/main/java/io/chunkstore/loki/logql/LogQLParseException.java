package io.chunkstore.loki.logql;

import io.chunkstore.spi.InvalidQueryException;

/**
 * LogQL text that does not parse, with the line and column (1-based, in characters) where the
 * parser stopped, in Loki's form: {@code parse error at line 1, col 12: ...}. The HTTP API answers
 * 400 with the message.
 */
public class LogQLParseException extends InvalidQueryException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;

    /** An error at a line and column. */
    public LogQLParseException(int line, int column, String detail) {
        super("parse error at line " + line + ", col " + column + ": " + detail);
        this.line = line;
        this.column = column;
    }

    /** The 1-based line. */
    public int line() {
        return line;
    }

    /** The 1-based column. */
    public int column() {
        return column;
    }
}
