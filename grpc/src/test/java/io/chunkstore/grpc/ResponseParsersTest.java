package io.chunkstore.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.chunkstore.grpc.proto.Chunk;
import io.chunkstore.grpc.proto.GetChunksResponse;
import io.chunkstore.grpc.proto.QueryIndexResponse;
import io.chunkstore.grpc.proto.Row;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.ReadBatch;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The client's own readers of QueryIndexResponse and GetChunksResponse agree with protobuf's
 * generated messages: the oracle is the message protobuf serialized, read back field by field.
 */
class ResponseParsersTest {

    @Test
    void aQueryIndexResponseIsReadAsThePageOfItsRows() {
        Random r = new Random(7);
        QueryIndexResponse.Builder b = QueryIndexResponse.newBuilder();
        for (int i = 0; i < 50; i++) {
            byte[] range = new byte[1 + r.nextInt(40)];
            byte[] value = new byte[i % 5 == 0 ? 0 : r.nextInt(300_000)];
            r.nextBytes(range);
            r.nextBytes(value);
            b.addRows(
                    Row.newBuilder()
                            .setRangeValue(ByteString.copyFrom(range))
                            .setValue(ByteString.copyFrom(value)));
        }
        // A field this client does not know (a newer server) is skipped, as protobuf does.
        b.setUnknownFields(
                UnknownFieldSet.newBuilder()
                        .addField(
                                9,
                                UnknownFieldSet.Field.newBuilder()
                                        .addLengthDelimited(ByteString.copyFromUtf8("later"))
                                        .build())
                        .build());
        QueryIndexResponse message = b.build();

        ReadBatch page =
                ResponseParsers.QUERY_INDEX
                        .getResponseMarshaller()
                        .parse(new ByteArrayInputStream(message.toByteArray()));

        assertThat(page.size()).isEqualTo(message.getRowsCount());
        ReadBatch.ReadBatchIterator it = page.iterator();
        for (Row row : message.getRowsList()) {
            assertThat(it.next()).isTrue();
            assertThat(it.rangeValue()).isEqualTo(row.getRangeValue().toByteArray());
            assertThat(it.value()).isEqualTo(row.getValue().toByteArray());
        }
        assertThat(it.next()).isFalse();
    }

    @Test
    void aGetChunksResponseIsReadAsItsChunks() {
        Random r = new Random(8);
        List<EncodedChunk> expected = new ArrayList<>();
        GetChunksResponse.Builder b = GetChunksResponse.newBuilder();
        for (int i = 0; i < 4; i++) {
            byte[] encoded = new byte[i == 0 ? 10 : 1 << 20];
            r.nextBytes(encoded);
            String key = "user/" + i + ":1:2:" + Integer.toHexString(i);
            String table = i == 3 ? "" : "chunks_é" + i;
            b.addChunks(
                    Chunk.newBuilder()
                            .setKey(key)
                            .setTableName(table)
                            .setEncoded(ByteString.copyFrom(encoded)));
            expected.add(new EncodedChunk(key, table, encoded));
        }
        List<EncodedChunk> read =
                ResponseParsers.GET_CHUNKS
                        .getResponseMarshaller()
                        .parse(new ByteArrayInputStream(b.build().toByteArray()));
        assertThat(read).isEqualTo(expected);
        assertThat(
                        ResponseParsers.GET_CHUNKS
                                .getResponseMarshaller()
                                .parse(new ByteArrayInputStream(new byte[0])))
                .isEmpty();
    }
}
