package io.chunkstore.dynamodb;

import io.chunkstore.spi.AutoScalingConfig;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.TableStatus;
import io.chunkstore.spi.UnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;
import software.amazon.awssdk.services.dynamodb.model.ListTagsOfResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTagsOfResourceResponse;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.SSESpecification;
import software.amazon.awssdk.services.dynamodb.model.SSEType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.Tag;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

/**
 * DynamoDB tables as Cortex's table manager wants them: key schema {@code h} (S, HASH) and {@code
 * r} (B, RANGE), PAY_PER_REQUEST or PROVISIONED billing, tags, optional KMS encryption. Every table
 * API call takes a token of the {@code api_limit} bucket (2/s, burst 1) and is retried with
 * back-off when throttled. Create and delete wait until the table is ACTIVE / gone.
 */
final class DynamoTableClient implements TableClient {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoTableClient.class);

    /** How long create and delete wait for the table to settle. */
    static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(10);

    private final DynamoDbAsyncClient client;
    private final Calls calls;
    private final TokenBucket apiLimit;
    private final String kmsKeyId;
    private final AtomicBoolean taggingWarned = new AtomicBoolean();

    DynamoTableClient(
            DynamoDbAsyncClient client, Calls calls, TokenBucket apiLimit, String kmsKeyId) {
        this.client = client;
        this.calls = calls;
        this.apiLimit = apiLimit;
        this.kmsKeyId = kmsKeyId;
    }

    @Override
    public List<String> listTables() {
        List<String> names = new ArrayList<>();
        String start = null;
        do {
            ListTablesRequest req =
                    ListTablesRequest.builder().exclusiveStartTableName(start).limit(100).build();
            ListTablesResponse resp =
                    calls.call(
                            DynamoMetrics.LIST_TABLES,
                            "",
                            null,
                            () -> client.listTables(req),
                            apiLimit);
            names.addAll(resp.tableNames());
            start = resp.lastEvaluatedTableName();
        } while (start != null && !start.isEmpty());
        names.sort(null);
        return names;
    }

    @Override
    public void createTable(TableDesc desc) {
        String name = TableNames.check(desc.name());
        warnAutoscaling(desc);
        CreateTableRequest.Builder b =
                CreateTableRequest.builder()
                        .tableName(name)
                        .attributeDefinitions(
                                AttributeDefinition.builder()
                                        .attributeName(Layout.HASH)
                                        .attributeType(ScalarAttributeType.S)
                                        .build(),
                                AttributeDefinition.builder()
                                        .attributeName(Layout.RANGE)
                                        .attributeType(ScalarAttributeType.B)
                                        .build())
                        .keySchema(
                                KeySchemaElement.builder()
                                        .attributeName(Layout.HASH)
                                        .keyType(KeyType.HASH)
                                        .build(),
                                KeySchemaElement.builder()
                                        .attributeName(Layout.RANGE)
                                        .keyType(KeyType.RANGE)
                                        .build());
        if (onDemand(desc)) {
            if (!desc.useOnDemandIOMode()) {
                LOG.info(
                        "table {} states no capacity (read 0, write 0): creating it PAY_PER_REQUEST",
                        name);
            }
            b.billingMode(BillingMode.PAY_PER_REQUEST);
        } else {
            b.billingMode(BillingMode.PROVISIONED).provisionedThroughput(throughput(desc));
        }
        if (!kmsKeyId.isEmpty()) {
            b.sseSpecification(
                    SSESpecification.builder()
                            .enabled(true)
                            .sseType(SSEType.KMS)
                            .kmsMasterKeyId(kmsKeyId)
                            .build());
        }
        CreateTableRequest req = b.build();
        String arn;
        try {
            CreateTableResponse resp =
                    calls.call(
                            DynamoMetrics.CREATE_TABLE,
                            name,
                            null,
                            () -> client.createTable(req),
                            apiLimit);
            arn = resp.tableDescription().tableArn();
        } catch (StorageException e) {
            if (e.getCause() instanceof ResourceInUseException) {
                LOG.debug("table {} exists already", name);
                return;
            }
            throw e;
        }
        TableDescription table = awaitActive(name);
        if (arn == null) {
            arn = table.tableArn();
        }
        if (!desc.tags().isEmpty()) {
            tag(name, arn, desc.tags());
        }
    }

    /**
     * Whether a desc asks for PAY_PER_REQUEST: on-demand mode, or no capacity at all (read and
     * write 0, as {@link TableDesc#named} has), which DynamoDB cannot provision.
     */
    static boolean onDemand(TableDesc desc) {
        return desc.useOnDemandIOMode()
                || desc.provisionedRead() == 0 && desc.provisionedWrite() == 0;
    }

    private static ProvisionedThroughput throughput(TableDesc desc) {
        if (desc.provisionedRead() < 1 || desc.provisionedWrite() < 1) {
            throw new InvalidRequestException(
                    "table "
                            + desc.name()
                            + ": a PROVISIONED table needs read and write"
                            + " capacity of at least 1 (got read "
                            + desc.provisionedRead()
                            + ", write "
                            + desc.provisionedWrite()
                            + "); set provisioned_read_throughput / provisioned_write_throughput"
                            + " or enable_ondemand_throughput_mode");
        }
        return ProvisionedThroughput.builder()
                .readCapacityUnits(desc.provisionedRead())
                .writeCapacityUnits(desc.provisionedWrite())
                .build();
    }

    private static void warnAutoscaling(TableDesc desc) {
        if (desc.writeScale().enabled() || desc.readScale().enabled()) {
            LOG.warn(
                    "table {}: write_scale / read_scale auto-scaling is not supported by chunkstore (Cortex dropped"
                            + " AWS Application Auto Scaling in 1.0); provisioned capacity is set as configured",
                    desc.name());
        }
    }

    private TableDescription awaitActive(String name) {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        Duration pause = Duration.ofMillis(200);
        while (true) {
            TableDescription t = describe(name).table();
            if (t.tableStatus()
                    == software.amazon.awssdk.services.dynamodb.model.TableStatus.ACTIVE) {
                return t;
            }
            if (System.nanoTime() > deadline) {
                throw new UnavailableException(
                        "table "
                                + name
                                + " is still "
                                + t.tableStatusAsString()
                                + " after "
                                + SETTLE_TIMEOUT.toMinutes()
                                + " minutes");
            }
            Calls.sleep(pause, DynamoMetrics.DESCRIBE_TABLE, name);
            pause =
                    pause.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                            ? Duration.ofSeconds(5)
                            : pause.multipliedBy(2);
        }
    }

    private DescribeTableResponse describe(String name) {
        return calls.call(
                DynamoMetrics.DESCRIBE_TABLE,
                name,
                null,
                () -> client.describeTable(r -> r.tableName(name)),
                apiLimit);
    }

    @Override
    public void deleteTable(String name) {
        TableNames.check(name);
        try {
            calls.call(
                    DynamoMetrics.DELETE_TABLE,
                    name,
                    null,
                    () -> client.deleteTable(r -> r.tableName(name)),
                    apiLimit);
        } catch (TableNotFoundException e) {
            return;
        }
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        Duration pause = Duration.ofMillis(200);
        while (true) {
            try {
                describe(name);
            } catch (TableNotFoundException e) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new UnavailableException(
                        "table "
                                + name
                                + " is still being deleted after "
                                + SETTLE_TIMEOUT.toMinutes()
                                + " minutes");
            }
            Calls.sleep(pause, DynamoMetrics.DESCRIBE_TABLE, name);
            pause =
                    pause.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                            ? Duration.ofSeconds(5)
                            : pause.multipliedBy(2);
        }
    }

    @Override
    public TableStatus describeTable(String name) {
        TableNames.check(name);
        TableDescription t = describe(name).table();
        boolean onDemand =
                t.billingModeSummary() != null
                        && t.billingModeSummary().billingMode() == BillingMode.PAY_PER_REQUEST;
        long read = 0;
        long write = 0;
        if (t.provisionedThroughput() != null) {
            read =
                    t.provisionedThroughput().readCapacityUnits() == null
                            ? 0
                            : t.provisionedThroughput().readCapacityUnits();
            write =
                    t.provisionedThroughput().writeCapacityUnits() == null
                            ? 0
                            : t.provisionedThroughput().writeCapacityUnits();
        }
        TableDesc desc =
                new TableDesc(
                        name,
                        onDemand,
                        read,
                        write,
                        tags(name, t.tableArn()),
                        AutoScalingConfig.DISABLED,
                        AutoScalingConfig.DISABLED);
        return new TableStatus(
                desc,
                t.tableStatus()
                        == software.amazon.awssdk.services.dynamodb.model.TableStatus.ACTIVE);
    }

    private Map<String, String> tags(String name, String arn) {
        Map<String, String> tags = new TreeMap<>();
        String token = null;
        do {
            ListTagsOfResourceRequest req =
                    ListTagsOfResourceRequest.builder().resourceArn(arn).nextToken(token).build();
            ListTagsOfResourceResponse resp;
            try {
                resp =
                        calls.call(
                                DynamoMetrics.LIST_TAGS,
                                name,
                                null,
                                () -> client.listTagsOfResource(req),
                                apiLimit);
            } catch (StorageException e) {
                if (taggingUnsupported(e)) {
                    return Map.of();
                }
                throw e;
            }
            resp.tags().forEach(t -> tags.put(t.key(), t.value()));
            token = resp.nextToken();
        } while (token != null && !token.isEmpty());
        return tags;
    }

    /**
     * Cortex's UpdateTable rules (pkg/chunk/aws/dynamodb_table_client.go): a provisioned target
     * whose capacity differs (or that is on demand now) gets its throughput set, switching the
     * billing mode to PROVISIONED when needed; an on-demand target that is provisioned now is
     * switched to PAY_PER_REQUEST. A LimitExceededException (DynamoDB allows few capacity decreases
     * a day) is logged, not fatal. Then the tags are made equal to the expected ones (added,
     * changed and removed; Cortex only adds, which leaves the table manager updating such a table
     * forever).
     */
    @Override
    public void updateTable(TableDesc current, TableDesc expected) {
        String name = TableNames.check(current.name());
        warnAutoscaling(expected);
        UpdateTableRequest req = null;
        boolean capacityDiffers =
                current.provisionedRead() != expected.provisionedRead()
                        || current.provisionedWrite() != expected.provisionedWrite();
        if (!onDemand(expected) && (current.useOnDemandIOMode() || capacityDiffers)) {
            UpdateTableRequest.Builder b =
                    UpdateTableRequest.builder()
                            .tableName(name)
                            .provisionedThroughput(throughput(expected));
            if (current.useOnDemandIOMode()) {
                b.billingMode(BillingMode.PROVISIONED);
            }
            req = b.build();
        } else if (onDemand(expected) && !current.useOnDemandIOMode()) {
            req =
                    UpdateTableRequest.builder()
                            .tableName(name)
                            .billingMode(BillingMode.PAY_PER_REQUEST)
                            .build();
        }
        if (req != null) {
            UpdateTableRequest send = req;
            LOG.info("updating table {}: {}", name, describeChange(current, expected));
            try {
                calls.call(
                        DynamoMetrics.UPDATE_TABLE,
                        name,
                        null,
                        () -> client.updateTable(send),
                        apiLimit);
            } catch (StorageException e) {
                if (!(e.getCause() instanceof LimitExceededException)) {
                    throw e;
                }
                LOG.warn(
                        "table {}: DynamoDB refused the update for now (LimitExceededException: {});"
                                + " it will be tried again at the next sync",
                        name,
                        e.getCause().getMessage());
            }
        }
        if (!current.tags().equals(expected.tags())) {
            String arn = describe(name).table().tableArn();
            Map<String, String> toSet = new TreeMap<>();
            expected.tags()
                    .forEach(
                            (k, v) -> {
                                if (!v.equals(current.tags().get(k))) {
                                    toSet.put(k, v);
                                }
                            });
            List<String> toRemove =
                    current.tags().keySet().stream()
                            .filter(k -> !expected.tags().containsKey(k) && !k.startsWith("aws:"))
                            .toList();
            if (!toSet.isEmpty()) {
                tag(name, arn, toSet);
            }
            if (!toRemove.isEmpty()) {
                try {
                    calls.call(
                            DynamoMetrics.UNTAG_RESOURCE,
                            name,
                            null,
                            () -> client.untagResource(r -> r.resourceArn(arn).tagKeys(toRemove)),
                            apiLimit);
                } catch (StorageException e) {
                    if (!taggingUnsupported(e)) {
                        throw e;
                    }
                }
            }
        }
    }

    private static String describeChange(TableDesc current, TableDesc expected) {
        return billing(current.useOnDemandIOMode(), current)
                + " -> "
                + billing(onDemand(expected), expected);
    }

    private static String billing(boolean onDemand, TableDesc d) {
        return onDemand
                ? "PAY_PER_REQUEST"
                : "PROVISIONED read " + d.provisionedRead() + " write " + d.provisionedWrite();
    }

    private void tag(String name, String arn, Map<String, String> tags) {
        List<Tag> list = new ArrayList<>();
        tags.forEach((k, v) -> list.add(Tag.builder().key(k).value(v).build()));
        try {
            calls.call(
                    DynamoMetrics.TAG_RESOURCE,
                    name,
                    null,
                    () -> client.tagResource(r -> r.resourceArn(arn).tags(list)),
                    apiLimit);
        } catch (StorageException e) {
            if (!taggingUnsupported(e)) {
                throw e;
            }
        }
    }

    /**
     * Whether the endpoint answered a tagging call with UnknownOperationException, as DynamoDB
     * Local does ("Tagging is not currently supported"): tags are then skipped with one warning,
     * and described as none.
     */
    private boolean taggingUnsupported(StorageException e) {
        if (e.getCause() == null
                || DynamoErrors.classify(e.getCause()) != DynamoErrors.Kind.UNSUPPORTED) {
            return false;
        }
        if (taggingWarned.compareAndSet(false, true)) {
            LOG.warn(
                    "this DynamoDB endpoint does not support tagging ({}); table tags are not set or read",
                    e.getCause().getMessage());
        }
        return true;
    }

    @Override
    public void close() {
        // the backend owns the SDK client
    }
}
