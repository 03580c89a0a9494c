package io.chunkstore.bench;

/**
 * What one timed run moved: items (index entries or chunks) and their payload bytes (range value
 * plus value, or encoded chunk bytes).
 */
public record Tally(long items, long bytes) {
    public static final Tally ZERO = new Tally(0, 0);

    public Tally plus(Tally o) {
        return new Tally(items + o.items, bytes + o.bytes);
    }
}
