package io.chunkstore.spi;

/**
 * Stored chunk bytes that do not decode, or do not belong to the key they were read under. The
 * reason says which check failed, with Cortex's wording where Cortex has one.
 */
public class InvalidChunkException extends StorageException {
    private static final long serialVersionUID = 1L;

    /** Which check rejected the chunk. */
    public enum Reason {
        /** CRC-32C of the bytes differs from the key's checksum ("invalid chunk checksum"). */
        CHECKSUM("invalid chunk checksum"),
        /** The metadata length word matches neither layout ("chunk metadata wrong length"). */
        METADATA_LENGTH("chunk metadata wrong length"),
        /**
         * Metadata (user, fingerprint, from, through, checksum) differs from the key ("wrong chunk
         * metadata").
         */
        WRONG_METADATA("wrong chunk metadata"),
        /** The data length word differs from the bytes that follow ("chunk data wrong length"). */
        DATA_LENGTH("chunk data wrong length"),
        /** The metadata or the sample/log data inside does not parse. */
        CORRUPT("corrupt chunk"),
        /** The encoding byte names no codec we know. */
        UNKNOWN_ENCODING("unknown chunk encoding"),
        /** The external key does not parse ("invalid chunk ID"). */
        INVALID_KEY("invalid chunk ID"),
        /** The chunk exceeds a size this store or protocol can carry. */
        TOO_LARGE("chunk too large");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        /** Cortex's error text for the reason. */
        public String text() {
            return text;
        }
    }

    private final Reason reason;
    private final String key;

    public InvalidChunkException(Reason reason, String key, String detail) {
        this(reason, key, detail, null);
    }

    public InvalidChunkException(Reason reason, String key, String detail, Throwable cause) {
        super(
                reason.text()
                        + (key == null ? "" : " (chunk " + key + ")")
                        + (detail == null ? "" : ": " + detail),
                cause);
        this.reason = reason;
        this.key = key;
    }

    public Reason reason() {
        return reason;
    }

    /** The external key the chunk was read under, or null when unknown. */
    public String key() {
        return key;
    }
}
