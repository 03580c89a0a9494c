package io.chunkstore.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.chunkstore.grpc.proto.Chunk;
import io.chunkstore.grpc.proto.GrpcStoreProto;
import io.chunkstore.grpc.proto.QueryIndexRequest;
import io.chunkstore.grpc.proto.TableDesc;
import io.chunkstore.grpc.proto.grpc_storeGrpc;
import io.grpc.MethodDescriptor;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The wire contract of Cortex's pkg/chunk/grpc/grpc.proto, transcribed here by hand, against the
 * generated descriptors: package, service, method paths and streaming, and every message's fields
 * (name, number, type). A change to grpc.proto that would change what goes over the wire fails
 * here.
 */
class ProtoContractTest {

    /** Cortex's grpc.proto messages: field = number, type. */
    private static final Map<String, List<String>> SPEC_MESSAGES =
            new TreeMap<>(
                    Map.ofEntries(
                            Map.entry("PutChunksRequest", List.of("chunks=1:repeated Chunk")),
                            Map.entry("GetChunksRequest", List.of("chunks=1:repeated Chunk")),
                            Map.entry("GetChunksResponse", List.of("chunks=1:repeated Chunk")),
                            Map.entry(
                                    "Chunk",
                                    List.of(
                                            "encoded=1:bytes",
                                            "key=2:string",
                                            "tableName=3:string")),
                            Map.entry("ChunkID", List.of("chunkID=1:string")),
                            Map.entry("DeleteTableRequest", List.of("tableName=1:string")),
                            Map.entry("DescribeTableRequest", List.of("tableName=1:string")),
                            Map.entry(
                                    "WriteBatch",
                                    List.of(
                                            "writes=1:repeated IndexEntry",
                                            "deletes=2:repeated IndexEntry")),
                            Map.entry("WriteIndexRequest", List.of("writes=1:repeated IndexEntry")),
                            Map.entry(
                                    "DeleteIndexRequest", List.of("deletes=1:repeated IndexEntry")),
                            Map.entry("QueryIndexResponse", List.of("rows=1:repeated Row")),
                            Map.entry("Row", List.of("rangeValue=1:bytes", "value=2:bytes")),
                            Map.entry(
                                    "IndexEntry",
                                    List.of(
                                            "tableName=1:string",
                                            "hashValue=2:string",
                                            "rangeValue=3:bytes",
                                            "value=4:bytes")),
                            Map.entry(
                                    "QueryIndexRequest",
                                    List.of(
                                            "tableName=1:string",
                                            "hashValue=2:string",
                                            "rangeValuePrefix=3:bytes",
                                            "rangeValueStart=4:bytes",
                                            "valueEqual=5:bytes",
                                            "immutable=6:bool")),
                            Map.entry(
                                    "UpdateTableRequest",
                                    List.of("current=1:TableDesc", "expected=2:TableDesc")),
                            Map.entry(
                                    "DescribeTableResponse",
                                    List.of("desc=1:TableDesc", "isActive=2:bool")),
                            Map.entry("CreateTableRequest", List.of("desc=1:TableDesc")),
                            Map.entry(
                                    "TableDesc",
                                    List.of(
                                            "name=1:string",
                                            "useOnDemandIOMode=2:bool",
                                            "provisionedRead=3:int64",
                                            "provisionedWrite=4:int64",
                                            "tags=5:map<string,string>")),
                            Map.entry(
                                    "ListTablesResponse", List.of("tableNames=1:repeated string")),
                            Map.entry("Labels", List.of("name=1:string", "value=2:string"))));

    /** Cortex's grpc.proto RPCs: method → request, response; (stream) marks server streaming. */
    private static final Map<String, String> SPEC_METHODS =
            new TreeMap<>(
                    Map.ofEntries(
                            Map.entry(
                                    "grpc.grpc_store/WriteIndex",
                                    "grpc.WriteIndexRequest -> google.protobuf.Empty"),
                            Map.entry(
                                    "grpc.grpc_store/QueryIndex",
                                    "grpc.QueryIndexRequest -> stream grpc.QueryIndexResponse"),
                            Map.entry(
                                    "grpc.grpc_store/DeleteIndex",
                                    "grpc.DeleteIndexRequest -> google.protobuf.Empty"),
                            Map.entry(
                                    "grpc.grpc_store/PutChunks",
                                    "grpc.PutChunksRequest -> google.protobuf.Empty"),
                            Map.entry(
                                    "grpc.grpc_store/GetChunks",
                                    "grpc.GetChunksRequest -> stream grpc.GetChunksResponse"),
                            Map.entry(
                                    "grpc.grpc_store/DeleteChunks",
                                    "grpc.ChunkID -> google.protobuf.Empty"),
                            Map.entry(
                                    "grpc.grpc_store/ListTables",
                                    "google.protobuf.Empty -> grpc.ListTablesResponse"),
                            Map.entry(
                                    "grpc.grpc_store/CreateTable",
                                    "grpc.CreateTableRequest -> google.protobuf.Empty"),
                            Map.entry(
                                    "grpc.grpc_store/DeleteTable",
                                    "grpc.DeleteTableRequest -> google.protobuf.Empty"),
                            Map.entry(
                                    "grpc.grpc_store/DescribeTable",
                                    "grpc.DescribeTableRequest -> grpc.DescribeTableResponse"),
                            Map.entry(
                                    "grpc.grpc_store/UpdateTable",
                                    "grpc.UpdateTableRequest -> google.protobuf.Empty")));

