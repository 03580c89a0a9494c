package io.chunkstore.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * One page of index results for one query: range values in ascending unsigned byte order, each with
 * its value. {@link #iterator()} may be called more than once; each call starts before the first
 * entry.
 */
public interface ReadBatch {
    ReadBatchIterator iterator();

    /** Number of entries in this page. */
    int size();

    /** Cursor over a page: call {@link #next()} before the first access. */
    interface ReadBatchIterator {
        boolean next();

        byte[] rangeValue();

        /** Never null; empty when no value was stored. */
        byte[] value();
    }

    static ReadBatch empty() {
        return new ListReadBatch(List.of(), List.of());
    }

    /** A page built from parallel lists of range values and values (values may hold nulls). */
    static ReadBatch of(List<byte[]> rangeValues, List<byte[]> values) {
        return new ListReadBatch(rangeValues, values);
    }

    /** Collects rows into a page. */
    final class Builder {
        private final List<byte[]> ranges = new ArrayList<>();
        private final List<byte[]> values = new ArrayList<>();
        private long bytes;

        public Builder add(byte[] rangeValue, byte[] value) {
            ranges.add(Bytes.orEmpty(rangeValue));
            values.add(Bytes.orEmpty(value));
            bytes += ranges.get(ranges.size() - 1).length + values.get(values.size() - 1).length;
            return this;
        }

        public int size() {
            return ranges.size();
        }

        /** Approximate payload size of the rows added so far (range value plus value bytes). */
        public long byteSize() {
            return bytes;
        }

        public boolean isEmpty() {
            return ranges.isEmpty();
        }

        public ReadBatch build() {
            return new ListReadBatch(List.copyOf(ranges), List.copyOf(values));
        }
    }

    /** The plain list-backed page. */
    final class ListReadBatch implements ReadBatch {
        private final List<byte[]> rangeValues;
        private final List<byte[]> values;

        ListReadBatch(List<byte[]> rangeValues, List<byte[]> values) {
            if (rangeValues.size() != values.size()) {
                throw new IllegalArgumentException("range values and values differ in length");
            }
            this.rangeValues = rangeValues;
            this.values = values;
        }

        @Override
        public int size() {
            return rangeValues.size();
        }

        @Override
        public ReadBatchIterator iterator() {
            return new ReadBatchIterator() {
                private int i = -1;

                @Override
                public boolean next() {
                    return ++i < rangeValues.size();
                }

                @Override
                public byte[] rangeValue() {
                    return rangeValues.get(i);
                }

                @Override
                public byte[] value() {
                    return Bytes.orEmpty(values.get(i));
                }
            };
        }
    }
}
