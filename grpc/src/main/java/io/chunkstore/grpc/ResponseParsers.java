package io.chunkstore.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.chunkstore.grpc.proto.GetChunksRequest;
import io.chunkstore.grpc.proto.QueryIndexRequest;
import io.chunkstore.grpc.proto.grpc_storeGrpc;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.ReadBatch;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's two streaming calls with their responses read straight into the SPI's types: a
 * QueryIndexResponse into a {@link ReadBatch}, a GetChunksResponse into {@link EncodedChunk}s.
 * Parsed through the generated messages, every range value, value and chunk was copied three times
 * on its way to the caller (the received message into a byte array, the field into a {@code
 * ByteString}, that into the SPI's {@code byte[]}); read here, each field is copied once, from the
 * received network buffers into the array the caller gets ({@link CodedInputStream} reads a field
 * larger than its buffer directly into the new array when the stream says that many bytes are
 * available, which gRPC's message streams do). A 1 MB chunk is no longer copied 3 MB worth.
 *
 * <p>The wire format is grpc.proto's (field numbers checked by {@code ProtoContractTest}); unknown
 * fields are skipped, as the generated parser does.
 */
final class ResponseParsers {
    private ResponseParsers() {}

    /** QueryIndex, each response message read as one page. */
    static final MethodDescriptor<QueryIndexRequest, ReadBatch> QUERY_INDEX =
            grpc_storeGrpc.getQueryIndexMethod().toBuilder(
                            grpc_storeGrpc.getQueryIndexMethod().getRequestMarshaller(),
                            new Parser<>(ResponseParsers::page))
                    .build();

    /** GetChunks, each response message read as the chunks it carries. */
    static final MethodDescriptor<GetChunksRequest, List<EncodedChunk>> GET_CHUNKS =
            grpc_storeGrpc.getGetChunksMethod().toBuilder(
                            grpc_storeGrpc.getGetChunksMethod().getRequestMarshaller(),
                            new Parser<>(ResponseParsers::chunks))
                    .build();

    /** A response marshaller that only parses (the client never sends these messages). */
    private static final class Parser<T> implements MethodDescriptor.Marshaller<T> {
        private final Read<T> read;

        Parser(Read<T> read) {
            this.read = read;
        }

        @Override
        public InputStream stream(T value) {
            throw new UnsupportedOperationException("the client only receives this message");
        }

        @Override
        public T parse(InputStream stream) {
            try {
                return read.from(CodedInputStream.newInstance(stream));
            } catch (IOException e) {
                throw Status.INTERNAL
                        .withDescription("cannot parse the grpc_store response: " + e.getMessage())
                        .withCause(e)
                        .asRuntimeException();
            }
        }
    }

    @FunctionalInterface
    private interface Read<T> {
        T from(CodedInputStream in) throws IOException;
    }

    private static final int FIELD_1_BYTES = tag(1);
    private static final int FIELD_2_BYTES = tag(2);
    private static final int FIELD_3_BYTES = tag(3);
    private static final byte[] EMPTY = new byte[0];

    /** The tag of a length-delimited field (bytes, string, message): number and wire type 2. */
    private static int tag(int field) {
        return (field << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    /** QueryIndexResponse {repeated Row rows = 1}; Row {bytes rangeValue = 1; bytes value = 2}. */
    static ReadBatch page(CodedInputStream in) throws IOException {
        List<byte[]> ranges = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag != FIELD_1_BYTES) {
                in.skipField(tag);
                continue;
            }
            int limit = in.pushLimit(in.readRawVarint32());
            byte[] range = EMPTY;
            byte[] value = EMPTY;
            for (int t = in.readTag(); t != 0; t = in.readTag()) {
                if (t == FIELD_1_BYTES) {
                    range = in.readByteArray();
                } else if (t == FIELD_2_BYTES) {
                    value = in.readByteArray();
                } else {
                    in.skipField(t);
                }
            }
            in.popLimit(limit);
            ranges.add(range);
            values.add(value);
        }
        return ReadBatch.of(ranges, values);
    }

    /**
     * GetChunksResponse {repeated Chunk chunks = 1}; Chunk {bytes encoded = 1; string key = 2;
     * string tableName = 3}.
     */
    static List<EncodedChunk> chunks(CodedInputStream in) throws IOException {
        List<EncodedChunk> out = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag != FIELD_1_BYTES) {
                in.skipField(tag);
                continue;
            }
            int limit = in.pushLimit(in.readRawVarint32());
            byte[] encoded = EMPTY;
            String key = "";
            String table = "";
            for (int t = in.readTag(); t != 0; t = in.readTag()) {
                if (t == FIELD_1_BYTES) {
                    encoded = in.readByteArray();
                } else if (t == FIELD_2_BYTES) {
                    key = in.readStringRequireUtf8();
                } else if (t == FIELD_3_BYTES) {
                    table = in.readStringRequireUtf8();
                } else {
                    in.skipField(t);
                }
            }
            in.popLimit(limit);
            out.add(new EncodedChunk(key, table, encoded));
        }
        return out;
    }
}
