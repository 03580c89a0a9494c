package io.chunkstore.dynamodb;

import io.chunkstore.spi.IndexQuery;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/** Builds DynamoDB requests from spi values; pure functions. */
final class Requests {
    private Requests() {}

    /**
     * The Query for an index query, in expression form only (never mixed with legacy KeyConditions,
     * which DynamoDB rejects): {@code #h = :h}, plus {@code begins_with(#r, :p)} or {@code #r >=
     * :s}, and the filter {@code #c = :v} when a value is required. {@code pageLimit} > 0 caps the
     * items DynamoDB evaluates per page (before the filter).
     */
    static QueryRequest query(IndexQuery q, boolean consistentRead, int pageLimit) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        names.put("#h", Layout.HASH);
        values.put(":h", Layout.s(q.hashValue()));
        String condition = "#h = :h";
        if (q.hasPrefix()) {
            names.put("#r", Layout.RANGE);
            values.put(":p", Layout.b(q.rangeValuePrefix()));
            condition += " AND begins_with(#r, :p)";
        } else if (q.hasStart()) {
            names.put("#r", Layout.RANGE);
            values.put(":s", Layout.b(q.rangeValueStart()));
            condition += " AND #r >= :s";
        }
        QueryRequest.Builder b =
                QueryRequest.builder()
                        .tableName(q.tableName())
                        .keyConditionExpression(condition)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                        .consistentRead(consistentRead);
        if (pageLimit > 0) {
            b.limit(pageLimit);
        }
        if (q.hasValueEqual()) {
            names.put("#c", Layout.VALUE);
            values.put(":v", Layout.b(q.valueEqual()));
            b.filterExpression("#c = :v");
        }
        return b.expressionAttributeNames(names).expressionAttributeValues(values).build();
    }

    /**
     * The Query listing the items of a chunk (head and parts): {@code #h = :h AND begins_with(#r,
     * :c)}.
     */
    static QueryRequest chunkItems(String table, String externalKey, boolean consistentRead) {
        return QueryRequest.builder()
                .tableName(table)
                .keyConditionExpression("#h = :h AND begins_with(#r, :c)")
                .expressionAttributeNames(Map.of("#h", Layout.HASH, "#r", Layout.RANGE))
                .expressionAttributeValues(
                        Map.of(":h", Layout.s(externalKey), ":c", Layout.b(Layout.CHUNK_RANGE)))
                .projectionExpression("#h, #r")
                .consistentRead(consistentRead)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                .build();
    }
}
