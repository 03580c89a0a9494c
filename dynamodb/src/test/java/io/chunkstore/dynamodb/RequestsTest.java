package io.chunkstore.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.spi.IndexQuery;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

class RequestsTest {

    @Test
    void wholeRow() {
        QueryRequest r =
                Requests.query(IndexQuery.row("index_2706", "userID:d18000:foo"), false, 0);
        assertThat(r.tableName()).isEqualTo("index_2706");
        assertThat(r.keyConditionExpression()).isEqualTo("#h = :h");
        assertThat(r.expressionAttributeNames())
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("#h", "h"));
        assertThat(r.expressionAttributeValues().get(":h").s()).isEqualTo("userID:d18000:foo");
        assertThat(r.filterExpression()).isNull();
        assertThat(r.consistentRead()).isFalse();
        assertThat(r.limit()).isNull();
        assertNoLegacyParameters(r);
    }

    @Test
    void prefix() {
        QueryRequest r =
                Requests.query(
                        IndexQuery.builder("index_1", "h")
                                .rangeValuePrefix(new byte[] {1, (byte) 0xff})
                                .build(),
                        true,
                        10_000);
        assertThat(r.keyConditionExpression()).isEqualTo("#h = :h AND begins_with(#r, :p)");
        assertThat(r.limit()).isEqualTo(10_000);
        assertThat(r.expressionAttributeNames()).containsEntry("#r", "r");
        assertThat(r.expressionAttributeValues().get(":p").b().asByteArray())
                .containsExactly(1, 0xff);
        assertThat(r.consistentRead()).isTrue();
        assertNoLegacyParameters(r);
    }

    @Test
    void startAndValueEqual() {
        QueryRequest r =
                Requests.query(
                        IndexQuery.builder("index_1", "h")
                                .rangeValueStart(new byte[] {0, 5})
                                .valueEqual("baz".getBytes())
                                .build(),
                        false,
                        7);
        assertThat(r.keyConditionExpression()).isEqualTo("#h = :h AND #r >= :s");
        assertThat(r.expressionAttributeValues().get(":s").b().asByteArray()).containsExactly(0, 5);
        assertThat(r.filterExpression()).isEqualTo("#c = :v");
        assertThat(r.expressionAttributeNames()).containsEntry("#c", "c");
        assertThat(r.expressionAttributeValues().get(":v").b().asUtf8String()).isEqualTo("baz");
        assertNoLegacyParameters(r);
    }

    @Test
    void chunkItemsOfOneKey() {
        QueryRequest r = Requests.chunkItems("chunks_1", "user/abc", true);
        assertThat(r.keyConditionExpression()).isEqualTo("#h = :h AND begins_with(#r, :c)");
        assertThat(r.expressionAttributeValues().get(":c").b().asByteArray()).containsExactly(0x63);
        assertThat(r.consistentRead()).isTrue();
        assertNoLegacyParameters(r);
    }

    private static void assertNoLegacyParameters(QueryRequest r) {
        assertThat(r.hasKeyConditions()).isFalse();
        assertThat(r.hasQueryFilter()).isFalse();
        assertThat(r.hasAttributesToGet()).isFalse();
        assertThat(r.conditionalOperator()).isNull();
    }
}
