package io.chunkstore.spi;

/** An object store has no object under the key (Cortex's {@code ErrStorageObjectNotFound}). */
public class ObjectNotFoundException extends NotFoundException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public ObjectNotFoundException(String key) {
        this(key, null);
    }

    public ObjectNotFoundException(String key, Throwable cause) {
        super("object not found in storage: " + key, cause);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
