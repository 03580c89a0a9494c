package io.chunkstore.spi;

/** A chunk is not stored under its external key (in the table its {@code from} time selects). */
public class ChunkNotFoundException extends NotFoundException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public ChunkNotFoundException(String key) {
        this(key, null);
    }

    public ChunkNotFoundException(String key, Throwable cause) {
        super("chunk not found: " + key, cause);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
