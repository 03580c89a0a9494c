package io.chunkstore.testservers;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigtable.admin.v2.BigtableTableAdminClient;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminSettings;
import com.google.cloud.bigtable.admin.v2.models.CreateTableRequest;
import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.BigtableDataSettings;
import com.google.cloud.bigtable.data.v2.models.Query;
import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.RowMutation;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Bigtable emulator starts and answers the real google-cloud-bigtable clients. */
@RealServer
class BigtableSmokeTest {

    @Test
    void createsATableWritesAndReadsRowsWithTheRealClient() throws Exception {
        BigtableEndpoint ep = TestServers.bigtable();
        try (BigtableTableAdminClient admin =
                        BigtableTableAdminClient.create(
                                BigtableTableAdminSettings.newBuilderForEmulator(
                                                ep.host(), ep.port())
                                        .setProjectId(ep.projectId())
                                        .setInstanceId(ep.instanceId())
                                        .build());
                BigtableDataClient data =
                        BigtableDataClient.create(
                                BigtableDataSettings.newBuilderForEmulator(ep.host(), ep.port())
                                        .setProjectId(ep.projectId())
                                        .setInstanceId(ep.instanceId())
                                        .build())) {
            admin.createTable(CreateTableRequest.of("smoke").addFamily("f"));
            assertThat(admin.listTables()).contains("smoke");

            for (int i = 0; i < 5; i++) {
                data.mutateRow(
                        RowMutation.create(TableId.of("smoke"), "a#" + i)
                                .setCell(
                                        "f",
                                        ByteString.copyFromUtf8("c"),
                                        ByteString.copyFromUtf8("value " + i)));
            }
            Row row = data.readRow(TableId.of("smoke"), "a#3");
            assertThat(row).isNotNull();
            assertThat(row.getCells("f", "c").get(0).getValue().toStringUtf8())
                    .isEqualTo("value 3");

            List<String> keys = new ArrayList<>();
            for (Row r : data.readRows(Query.create(TableId.of("smoke")).range("a#1", "a#4"))) {
                keys.add(r.getKey().toStringUtf8());
            }
            assertThat(keys).containsExactly("a#1", "a#2", "a#3");
        }
    }
}
