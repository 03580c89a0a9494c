package io.chunkstore.grpc;

/**
 * Finds the chunk table of a chunk from its external key alone. The Go client's {@code
 * DeleteChunks} sends only the chunk id, so the server must derive the table the way the client
 * chose it when writing: from the schema config's period that contains the key's {@code from} time
 * ({@code SchemaConfig.ChunkTableFor(from)}).
 *
 * <p>The {@code serve} command implements it with core's schema config; tests use a lambda.
 * Implementations throw an {@link io.chunkstore.spi.InvalidRequestException} (or an {@link
 * io.chunkstore.spi.InvalidChunkException} with reason {@code INVALID_KEY}) for a key that does not
 * parse; the server answers {@code INVALID_ARGUMENT}.
 */
@FunctionalInterface
public interface ChunkTableResolver {

    /** For stores without chunk tables (object stores): every chunk lives in table {@code ""}. */
    ChunkTableResolver NO_TABLES = externalKey -> "";

    /**
     * The chunk table of the chunk with this external key; {@code ""} for stores without tables.
     */
    String chunkTableFor(String externalKey);
}
