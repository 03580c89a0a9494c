package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import io.chunkstore.testservers.DynamoDbEndpoint;
import io.chunkstore.testservers.RealServer;
import io.chunkstore.testservers.TestServers;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator commands against a real server: DynamoDB Local, started by test-servers, named by a
 * Cortex config as a user's live cluster would be.
 */
@RealServer
class RealServersCommandTest {
    @TempDir Path tmp;

    /** A Cortex config on DynamoDB Local; {@code write} is the active tables' write throughput. */
    Path dynamoConfig(String prefix, long write) {
        DynamoDbEndpoint ep = TestServers.dynamodb();
        String url = ep.dynamodbUrl();
        return CliRun.write(
                tmp,
                prefix + write + ".yaml",
                """
                schema:
                  configs:
                    - from: %s
                      store: aws-dynamo
                      schema: v11
                      index: {prefix: %sindex_, period: 168h}
                      chunks: {prefix: %schunks_, period: 168h}
                storage:
                  aws:
                    region: %s
                    dynamodb:
                      dynamodb_url: %s
                      api_limit: 0
                table_manager:
                  index_tables_provisioning:
                    provisioned_write_throughput: %d
                    provisioned_read_throughput: 300
                """
                        .formatted(
                                LocalDate.now(ZoneOffset.UTC).minusDays(8),
                                prefix,
                                prefix,
                                ep.region(),
                                url,
                                write));
    }

    @Test
    void tablesSyncCreatesAndUpdatesProvisioningOnDynamoDb() {
        Path first = dynamoConfig("tm_", 1000);
        CliRun sync =
                CliRun.run("tables", "sync", "--config", first.toString(), "--output", "json");
        assertThat(sync.exit()).as(sync.toString()).isZero();
        JsonNode actions = sync.json().get("stores").get(0).get("actions");
        assertThat(actions.findValuesAsText("kind")).contains("create");
        assertThat(actions.findValuesAsText("status")).containsOnly("done");

        CliRun plan = CliRun.run("tables", "plan", "--config", dynamoConfig("tm_", 700).toString());
        assertThat(plan.exit()).as(plan.toString()).isZero();
        long week = LocalDate.now(ZoneOffset.UTC).toEpochDay() / 7;
        assertThat(plan.out())
                .contains(
                        "update  tm_index_" + week + "  write 1000 -> 700 (provisioning differs)");
        CliRun apply =
                CliRun.run("tables", "sync", "--config", dynamoConfig("tm_", 700).toString());
        assertThat(apply.exit()).as(apply.toString()).isZero();
        assertThat(apply.out()).contains("done    update  tm_index_" + week);
        CliRun after =
                CliRun.run("tables", "plan", "--config", dynamoConfig("tm_", 700).toString());
        assertThat(after.out()).contains("0 to create, 0 to update, 0 to delete");
    }

    @Test
    void conformanceRunsAgainstDynamoDbInItsOwnTablesAndRemovesThem() {
        Path cfg = dynamoConfig("live_", 1000);
        CliRun r =
                CliRun.run(
                        "conformance",
                        "--config",
                        cfg.toString(),
                        "--cases",
                        "(TableContract|CortexCasesContract|ChunkContract)\\..*",
                        "--output",
                        "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("store").asText()).isEqualTo("aws-dynamo");
        assertThat(j.get("failed").asInt()).isZero();
        assertThat(j.get("passed").asInt()).isGreaterThan(10);
        assertThat(j.get("notRemoved")).isEmpty();
        String prefix = j.get("tablePrefix").asText();
        ChunkstoreConfig c = ChunkstoreConfig.load(cfg);
        try (StorageBackend b =
                StorageProviders.open(new BackendContext("aws-dynamo", c.storage(), null, null))) {
            assertThat(b.tableClient().listTables()).noneMatch(t -> t.startsWith(prefix));
        }
    }
}