    @Test
    void packageAndSyntaxAreTheGoOnes() {
        FileDescriptor file = GrpcStoreProto.getDescriptor();
        assertThat(file.getPackage()).isEqualTo("grpc");
        assertThat(file.toProto().getSyntax()).isEqualTo("proto3");
        assertThat(file.getServices()).hasSize(1);
        assertThat(file.getServices().get(0).getFullName()).isEqualTo("grpc.grpc_store");
        assertThat(grpc_storeGrpc.SERVICE_NAME).isEqualTo("grpc.grpc_store");
    }

    @Test
    void everyMethodHasTheSpecPathTypesAndStreaming() {
        Map<String, String> actual = new TreeMap<>();
        for (MethodDescriptor<?, ?> m : grpc_storeGrpc.getServiceDescriptor().getMethods()) {
            var proto =
                    GrpcStoreProto.getDescriptor()
                            .getServices()
                            .get(0)
                            .findMethodByName(m.getBareMethodName());
            assertThat(m.getType())
                    .isEqualTo(
                            proto.isServerStreaming()
                                    ? MethodDescriptor.MethodType.SERVER_STREAMING
                                    : MethodDescriptor.MethodType.UNARY);
            assertThat(proto.isClientStreaming()).isFalse();
            actual.put(
                    m.getFullMethodName(),
                    proto.getInputType().getFullName()
                            + " -> "
                            + (proto.isServerStreaming() ? "stream " : "")
                            + proto.getOutputType().getFullName());
        }
        assertThat(actual).isEqualTo(SPEC_METHODS);
    }

    @Test
    void everyMessageHasTheSpecFieldsAndNoOthers() {
        Map<String, List<String>> actual = new TreeMap<>();
        for (Descriptor d : GrpcStoreProto.getDescriptor().getMessageTypes()) {
            actual.put(
                    d.getName(),
                    d.getFields().stream()
                            .map(ProtoContractTest::describe)
                            .collect(Collectors.toList()));
        }
        assertThat(actual).isEqualTo(SPEC_MESSAGES);
    }

    private static String describe(FieldDescriptor f) {
        String type;
        if (f.isMapField()) {
            Descriptor entry = f.getMessageType();
            type =
                    "map<"
                            + typeName(entry.findFieldByName("key"))
                            + ","
                            + typeName(entry.findFieldByName("value"))
                            + ">";
        } else {
            type = (f.isRepeated() ? "repeated " : "") + typeName(f);
        }
        return f.getName() + "=" + f.getNumber() + ":" + type;
    }

    private static String typeName(FieldDescriptor f) {
        return f.getType() == FieldDescriptor.Type.MESSAGE
                ? f.getMessageType().getName()
                : f.getType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Bytes worked out by hand from the field numbers and proto3 encoding rules, not from the
     * generated code.
     */
    @Test
    void encodesToTheBytesTheFieldNumbersDictate() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put(
                hex(
                        QueryIndexRequest.newBuilder()
                                .setTableName("t")
                                .setHashValue("h")
                                .setRangeValuePrefix(ByteString.copyFrom(new byte[] {1}))
                                .setImmutable(true)
                                .build()
                                .toByteArray()),
                "0a0174" + "120168" + "1a0101" + "3001");
        cases.put(
                hex(
                        QueryIndexRequest.newBuilder()
                                .setRangeValueStart(ByteString.copyFrom(new byte[] {2}))
                                .setValueEqual(ByteString.copyFrom(new byte[] {3}))
                                .build()
                                .toByteArray()),
                "220102" + "2a0103");
        cases.put(
                hex(
                        Chunk.newBuilder()
                                .setEncoded(ByteString.copyFrom(new byte[] {(byte) 0xff}))
                                .setKey("k")
                                .setTableName("c")
                                .build()
                                .toByteArray()),
                "0a01ff" + "12016b" + "1a0163");
        cases.put(
                hex(
                        TableDesc.newBuilder()
                                .setName("n")
                                .setUseOnDemandIOMode(true)
                                .setProvisionedRead(300)
                                .setProvisionedWrite(1)
                                .putTags("a", "b")
                                .build()
                                .toByteArray()),
                "0a016e" + "1001" + "18ac02" + "2001" + "2a06" + "0a0161" + "120162");
        cases.forEach((actual, expected) -> assertThat(actual).isEqualTo(expected));
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
