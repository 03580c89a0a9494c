package io.chunkstore.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.chunkstore.grpc.proto.Chunk;
import io.chunkstore.grpc.proto.QueryIndexRequest;
import io.chunkstore.grpc.proto.Row;
import io.chunkstore.spi.AutoScalingConfig;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.TableDesc;

/**
 * Conversions between the SPI's value types and the protocol's messages (both directions, 1:1 where
 * possible).
 */
final class ProtoMapping {
    private ProtoMapping() {}

    static ByteString bytes(byte[] b) {
        return b == null || b.length == 0 ? ByteString.EMPTY : ByteString.copyFrom(b);
    }

    // ---- index

    static io.chunkstore.grpc.proto.IndexEntry toProto(IndexEntry e) {
        return io.chunkstore.grpc.proto.IndexEntry.newBuilder()
                .setTableName(e.tableName())
                .setHashValue(e.hashValue())
                .setRangeValue(bytes(e.rangeValue()))
                .setValue(bytes(e.value()))
                .build();
    }

    /**
     * An index entry of a WriteIndex / DeleteIndex request.
     *
     * @throws InvalidRequestException when it has no table name or no range value
     */
    static IndexEntry fromProto(io.chunkstore.grpc.proto.IndexEntry e, String rpc, int position) {
        if (e.getTableName().isEmpty()) {
            throw new InvalidRequestException(
                    rpc
                            + ": index entry "
                            + position
                            + " (hash value "
                            + e.getHashValue()
                            + ") has no table name");
        }
        if (e.getRangeValue().isEmpty()) {
            throw new InvalidRequestException(
                    rpc
                            + ": index entry "
                            + position
                            + " (table "
                            + e.getTableName()
                            + ", hash value "
                            + e.getHashValue()
                            + ") has no range value");
        }
        return new IndexEntry(
                e.getTableName(),
                e.getHashValue(),
                e.getRangeValue().toByteArray(),
                e.getValue().toByteArray());
    }

    static QueryIndexRequest toProto(IndexQuery q) {
        return QueryIndexRequest.newBuilder()
                .setTableName(q.tableName())
                .setHashValue(q.hashValue())
                .setRangeValuePrefix(bytes(q.rangeValuePrefix()))
                .setRangeValueStart(bytes(q.rangeValueStart()))
                .setValueEqual(bytes(q.valueEqual()))
                .setImmutable(q.immutable())
                .build();
    }

    /**
     * @throws io.chunkstore.spi.InvalidQueryException for no table, or both a prefix and a start
     */
    static IndexQuery fromProto(QueryIndexRequest r) {
        return IndexQuery.builder(r.getTableName(), r.getHashValue())
                .rangeValuePrefix(r.getRangeValuePrefix().toByteArray())
                .rangeValueStart(r.getRangeValueStart().toByteArray())
                .valueEqual(r.getValueEqual().toByteArray())
                .immutable(r.getImmutable())
                .build();
    }

    /**
     * A row of a QueryIndex response, sharing the page's arrays rather than copying them: a page's
     * range values and values are arrays of their own (pages are built by {@link ReadBatch#of} or
     * {@link ReadBatch.Builder}, never refilled), and the message is serialized when it is sent.
     */
    static Row row(byte[] rangeValue, byte[] value) {
        return Row.newBuilder().setRangeValue(shared(rangeValue)).setValue(shared(value)).build();
    }

    private static ByteString shared(byte[] b) {
        return b == null || b.length == 0 ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(b);
    }

    // ---- chunks

    /**
     * A chunk with its bytes, which the message shares rather than copies (chunks are up to
     * megabytes, and a copy per message was a measurable part of a GetChunks; see
     * docs/benchmarks.md): the bytes of an {@link EncodedChunk} are not changed once it exists, and
     * a request is serialized before the call that sends it returns.
     */
    static Chunk toProto(EncodedChunk c) {
        ByteString encoded =
                c.encoded().length == 0
                        ? ByteString.EMPTY
                        : UnsafeByteOperations.unsafeWrap(c.encoded());
        return Chunk.newBuilder()
                .setEncoded(encoded)
                .setKey(c.key())
                .setTableName(c.tableName())
                .build();
    }

    /** A chunk of a GetChunks request: key and table only ("send buf as nil", as Go does). */
    static Chunk toProto(ChunkLocation l) {
        return Chunk.newBuilder().setKey(l.key()).setTableName(l.tableName()).build();
    }

    static EncodedChunk fromProto(Chunk c) {
        return new EncodedChunk(c.getKey(), c.getTableName(), c.getEncoded().toByteArray());
    }

    static ChunkLocation location(Chunk c) {
        return new ChunkLocation(c.getKey(), c.getTableName());
    }

    // ---- tables

    /** The protocol has no auto-scaling: it is dropped here and comes back disabled. */
    static io.chunkstore.grpc.proto.TableDesc toProto(TableDesc d) {
        return io.chunkstore.grpc.proto.TableDesc.newBuilder()
                .setName(d.name())
                .setUseOnDemandIOMode(d.useOnDemandIOMode())
                .setProvisionedRead(d.provisionedRead())
                .setProvisionedWrite(d.provisionedWrite())
                .putAllTags(d.tags())
                .build();
    }

    static TableDesc fromProto(io.chunkstore.grpc.proto.TableDesc d) {
        return new TableDesc(
                d.getName(),
                d.getUseOnDemandIOMode(),
                d.getProvisionedRead(),
                d.getProvisionedWrite(),
                d.getTagsMap(),
                AutoScalingConfig.DISABLED,
                AutoScalingConfig.DISABLED);
    }
}
