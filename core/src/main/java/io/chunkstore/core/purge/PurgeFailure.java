package io.chunkstore.core.purge;

/**
 * One thing a purge could not do, and what is left because of it.
 *
 * @param subject the series, chunk key or table concerned
 * @param message what failed and what remains (the index entries are kept whenever the chunk could
 *     not be read, since they are computed from its labels)
 */
public record PurgeFailure(String subject, String message) {
    @Override
    public String toString() {
        return subject + ": " + message;
    }
}
