package io.chunkstore.spi;

/**
 * A configuration value is missing, malformed or inconsistent. The message names the key and the
 * entry.
 */
public class ConfigException extends StorageException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
