package io.chunkstore.grpc;

import com.google.protobuf.Empty;
import io.chunkstore.grpc.GrpcStoreClient.Calls;
import io.chunkstore.grpc.proto.CreateTableRequest;
import io.chunkstore.grpc.proto.DeleteTableRequest;
import io.chunkstore.grpc.proto.DescribeTableRequest;
import io.chunkstore.grpc.proto.DescribeTableResponse;
import io.chunkstore.grpc.proto.UpdateTableRequest;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableStatus;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link TableClient} over the grpc_store protocol; see {@link GrpcStoreClient}. Descriptions map
 * 1:1 except the auto-scaling settings, which the protocol does not carry (they come back
 * disabled).
 */
final class GrpcTableClient implements TableClient {
    private final Calls calls;

    GrpcTableClient(Calls calls) {
        this.calls = calls;
    }

    @Override
    public List<String> listTables() {
        try {
            List<String> names =
                    new ArrayList<>(
                            calls.unary()
                                    .listTables(Empty.getDefaultInstance())
                                    .getTableNamesList());
            names.sort(null);
            return names;
        } catch (StatusRuntimeException e) {
            throw Statuses.toException(e, "ListTables", Statuses.Call.TABLES, null);
        }
    }

    @Override
    public void createTable(TableDesc desc) {
        try {
            calls.unary()
                    .createTable(
                            CreateTableRequest.newBuilder()
                                    .setDesc(ProtoMapping.toProto(desc))
                                    .build());
        } catch (StatusRuntimeException e) {
            throw Statuses.toException(e, "CreateTable", Statuses.Call.TABLES, desc.name());
        }
    }

    @Override
    public void deleteTable(String name) {
        try {
            calls.unary().deleteTable(DeleteTableRequest.newBuilder().setTableName(name).build());
        } catch (StatusRuntimeException e) {
            throw Statuses.toException(e, "DeleteTable", Statuses.Call.TABLES, name);
        }
    }

    @Override
    public TableStatus describeTable(String name) {
        try {
            DescribeTableResponse r =
                    calls.unary()
                            .describeTable(
                                    DescribeTableRequest.newBuilder().setTableName(name).build());
            return new TableStatus(ProtoMapping.fromProto(r.getDesc()), r.getIsActive());
        } catch (StatusRuntimeException e) {
            throw Statuses.toException(e, "DescribeTable", Statuses.Call.TABLES, name);
        }
    }

    @Override
    public void updateTable(TableDesc current, TableDesc expected) {
        try {
            calls.unary()
                    .updateTable(
                            UpdateTableRequest.newBuilder()
                                    .setCurrent(ProtoMapping.toProto(current))
                                    .setExpected(ProtoMapping.toProto(expected))
                                    .build());
        } catch (StatusRuntimeException e) {
            throw Statuses.toException(e, "UpdateTable", Statuses.Call.TABLES, current.name());
        }
    }

    /** Does nothing: the channel belongs to the {@link GrpcStoreClient}. */
    @Override
    public void close() {}
}
