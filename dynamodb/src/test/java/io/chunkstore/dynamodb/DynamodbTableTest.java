package io.chunkstore.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.AutoScalingConfig;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.TableStatus;
import io.chunkstore.testservers.RealServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.SSEType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TagResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.UntagResourceRequest;

/**
 * Tables on DynamoDB Local: billing modes, capacity, tags, as the table manager drives them.
 * DynamoDB Local does not support tagging (it answers UnknownOperationException), so the tagging
 * requests are checked as they leave the SDK, captured by an ExecutionInterceptor, and the backend
 * must carry on without them.
 */
@RealServer
class DynamodbTableTest {
    /** Tagging and CreateTable requests as they left the SDK. */
    private static final List<SdkRequest> TAGGING = new CopyOnWriteArrayList<>();

    private static DynamoBackend backend;
    private static TableClient tables;

    /** Records the tagging and CreateTable requests the backend sends. */
    static final class TaggingRecorder implements ExecutionInterceptor {
        @Override
        public void beforeExecution(
                Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof TagResourceRequest
                    || context.request() instanceof UntagResourceRequest
                    || context.request() instanceof CreateTableRequest) {
                TAGGING.add(context.request());
            }
        }
    }

    @BeforeAll
    static void open() {
        backend =
                DynamoServer.open(
                        "aws",
                        DynamoServer.config(),
                        new SimpleMeterRegistry(),
                        b ->
                                b.overrideConfiguration(
                                        o -> o.addExecutionInterceptor(new TaggingRecorder())));
        tables = backend.tableClient();
    }

    private static Map<String, String> tagsSent(String arn) {
        Map<String, String> out = new TreeMap<>();
        for (SdkRequest r : TAGGING) {
            if (r instanceof TagResourceRequest t && t.resourceArn().equals(arn)) {
                t.tags().forEach(tag -> out.put(tag.key(), tag.value()));
            }
        }
        return out;
    }

    private static List<String> tagsRemoved(String arn) {
        List<String> out = new ArrayList<>();
        for (SdkRequest r : TAGGING) {
            if (r instanceof UntagResourceRequest u && u.resourceArn().equals(arn)) {
                out.addAll(u.tagKeys());
            }
        }
        return out;
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static TableDesc desc(
            String name, boolean onDemand, long read, long write, Map<String, String> tags) {
        return new TableDesc(
                name,
                onDemand,
                read,
                write,
                tags,
                AutoScalingConfig.DISABLED,
                AutoScalingConfig.DISABLED);
    }

    private static TableDescription raw(String name) {
        return backend.sdkClient().describeTable(r -> r.tableName(name)).join().table();
    }

    @Test
    void onDemandWithTags() {
        String name = DynamoServer.table("tables_ondemand");
        TableDesc want = desc(name, true, 0, 0, Map.of("team", "observability", "env", "test"));
        tables.createTable(want);
        TableStatus status = tables.describeTable(name);
        assertThat(status.active()).isTrue();
        assertThat(status.desc().useOnDemandIOMode()).isTrue();
        assertThat(tagsSent(raw(name).tableArn())).isEqualTo(want.tags());
        assertThat(raw(name).billingModeSummary().billingMode())
                .isEqualTo(BillingMode.PAY_PER_REQUEST);
        assertThat(raw(name).keySchema())
                .extracting(k -> k.attributeName() + ":" + k.keyTypeAsString())
                .containsExactly("h:HASH", "r:RANGE");
        assertThat(raw(name).attributeDefinitions())
                .extracting(a -> a.attributeName() + ":" + a.attributeTypeAsString())
                .containsExactlyInAnyOrder("h:S", "r:B");
        assertThat(tables.listTables()).contains(name).isSorted();
        tables.createTable(want); // exists: a no-op
        tables.deleteTable(name);
        assertThat(tables.listTables()).doesNotContain(name);
        assertThatThrownBy(() -> tables.describeTable(name))
                .isInstanceOf(TableNotFoundException.class);
        tables.deleteTable(name); // missing: a no-op
    }

    @Test
    void provisionedCapacityAndBillingModeSwitches() {
        String name = DynamoServer.table("tables_provisioned");
        tables.createTable(desc(name, false, 300, 1000, Map.of()));
        TableDesc current = tables.describeTable(name).desc();
        assertThat(current.useOnDemandIOMode()).isFalse();
        assertThat(current.provisionedRead()).isEqualTo(300);
        assertThat(current.provisionedWrite()).isEqualTo(1000);
        assertThat(
                        raw(name).billingModeSummary() == null
                                || raw(name).billingModeSummary().billingMode()
                                        == BillingMode.PROVISIONED)
                .isTrue();

        TableDesc smaller = desc(name, false, 5, 10, Map.of());
        assertThat(current.satisfies(smaller)).isFalse();
        tables.updateTable(current, smaller);
        current = tables.describeTable(name).desc();
        assertThat(current.provisionedRead()).isEqualTo(5);
        assertThat(current.provisionedWrite()).isEqualTo(10);
        assertThat(current.satisfies(smaller)).isTrue();

        TableDesc onDemand = desc(name, true, 5, 10, Map.of());
        tables.updateTable(current, onDemand);
        current = tables.describeTable(name).desc();
        assertThat(current.useOnDemandIOMode()).isTrue();

        TableDesc back = desc(name, false, 7, 8, Map.of());
        tables.updateTable(current, back);
        current = tables.describeTable(name).desc();
        assertThat(current.useOnDemandIOMode()).isFalse();
        assertThat(current.provisionedRead()).isEqualTo(7);
        assertThat(current.provisionedWrite()).isEqualTo(8);
        tables.deleteTable(name);
    }

    /**
     * A name-only desc (no capacity stated) is created on demand; it can then be given capacity.
     */
    @Test
    void aNameOnlyTableIsOnDemand() {
        String name = DynamoServer.table("tables_named");
        tables.createTable(TableDesc.named(name));
        TableDesc current = tables.describeTable(name).desc();
        assertThat(current.useOnDemandIOMode()).isTrue();
        tables.updateTable(current, TableDesc.named(name)); // nothing to change
        assertThat(tables.describeTable(name).desc().useOnDemandIOMode()).isTrue();
        tables.updateTable(current, desc(name, false, 10, 20, Map.of("team", "storage")));
        TableDesc after = tables.describeTable(name).desc();
        assertThat(after.useOnDemandIOMode()).isFalse();
        assertThat(after.provisionedRead()).isEqualTo(10);
        assertThat(after.provisionedWrite()).isEqualTo(20);
        assertThat(tagsSent(raw(name).tableArn())).containsExactly(Map.entry("team", "storage"));
        tables.deleteTable(name);
    }

    /**
     * Tags are added, changed and removed to match the expected set (what Cortex's only-add leaves
     * undone).
     */
    @Test
    void tagsAreBroughtToTheExpectedSet() {
        String name = DynamoServer.table("tables_tags");
        tables.createTable(desc(name, true, 0, 0, Map.of()));
        String arn = raw(name).tableArn();
        TableDesc current =
                desc(
                        name,
                        true,
                        0,
                        0,
                        Map.of("keep", "1", "change", "old", "drop", "x", "aws:x", "y"));
        TableDesc expected =
                desc(name, true, 0, 0, Map.of("keep", "1", "change", "new", "add", "y"));
        tables.updateTable(current, expected);
        assertThat(tagsSent(arn)).isEqualTo(Map.of("change", "new", "add", "y"));
        assertThat(tagsRemoved(arn)).containsExactly("drop");
        assertThat(tables.describeTable(name).active()).isTrue();
        tables.deleteTable(name);
    }

    /** Loki's kms_key_id: new tables are created with KMS server-side encryption under that key. */
    @Test
    void kmsKeyIdEncryptsNewTables() {
        DynamoConfig c = DynamoServer.config();
        String key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        DynamoConfig withKms =
                new DynamoConfig(
                        c.endpoint(),
                        c.region(),
                        c.accessKeyId(),
                        c.secretAccessKey(),
                        c.apiLimit(),
                        c.throttleLimit(),
                        c.chunkGangSize(),
                        c.chunkGetMaxParallelism(),
                        c.backoff(),
                        key,
                        c.queryParallelism(),
                        c.writeParallelism(),
                        c.consistentReads(),
                        c.queryPageLimit());
        String name = DynamoServer.table("tables_kms");
        try (DynamoBackend kms =
                DynamoServer.open(
                        "aws",
                        withKms,
                        new SimpleMeterRegistry(),
                        b ->
                                b.overrideConfiguration(
                                        o -> o.addExecutionInterceptor(new TaggingRecorder())))) {
            kms.tableClient().createTable(TableDesc.named(name));
            CreateTableRequest sent =
                    TAGGING.stream()
                            .filter(
                                    r ->
                                            r instanceof CreateTableRequest t
                                                    && t.tableName().equals(name))
                            .map(r -> (CreateTableRequest) r)
                            .findFirst()
                            .orElseThrow();
            assertThat(sent.sseSpecification().enabled()).isTrue();
            assertThat(sent.sseSpecification().sseType()).isEqualTo(SSEType.KMS);
            assertThat(sent.sseSpecification().kmsMasterKeyId()).isEqualTo(key);
            assertThat(kms.tableClient().describeTable(name).active()).isTrue();
            kms.tableClient().deleteTable(name);
        }
    }

    @Test
    void badRequestsAreClearErrors() {
        assertThatThrownBy(() -> tables.createTable(desc("t1", true, 0, 0, Map.of())))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'t1'");
        assertThatThrownBy(
                        () ->
                                tables.createTable(
                                        desc(
                                                DynamoServer.table("tables_zero"),
                                                false,
                                                0,
                                                5,
                                                Map.of())))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> tables.describeTable(DynamoServer.table("tables_missing")))
                .isInstanceOf(TableNotFoundException.class);
    }

    @Test
    void apiCallsAreRateLimited() {
        try (DynamoBackend limited =
                DynamoServer.open(
                        "aws",
                        DynamoServer.config().withApiLimit(5),
                        new SimpleMeterRegistry(),
                        null)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 6; i++) {
                limited.tableClient().listTables();
            }
            // burst 1 at 5/s: five waits of 200 ms at least
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(900_000_000L);
        }
    }
}
