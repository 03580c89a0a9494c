package io.chunkstore.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.stub.MetadataUtils;

/**
 * The chunk table of a DeleteChunks call, sent by the Java client as the request header {@code
 * chunkstore-chunk-table}. The protocol's {@code ChunkID} has no table (the Go client sends none,
 * and the server resolves it with its {@link ChunkTableResolver}); a client that knows the table
 * says so here, exactly as it names the table in PutChunks and GetChunks. Messages on the wire are
 * unchanged.
 */
final class ChunkTableHeader implements ServerInterceptor {
    static final Metadata.Key<String> KEY =
            Metadata.Key.of("chunkstore-chunk-table", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> TABLE = Context.key("chunkstore-chunk-table");

    /** The table the client named for the current call, or null. */
    static String current() {
        return TABLE.get();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String table = headers.get(KEY);
        if (table == null) {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(
                Context.current().withValue(TABLE, table), call, headers, next);
    }

    /**
     * A client interceptor naming the table, or null when the name cannot travel as an ASCII
     * header.
     */
    static io.grpc.ClientInterceptor naming(String table) {
        if (!table.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return null;
        }
        Metadata headers = new Metadata();
        headers.put(KEY, table);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }
}
