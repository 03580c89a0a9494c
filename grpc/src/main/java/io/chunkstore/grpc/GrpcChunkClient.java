package io.chunkstore.grpc;

import io.chunkstore.grpc.GrpcStoreClient.Calls;
import io.chunkstore.grpc.proto.Chunk;
import io.chunkstore.grpc.proto.ChunkID;
import io.chunkstore.grpc.proto.GetChunksRequest;
import io.chunkstore.grpc.proto.PutChunksRequest;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.ChunkWriteException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.StorageException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@link ChunkClient} over the grpc_store protocol; see {@link GrpcStoreClient}. */
final class GrpcChunkClient implements ChunkClient {
    private final Calls calls;

    GrpcChunkClient(Calls calls) {
        this.calls = calls;
    }

    /**
     * PutChunks, split into requests under the request size limit and sent one after the other
     * until one fails. The chunks of the failed request (only those the server names as not
     * written, when it names them) and of the requests not sent are not written; {@link
     * ChunkWriteException#check} turns that into the one partial-write error when earlier requests
     * did store theirs.
     */
    @Override
    public void putChunks(List<EncodedChunk> list) {
        List<Chunk> protos = new ArrayList<>(list.size());
        list.forEach(c -> protos.add(ProtoMapping.toProto(c)));
        Map<String, StorageException> notWritten = new LinkedHashMap<>();
        StorageException stopped = null;
        for (List<Chunk> request : MessageBatcher.split(protos, calls.maxRequestBytes())) {
            if (stopped == null) {
                try {
                    calls.unary()
                            .putChunks(PutChunksRequest.newBuilder().addAllChunks(request).build());
                    continue;
                } catch (StatusRuntimeException e) {
                    stopped = putError(e);
                    List<String> named = Statuses.notWrittenKeys(e);
                    if (!named.isEmpty()) {
                        for (String key : named) {
                            notWritten.putIfAbsent(key, stopped);
                        }
                        continue;
                    }
                }
            }
            for (Chunk c : request) {
                notWritten.putIfAbsent(c.getKey(), stopped);
            }
        }
        ChunkWriteException.check("PutChunks to the grpc_store server", list, notWritten);
    }

    private static StorageException putError(StatusRuntimeException e) {
        List<String> tooLarge = Statuses.tooLargeKeys(e);
        if (e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION && !tooLarge.isEmpty()) {
            return new InvalidChunkException(
                    InvalidChunkException.Reason.TOO_LARGE,
                    tooLarge.get(0),
                    e.getStatus().getDescription(),
                    e);
        }
        return Statuses.toException(e, "PutChunks", Statuses.Call.CHUNKS, null);
    }

    /**
     * GetChunks streams, split into requests under the request size limit, each chunk read from the
     * received buffers straight into its {@link EncodedChunk} ({@link ResponseParsers}). Every
     * requested key that did not come back fails on its own: {@link ChunkNotFoundException} when
     * the server answered OK or NOT_FOUND, {@link InvalidChunkException} {@code TOO_LARGE} when the
     * server named it too large, else the error of the call's status (e.g. {@link
     * io.chunkstore.spi.UnavailableException} when the stream broke).
     */
    @Override
    public List<EncodedChunk> getChunks(List<ChunkLocation> locations) {
        List<Chunk> protos = new ArrayList<>(locations.size());
        locations.forEach(l -> protos.add(ProtoMapping.toProto(l)));
        List<EncodedChunk> fetched = new ArrayList<>();
        Map<String, StorageException> failures = new LinkedHashMap<>();
        for (List<Chunk> request : MessageBatcher.split(protos, calls.maxRequestBytes())) {
            Set<String> received = new HashSet<>();
            StatusRuntimeException error = null;
            try {
                var stub = calls.stream();
                Iterator<List<EncodedChunk>> it =
                        ClientCalls.blockingServerStreamingCall(
                                stub.getChannel(),
                                ResponseParsers.GET_CHUNKS,
                                stub.getCallOptions(),
                                GetChunksRequest.newBuilder().addAllChunks(request).build());
                while (it.hasNext()) {
                    for (EncodedChunk c : it.next()) {
                        fetched.add(c);
                        received.add(c.key());
                    }
                }
            } catch (StatusRuntimeException e) {
                error = e;
            }
            Set<String> missing = new LinkedHashSet<>();
            request.forEach(
                    c -> {
                        if (!received.contains(c.getKey())) {
                            missing.add(c.getKey());
                        }
                    });
            if (!missing.isEmpty()) {
                failures.putAll(missingErrors(missing, error));
            }
        }
        if (!failures.isEmpty()) {
            throw new ChunkFetchException(fetched, failures);
        }
        return fetched;
    }

    private static Map<String, StorageException> missingErrors(
            Set<String> missing, StatusRuntimeException e) {
        Map<String, StorageException> out = new LinkedHashMap<>();
        Status.Code code = e == null ? Status.Code.OK : e.getStatus().getCode();
        Set<String> tooLarge = e == null ? Set.of() : new HashSet<>(Statuses.tooLargeKeys(e));
        StorageException callError =
                switch (code) {
                    case OK, NOT_FOUND, FAILED_PRECONDITION -> null;
                    default -> Statuses.toException(e, "GetChunks", Statuses.Call.CHUNKS, null);
                };
        for (String key : missing) {
            if (tooLarge.contains(key)) {
                out.put(
                        key,
                        new InvalidChunkException(
                                InvalidChunkException.Reason.TOO_LARGE,
                                key,
                                "the server cannot send it in one message ("
                                        + e.getStatus().getDescription()
                                        + ")",
                                e));
            } else if (callError != null) {
                out.put(key, callError);
            } else {
                out.put(key, new ChunkNotFoundException(key, e));
            }
        }
        return out;
    }

    /**
     * DeleteChunks with the chunk id, as Go sends it, plus the chunk's table in the {@code
     * chunkstore-chunk-table} header; a server that ignores the header (any other grpc_store
     * server) resolves the table itself.
     */
    @Override
    public void deleteChunk(ChunkLocation chunk) {
        var header = ChunkTableHeader.naming(chunk.tableName());
        var stub = header == null ? calls.unary() : calls.unary().withInterceptors(header);
        try {
            stub.deleteChunks(ChunkID.newBuilder().setChunkID(chunk.key()).build());
        } catch (StatusRuntimeException e) {
            throw Statuses.toException(e, "DeleteChunks", Statuses.Call.CHUNKS, null);
        }
    }

    /** Does nothing: the channel belongs to the {@link GrpcStoreClient}. */
    @Override
    public void close() {}
}
