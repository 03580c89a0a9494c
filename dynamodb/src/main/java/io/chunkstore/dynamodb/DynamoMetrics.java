package io.chunkstore.dynamodb;

import io.chunkstore.spi.support.RequestDurations;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;

/**
 * Cortex's DynamoDB metrics under the configured namespace ({@code cortex_}, {@code loki_}, ...):
 * {@code dynamo_request_duration_seconds{operation,status_code}} (buckets 1ms x 4^n, 9 of them),
 * {@code dynamo_consumed_capacity_total{operation,table}}, {@code
 * dynamo_throttled_total{operation,table}}, {@code dynamo_failures_total{table,error,operation}}
 * and {@code dynamo_query_pages_count} (buckets 1 x 4^n, 6). Operation names are Cortex's ({@code
 * DynamoDB.QueryPages}, {@code DynamoDB.BatchWriteItem}, ...).
 */
final class DynamoMetrics {
    static final String QUERY_PAGES = "DynamoDB.QueryPages";
    static final String SCAN_PAGES = "DynamoDB.ScanPages";
    static final String BATCH_WRITE = "DynamoDB.BatchWriteItem";
    static final String BATCH_GET = "DynamoDB.BatchGetItemPages";
    static final String CREATE_TABLE = "DynamoDB.CreateTable";
    static final String DESCRIBE_TABLE = "DynamoDB.DescribeTable";
    static final String UPDATE_TABLE = "DynamoDB.UpdateTable";
    static final String DELETE_TABLE = "DynamoDB.DeleteTable";
    static final String LIST_TABLES = "DynamoDB.ListTablesPages";
    static final String TAG_RESOURCE = "DynamoDB.TagResource";
    static final String UNTAG_RESOURCE = "DynamoDB.UntagResource";
    static final String LIST_TAGS = "DynamoDB.ListTagsOfResource";

    private static final double[] PAGE_BUCKETS = {1, 4, 16, 64, 256, 1024};

    private final MeterRegistry registry;
    private final RequestDurations requestDuration;
    private final String consumedCapacity;
    private final String throttled;
    private final String failures;
    private final DistributionSummary queryPages;

    DynamoMetrics(
            MeterRegistry registry,
            String requestDuration,
            String consumedCapacity,
            String throttled,
            String failures,
            String queryPages) {
        this.registry = registry;
        this.requestDuration =
                new RequestDurations(
                        registry, requestDuration, "Time spent doing DynamoDB requests.");
        this.consumedCapacity = consumedCapacity;
        this.throttled = throttled;
        this.failures = failures;
        this.queryPages =
                DistributionSummary.builder(queryPages)
                        .description("Number of pages per query.")
                        .serviceLevelObjectives(PAGE_BUCKETS)
                        .register(registry);
    }

    /** Metric names through {@code namer} (BackendContext::metricName). */
    static DynamoMetrics create(
            MeterRegistry registry, java.util.function.UnaryOperator<String> namer) {
        return new DynamoMetrics(
                registry,
                namer.apply("dynamo_request_duration_seconds"),
                namer.apply("dynamo_consumed_capacity_total"),
                namer.apply("dynamo_throttled_total"),
                namer.apply("dynamo_failures_total"),
                namer.apply("dynamo_query_pages_count"));
    }

    void request(String operation, Throwable error, long startNanos) {
        requestDuration.recordSince(operation, DynamoErrors.statusCode(error), startNanos);
    }

    void consumed(String operation, List<ConsumedCapacity> capacities) {
        if (capacities == null) {
            return;
        }
        for (ConsumedCapacity c : capacities) {
            consumed(operation, c);
        }
    }

    void consumed(String operation, ConsumedCapacity c) {
        if (c == null || c.capacityUnits() == null) {
            return;
        }
        Counter.builder(consumedCapacity)
                .description("The capacity units consumed by operation.")
                .tags("operation", operation, "table", c.tableName() == null ? "" : c.tableName())
                .register(registry)
                .increment(c.capacityUnits());
    }

    void throttled(String operation, String table, int items) {
        Counter.builder(throttled)
                .description("The total number of throttled events.")
                .tags("operation", operation, "table", table)
                .register(registry)
                .increment(items);
    }

    void failure(String operation, String table, Throwable error) {
        Counter.builder(failures)
                .description("The total number of errors while storing chunks to the chunk store.")
                .tags(
                        "table",
                        table == null ? "" : table,
                        "error",
                        DynamoErrors.errorCode(error),
                        "operation",
                        operation)
                .register(registry)
                .increment();
    }

    void queryPages(int pages) {
        queryPages.record(pages);
    }
}
