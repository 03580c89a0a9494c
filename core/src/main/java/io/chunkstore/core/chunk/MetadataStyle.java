package io.chunkstore.core.chunk;

/**
 * How the chunk metadata JSON is written. Both styles decode the same; they differ only in bytes
 * (and so in the checksum).
 */
public enum MetadataStyle {
    /**
     * What Cortex and Loki write: jsoniter {@code ConfigFastest} with the chunk package's own
     * encoders for times and labels ({@code json_helpers.go}): seconds with a zero-padded 3-digit
     * fraction only when the milliseconds are not whole ({@code 1600000000.120}); strings escape
     * only {@code "}, {@code \} and control characters.
     */
    JSONITER,
    /**
     * Go's standard library conventions, as Loki writes it (jsoniter, pkg/storage/chunk/chunk.go):
     * times as {@code strconv.FormatFloat(ms/1000, 'f', -1, 64)} ({@code 1600000000.12}), label
     * names and values escaped by {@code encoding/json} (also {@code <}, {@code >}, {@code &},
     * U+2028, U+2029).
     */
    GO_ENCODING_JSON
}
