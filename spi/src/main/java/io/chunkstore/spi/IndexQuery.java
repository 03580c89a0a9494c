package io.chunkstore.spi;

/**
 * A read of one index row (Cortex's {@code IndexQuery}): every entry of {@code hashValue} in {@code
 * tableName}, optionally restricted to range values starting with {@code rangeValuePrefix}
 * <em>or</em> at or after {@code rangeValueStart} (unsigned byte order), and to values byte-equal
 * to {@code valueEqual}.
 *
 * <p>Null and empty mean "not set" for all three conditions. Setting both a prefix and a start is
 * undefined in Cortex (backends disagree), so it is rejected here with an {@link
 * InvalidQueryException} instead of guessing.
 *
 * <p>Query objects are compared by identity on purpose: {@link PageConsumer} receives the very
 * object the caller passed, so callers can attribute pages to their queries even when two queries
 * are equal.
 */
public final class IndexQuery {
    private final String tableName;
    private final String hashValue;
    private final byte[] rangeValuePrefix;
    private final byte[] rangeValueStart;
    private final byte[] valueEqual;
    private final boolean immutable;

    private IndexQuery(Builder b) {
        if (b.tableName == null || b.tableName.isEmpty()) {
            throw new InvalidQueryException("index query has no table name");
        }
        if (b.hashValue == null) {
            throw new InvalidQueryException(
                    "index query on table " + b.tableName + " has no hash value");
        }
        this.tableName = b.tableName;
        this.hashValue = b.hashValue;
        this.rangeValuePrefix = Bytes.orEmpty(b.rangeValuePrefix);
        this.rangeValueStart = Bytes.orEmpty(b.rangeValueStart);
        this.valueEqual = Bytes.orEmpty(b.valueEqual);
        this.immutable = b.immutable;
        if (rangeValuePrefix.length > 0 && rangeValueStart.length > 0) {
            throw new InvalidQueryException(
                    "index query on table "
                            + tableName
                            + ", hash "
                            + hashValue
                            + " sets both a range value prefix ("
                            + Bytes.hex(rangeValuePrefix)
                            + ") and a range value start ("
                            + Bytes.hex(rangeValueStart)
                            + "); set at most one of them");
        }
    }

    public static Builder builder(String tableName, String hashValue) {
        return new Builder().tableName(tableName).hashValue(hashValue);
    }

    /** A query for the whole row. */
    public static IndexQuery row(String tableName, String hashValue) {
        return builder(tableName, hashValue).build();
    }

    public String tableName() {
        return tableName;
    }

    public String hashValue() {
        return hashValue;
    }

    /** Never null; empty when not set. */
    public byte[] rangeValuePrefix() {
        return rangeValuePrefix;
    }

    /** Never null; empty when not set. */
    public byte[] rangeValueStart() {
        return rangeValueStart;
    }

    /** Never null; empty when not set. */
    public byte[] valueEqual() {
        return valueEqual;
    }

    public boolean hasPrefix() {
        return rangeValuePrefix.length > 0;
    }

    public boolean hasStart() {
        return rangeValueStart.length > 0;
    }

    public boolean hasValueEqual() {
        return valueEqual.length > 0;
    }

    /** A pure caching hint: results may be cached forever. Backends ignore it. */
    public boolean immutable() {
        return immutable;
    }

    /** Whether the entry's range value satisfies the prefix / start condition. */
    public boolean matchesRange(byte[] rangeValue) {
        if (hasPrefix()) {
            return Bytes.startsWith(rangeValue, rangeValuePrefix);
        }
        if (hasStart()) {
            return Bytes.compare(rangeValue, rangeValueStart) >= 0;
        }
        return true;
    }

    public boolean matchesValue(byte[] value) {
        return !hasValueEqual() || java.util.Arrays.equals(Bytes.orEmpty(value), valueEqual);
    }

    /**
     * Cortex's client-side {@code QueryFilter}: whether an entry of this query's row belongs to the
     * result.
     */
    public boolean matches(byte[] rangeValue, byte[] value) {
        return matchesRange(rangeValue) && matchesValue(value);
    }

    /** The query without its range and value conditions: the whole row. */
    public IndexQuery wholeRow() {
        return row(tableName, hashValue);
    }

    public Builder toBuilder() {
        return new Builder()
                .tableName(tableName)
                .hashValue(hashValue)
                .rangeValuePrefix(rangeValuePrefix)
                .rangeValueStart(rangeValueStart)
                .valueEqual(valueEqual)
                .immutable(immutable);
    }

    @Override
    public String toString() {
        return "IndexQuery{table="
                + tableName
                + ", hash="
                + hashValue
                + (hasPrefix() ? ", prefix=" + Bytes.hex(rangeValuePrefix) : "")
                + (hasStart() ? ", start=" + Bytes.hex(rangeValueStart) : "")
                + (hasValueEqual() ? ", valueEqual=" + Bytes.hex(valueEqual) : "")
                + (immutable ? ", immutable" : "")
                + "}";
    }

    public static final class Builder {
        private String tableName;
        private String hashValue;
        private byte[] rangeValuePrefix;
        private byte[] rangeValueStart;
        private byte[] valueEqual;
        private boolean immutable;

        public Builder tableName(String v) {
            this.tableName = v;
            return this;
        }

        public Builder hashValue(String v) {
            this.hashValue = v;
            return this;
        }

        public Builder rangeValuePrefix(byte[] v) {
            this.rangeValuePrefix = v;
            return this;
        }

        public Builder rangeValueStart(byte[] v) {
            this.rangeValueStart = v;
            return this;
        }

        public Builder valueEqual(byte[] v) {
            this.valueEqual = v;
            return this;
        }

        public Builder immutable(boolean v) {
            this.immutable = v;
            return this;
        }

        /**
         * @throws InvalidQueryException when the query is incomplete or sets both prefix and start
         */
        public IndexQuery build() {
            return new IndexQuery(this);
        }
    }
}
